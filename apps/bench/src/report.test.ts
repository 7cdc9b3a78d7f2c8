import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { judgeClaim } from './claims.js';
import { InvalidResultsError } from './errors.js';
import { collectMachineInfo } from './machine-info.js';
import { parseResultsDocument, type ResultsDocument, writeResultsJson } from './report-json.js';
import { renderMarkdownReport, writeMarkdownReport } from './report-markdown.js';
import { formatResultTables } from './report-table.js';

function sampleDocument(): ResultsDocument {
  return {
    tool: 'relay-bench',
    command: 'relay-bench sessions relay --json out.json',
    quick: false,
    machine: collectMachineInfo(new Date('2026-01-02T03:04:05.000Z')),
    redis: 'Redis: a private redis-server at redis://127.0.0.1:40000, started for this run',
    durationMs: 12_345,
    notes: ['relay: apps/relay/dist/cli.js does not forward yet | relay rows skipped'],
    scenarios: [
      { name: 'sessions', description: 'session backends', status: 'passed', durationMs: 5000 },
      { name: 'relay', description: 'the relay against its baselines', status: 'passed', durationMs: 7000 },
    ],
    results: [
      {
        scenario: 'sessions',
        name: 'create (memory)',
        value: 3.2,
        unit: 'µs/op',
        p50: 3.2,
        p99: 4.1,
        min: 3.01,
        max: 3.5,
        claim: judgeClaim('session-create-memory', 3.2, 'µs/op'),
      },
      {
        scenario: 'sessions',
        name: 'bytes per session (Redis)',
        value: 912,
        unit: 'bytes',
        claim: judgeClaim('redis-bytes-per-session', 912, 'bytes'),
      },
      {
        scenario: 'relay',
        name: 'non-streaming, 32 clients: @fastify/http-proxy',
        value: 8123.4,
        unit: 'req/s',
        min: 7900,
        max: 8300,
        baseline: 'bare passthrough',
        ratio: 0.8123,
      },
    ],
  };
}

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('the JSON results', () => {
  it('round-trips through the file with machine info and every row', async () => {
    directory = await mkdtemp(join(tmpdir(), 'relay-bench-'));
    const file = join(directory, 'nested', 'results.json');
    await writeResultsJson(file, sampleDocument());
    const parsed = parseResultsDocument(await readFile(file, 'utf8'));
    expect(parsed).toEqual(sampleDocument());
    expect(parsed.machine.cores).toBeGreaterThan(0);
    expect(parsed.machine.nodeVersion).toBe(process.version);
    expect(parsed.results[2]).toMatchObject({ scenario: 'relay', baseline: 'bare passthrough', ratio: 0.8123 });
  });

  it('rejects text that is not JSON, a document without rows, a failed scenario and a malformed row', () => {
    expect(() => parseResultsDocument('{"tool":')).toThrow(InvalidResultsError);
    expect(() => parseResultsDocument(JSON.stringify({ ...sampleDocument(), results: [] }))).toThrow(
      /at least one row/,
    );
    const failed = sampleDocument();
    failed.scenarios[1] = { ...failed.scenarios[1], name: 'relay', status: 'failed', error: 'boom' } as never;
    expect(() => parseResultsDocument(JSON.stringify(failed))).toThrow(/scenarios failed: relay/);
    const nullValue = sampleDocument();
    // JSON turns NaN into null: exactly what a broken measurement looks like in the file.
    (nullValue.results[0] as { value: number }).value = Number.NaN;
    expect(() => parseResultsDocument(JSON.stringify(nullValue))).toThrow(/results\[0\]: "value" must be a finite/);
    const orphanRatio = sampleDocument();
    delete orphanRatio.results[2]?.baseline;
    expect(() => parseResultsDocument(JSON.stringify(orphanRatio))).toThrow(/"ratio" needs a "baseline"/);
    expect(() => parseResultsDocument(JSON.stringify({ ...sampleDocument(), machine: {} }))).toThrow(/"machine"/);
  });
});

describe('the Markdown report', () => {
  it('states the command, machine and Redis, and puts the seed claim and the verdict beside each figure', async () => {
    directory = await mkdtemp(join(tmpdir(), 'relay-bench-'));
    const file = join(directory, 'report.md');
    await writeMarkdownReport(file, sampleDocument());
    const markdown = await readFile(file, 'utf8');
    expect(markdown).toBe(renderMarkdownReport(sampleDocument()));
    expect(markdown).toContain('- Command: `relay-bench sessions relay --json out.json`');
    expect(markdown).toContain(`Node ${process.version}`);
    expect(markdown).toContain('- Date: 2026-01-02T03:04:05.000Z');
    expect(markdown).toContain('private redis-server');
    expect(markdown).toContain('does not forward yet \\| relay rows skipped');
    const lines = markdown.split('\n');
    const header = lines.find((line) => line.startsWith('| measurement'));
    expect(header?.split('|').map((cell) => cell.trim())).toContain('seed claim');
    expect(header?.split('|').map((cell) => cell.trim())).toContain('beaten');
    expect(lines).toContain('| create (memory) | 3.20 | µs/op | 3.20 | 4.10 | 3.01–3.50 |  |  | < 5 ms | yes |');
    expect(lines).toContain('| bytes per session (Redis) | 912 | bytes |  |  |  |  |  | ~800 B | no |');
    expect(lines).toContain(
      '| non-streaming, 32 clients: @fastify/http-proxy | 8,123 | req/s |  |  | 7,900–8,300 | bare passthrough | 0.81× |  |  |',
    );
    expect(lines.indexOf('## sessions')).toBeLessThan(lines.indexOf('## relay'));
  });

  it('shows a failed scenario with its error', () => {
    const document = sampleDocument();
    document.scenarios[1] = {
      ...document.scenarios[1],
      name: 'relay',
      status: 'failed',
      error: 'Error: boom',
    } as never;
    const markdown = renderMarkdownReport(document);
    expect(markdown).toMatch(/## relay[\s\S]*\*\*Failed\*\*[\s\S]*Error: boom/);
  });
});

describe('the terminal tables', () => {
  it('prints one table per scenario, leaving out columns that are empty throughout', () => {
    const text = formatResultTables(sampleDocument().results);
    const [sessions, relay] = text.split('\n\n');
    expect(sessions?.split('\n')[0]).toBe('sessions');
    expect(sessions).toContain('seed claim');
    expect(sessions).not.toContain('baseline');
    expect(relay?.split('\n')[0]).toBe('relay');
    expect(relay).toContain('bare passthrough');
    expect(relay).toContain('0.81×');
    expect(relay).not.toContain('seed claim');
  });
});
