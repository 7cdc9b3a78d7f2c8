import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasRedisServerBinary, pingRedis } from '@relay/test-support';
import { testRedisUrl } from '@relay/test-support/vitest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from './report-json.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageRoot, 'dist', 'cli.js');
const checkResults = join(packageRoot, 'dist', 'check-results.js');
const fixtures = join(packageRoot, 'src', '__fixtures__', 'scenarios');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built script as a child process (stdout is a pipe, so progress comes as plain lines). */
async function run(script: string, args: string[], environment: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], {
    cwd: packageRoot,
    env: { ...inherited, ...environment },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}

let directory: string;
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (pnpm --filter @relay/bench build)`);
});
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe('relay-bench, run as a child process', () => {
  it('runs the selected scenarios, prints tables, writes JSON and Markdown, and checks them', async () => {
    directory = await mkdtemp(join(tmpdir(), 'relay-bench-cli-'));
    const json = join(directory, 'out', 'results.json');
    const markdown = join(directory, 'out', 'report.md');
    const finished = await run(cli, ['tiny', '--quick', '--scenarios-dir', fixtures, '--json', json, '--md', markdown]);
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('[tiny] summing\n');
    expect(finished.stdout).not.toContain('\x1b[2K');
    expect(finished.stdout).toMatch(/\ntiny\nmeasurement +value +unit/);
    expect(finished.stdout).toMatch(/sum, large .* < 1 ms +(yes|no)/);
    expect(finished.stdout).toContain('- tiny: tiny has nothing to skip');

    const document = JSON.parse(await readFile(json, 'utf8')) as ResultsDocument;
    expect(document.quick).toBe(true);
    expect(document.machine).toMatchObject({ nodeVersion: process.version, cores: expect.any(Number) });
    expect(document.scenarios).toEqual([expect.objectContaining({ name: 'tiny', status: 'passed' })]);
    expect(document.results.map((row) => row.name)).toEqual(['sum, small', 'sum, large', 'redis given']);
    expect(document.results.every((row) => row.scenario === 'tiny')).toBe(true);
    expect(document.results[1]).toMatchObject({ baseline: 'sum, small', claim: { text: '< 1 ms' } });
    expect(document.notes).toEqual(['tiny: tiny has nothing to skip']);

    const report = await readFile(markdown, 'utf8');
    expect(report).toContain('## tiny');
    expect(report).toMatch(/\| sum, large \|.*\| < 1 ms \| (yes|no) \|/);

    const checked = await run(checkResults, [json]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('valid, 3 rows from tiny');
  });

  it.skipIf(!hasRedisServerBinary())(
    'starts a private Redis without REDIS_URL, hands it to the scenarios, and stops it at the end',
    async () => {
      directory = await mkdtemp(join(tmpdir(), 'relay-bench-cli-'));
      const json = join(directory, 'results.json');
      const finished = await run(cli, ['tiny', '--quick', '--scenarios-dir', fixtures, '--json', json]);
      expect(finished.code).toBe(0);
      const document = JSON.parse(await readFile(json, 'utf8')) as ResultsDocument;
      expect(document.results.find((row) => row.name === 'redis given')?.value).toBe(1);
      const url = /redis:\/\/127\.0\.0\.1:\d+/.exec(document.redis)?.[0];
      expect(document.redis).toContain('private redis-server');
      expect(url).toBeDefined();
      expect(await pingRedis(url as string, 300)).toBe(false);
    },
  );

  it.skipIf(!testRedisUrl())('uses REDIS_URL when it is given', async () => {
    directory = await mkdtemp(join(tmpdir(), 'relay-bench-cli-'));
    const json = join(directory, 'results.json');
    const url = testRedisUrl() as string;
    const finished = await run(cli, ['tiny', '--quick', '--scenarios-dir', fixtures, '--json', json], {
      REDIS_URL: url,
    });
    expect(finished.code).toBe(0);
    const document = JSON.parse(await readFile(json, 'utf8')) as ResultsDocument;
    expect(document.redis).toBe(`Redis: ${url} (REDIS_URL)`);
    expect(await pingRedis(url)).toBe(true);
  });

  it('runs every scenario by default, shows a failure with its error, keeps the others, and exits non-zero', async () => {
    directory = await mkdtemp(join(tmpdir(), 'relay-bench-cli-'));
    const json = join(directory, 'results.json');
    const finished = await run(cli, ['--quick', '--scenarios-dir', fixtures, '--json', json]);
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain('[failing] FAILED');
    expect(finished.stderr).toContain('the failing fixture failed on purpose');
    const document = JSON.parse(await readFile(json, 'utf8')) as ResultsDocument;
    expect(document.scenarios.map((scenario) => [scenario.name, scenario.status])).toEqual([
      ['failing', 'failed'],
      ['tiny', 'passed'],
    ]);
    expect(document.results.map((row) => row.scenario)).toEqual(['failing', 'tiny', 'tiny', 'tiny']);

    const checked = await run(checkResults, [json]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('scenarios failed: failing');
  });

  it('names the known scenarios when given an unknown one', async () => {
    const finished = await run(cli, ['tiny', 'nonexistent', '--scenarios-dir', fixtures]);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('unknown scenario "nonexistent"; known scenarios: failing, tiny, all');
  });

  it('stops before measuring anything when REDIS_URL does not answer', async () => {
    const finished = await run(cli, ['tiny', '--scenarios-dir', fixtures], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain('REDIS_URL=redis://127.0.0.1:1 does not answer PING');
    expect(finished.stdout).not.toContain('[tiny]');
  });

  it('lists the scenarios and prints its usage', async () => {
    expect((await run(cli, ['--list', '--scenarios-dir', fixtures])).stdout).toBe('failing\ntiny\n');
    const help = await run(cli, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: relay-bench [scenario ...] [--quick] [--json FILE] [--md FILE]');
  });
});
