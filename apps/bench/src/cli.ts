#!/usr/bin/env node
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArguments, parseBenchArguments, usage } from './args.js';
import { listScenarioNames, loadScenario, selectScenarioNames } from './discover-scenarios.js';
import { BenchError } from './errors.js';
import { collectMachineInfo, describeMachine } from './machine-info.js';
import { ProgressLine } from './progress.js';
import { provisionRedis } from './redis-provision.js';
import { type ResultsDocument, type ScenarioOutcome, writeResultsJson } from './report-json.js';
import { writeMarkdownReport } from './report-markdown.js';
import { formatResultTables } from './report-table.js';
import type { ResultRow, ScenarioContext } from './scenario.js';
import { assertResultRow } from './validate-result-row.js';

const builtScenarios = fileURLToPath(new URL('./scenarios/', import.meta.url));

/** Runs `relay-bench` with `argv` (without the node and script paths); resolves to the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  let options: BenchArguments;
  let directory: string;
  let names: string[];
  try {
    options = parseBenchArguments(argv);
    directory = options.scenariosDirectory ? resolve(options.scenariosDirectory) : builtScenarios;
    if (options.help) {
      console.log(usage);
      return 0;
    }
    if (options.list) {
      console.log((await listScenarioNames(directory)).join('\n'));
      return 0;
    }
    names = await selectScenarioNames(directory, options.scenarios);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    console.error(`relay-bench: ${error.message}`);
    return 2;
  }
  if (names.length === 0) {
    console.error(`relay-bench: no scenario is built in ${directory}`);
    return 2;
  }

  const started = process.hrtime.bigint();
  const machine = collectMachineInfo();
  const progress = new ProgressLine(process.stdout);
  const notes: string[] = [];
  const note = (text: string) => {
    notes.push(text);
    progress.log(`note: ${text}`);
  };
  progress.log(`relay-bench ${argv.join(' ')}`.trimEnd());
  progress.log(`machine: ${describeMachine(machine)}`);
  if (typeof (globalThis as { gc?: unknown }).gc !== 'function') {
    note('not started with node --expose-gc: memory figures include uncollected garbage (use pnpm bench)');
  }

  let redis: Awaited<ReturnType<typeof provisionRedis>>;
  try {
    redis = await provisionRedis();
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    console.error(`relay-bench: ${error.message}`);
    return 2;
  }
  progress.log(redis.note);
  const stopOnSignal = (signal: NodeJS.Signals) => {
    progress.clear();
    console.error(`relay-bench: ${signal}, stopping`);
    void redis.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  const rows: ResultRow[] = [];
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const name of names) {
      outcomes.push(
        await runScenario(name, {
          directory,
          quick: options.quick,
          redis: redis.url,
          rows,
          progress,
          note,
        }),
      );
    }
  } finally {
    await redis.stop();
  }

  progress.clear();
  const failures = outcomes.filter((outcome) => outcome.status === 'failed');
  console.log(`\n${formatResultTables(rows)}`);
  if (notes.length > 0) console.log(`\nnotes:\n${notes.map((text) => `- ${text}`).join('\n')}`);
  for (const failure of failures) console.error(`\n[${failure.name}] FAILED:\n${failure.error}`);

  const document: ResultsDocument = {
    tool: 'relay-bench',
    command: `relay-bench ${argv.join(' ')}`.trimEnd(),
    quick: options.quick,
    machine,
    redis: redis.note,
    durationMs: Number(process.hrtime.bigint() - started) / 1e6,
    notes,
    scenarios: outcomes,
    results: rows,
  };
  if (options.jsonFile) {
    await writeResultsJson(options.jsonFile, document);
    console.log(`\nwrote ${options.jsonFile}`);
  }
  if (options.markdownFile) {
    await writeMarkdownReport(options.markdownFile, document);
    console.log(`wrote ${options.markdownFile}`);
  }
  return failures.length > 0 ? 1 : 0;
}

interface RunScenarioOptions {
  directory: string;
  quick: boolean;
  redis: string | undefined;
  rows: ResultRow[];
  progress: ProgressLine;
  note: (text: string) => void;
}

/** Loads and runs one scenario; a failure is caught and returned, so that the other scenarios still run. */
async function runScenario(name: string, options: RunScenarioOptions): Promise<ScenarioOutcome> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
  let description = '';
  let reported = 0;
  options.progress.update(name, 'loading');
  try {
    const scenario = await loadScenario(options.directory, name);
    description = scenario.description;
    const context: ScenarioContext = {
      quick: options.quick,
      redisUrl: options.redis,
      report(row) {
        const complete = { ...row, scenario: name };
        assertResultRow(complete);
        options.rows.push(complete);
        reported += 1;
      },
      progress: (text) => options.progress.update(name, text),
      note: (text) => options.note(`${name}: ${text}`),
    };
    options.progress.update(name, description || 'running');
    await scenario.run(context);
    options.progress.clear();
    options.progress.log(`[${name}] done in ${(elapsed() / 1000).toFixed(1)} s, ${reported} rows`);
    return { name, description, status: 'passed', durationMs: elapsed() };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    options.progress.clear();
    options.progress.log(`[${name}] FAILED after ${(elapsed() / 1000).toFixed(1)} s: ${String(error)}`);
    return { name, description, status: 'failed', durationMs: elapsed(), error: message };
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
