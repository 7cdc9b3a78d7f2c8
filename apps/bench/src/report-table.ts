import { groupByScenario, resultCells, resultColumns } from './result-cells.js';
import type { ResultRow } from './scenario.js';

const numericColumns = new Set([1, 3, 4, 5, 7]);

/** One aligned plain-text table per scenario, for the end of a run. Columns that are empty throughout are left out. */
export function formatResultTables(rows: readonly ResultRow[]): string {
  const sections: string[] = [];
  for (const [scenario, scenarioRows] of groupByScenario(rows)) {
    const body = scenarioRows.map(resultCells);
    const shown = resultColumns
      .map((_, column) => column)
      .filter((column) => column === 0 || body.some((cells) => cells[column] !== ''));
    const table = [[...resultColumns], ...body].map((cells) => shown.map((column) => cells[column] ?? ''));
    const widths = shown.map((_, index) => Math.max(...table.map((cells) => (cells[index] ?? '').length)));
    const lines = table.map((cells) =>
      cells
        .map((cell, index) => {
          const width = widths[index] ?? 0;
          return numericColumns.has(shown[index] ?? 0) ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    );
    lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '));
    sections.push(`${scenario}\n${lines.join('\n')}`);
  }
  return sections.join('\n\n');
}
