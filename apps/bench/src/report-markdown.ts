import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeMachine } from './machine-info.js';
import type { ResultsDocument } from './report-json.js';
import { groupByScenario, resultCells, resultColumns } from './result-cells.js';

const rightAligned = new Set(['value', 'p50', 'p99', 'rounds min–max', 'ratio']);

/** The Markdown report: how the figures were produced, then one table per scenario with the seed's claims beside them. */
export function renderMarkdownReport(document: ResultsDocument): string {
  const lines = [
    '# @relay benchmark results',
    '',
    `- Command: \`${document.command}\``,
    `- Machine: ${describeMachine(document.machine)}`,
    `- Date: ${document.machine.date}`,
    `- ${document.redis}`,
    `- Duration: ${(document.durationMs / 1000).toFixed(1)} s${document.quick ? ' (--quick: a completeness check, not figures to quote)' : ''}`,
  ];
  if (document.notes.length > 0) {
    lines.push('', '## Notes', '', ...document.notes.map((note) => `- ${escapeCell(note)}`));
  }
  const rowsByScenario = groupByScenario(document.results);
  for (const outcome of document.scenarios) {
    lines.push('', `## ${outcome.name}`, '');
    if (outcome.description) lines.push(outcome.description, '');
    if (outcome.status === 'failed') {
      lines.push(
        `**Failed** after ${(outcome.durationMs / 1000).toFixed(1)} s:`,
        '',
        '```',
        outcome.error ?? '',
        '```',
        '',
      );
    }
    const rows = rowsByScenario.get(outcome.name) ?? [];
    if (rows.length === 0) {
      lines.push('_No rows._');
      continue;
    }
    lines.push(
      `| ${resultColumns.join(' | ')} |`,
      `| ${resultColumns.map((column) => (rightAligned.has(column) ? '---:' : '---')).join(' | ')} |`,
      ...rows.map((row) => `| ${resultCells(row).map(escapeCell).join(' | ')} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the Markdown report, creating the folder if needed. */
export async function writeMarkdownReport(file: string, document: ResultsDocument): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderMarkdownReport(document));
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
