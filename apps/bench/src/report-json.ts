import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidResultsError } from './errors.js';
import type { MachineInfo } from './machine-info.js';
import type { ResultRow } from './scenario.js';
import { findResultRowProblem } from './validate-result-row.js';

/** How one scenario's run went. */
export interface ScenarioOutcome {
  name: string;
  description: string;
  status: 'passed' | 'failed';
  durationMs: number;
  /** The error's message and stack when it failed. */
  error?: string;
}

/** The `--json` file: the rows plus everything needed to judge them. */
export interface ResultsDocument {
  tool: 'relay-bench';
  /** The command line that produced it (without the node path). */
  command: string;
  quick: boolean;
  machine: MachineInfo;
  /** Where the Redis figures came from (or why there are none). */
  redis: string;
  durationMs: number;
  /** Things the reader must know: skipped rows, missing Redis, ... */
  notes: string[];
  scenarios: ScenarioOutcome[];
  results: ResultRow[];
}

/** Writes `document` as indented JSON, creating the folder if needed. */
export async function writeResultsJson(file: string, document: ResultsDocument): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
}

/**
 * Parses and checks a results file: the machine info, the scenario outcomes and every row must be well formed,
 * no scenario may have failed, and there must be at least one row. Throws InvalidResultsError naming the problem.
 */
export function parseResultsDocument(text: string): ResultsDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidResultsError(`not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidResultsError('not a JSON object');
  const document = parsed as Partial<ResultsDocument>;
  if (document.tool !== 'relay-bench') throw new InvalidResultsError('"tool" must be "relay-bench"');
  const machine = document.machine as Partial<MachineInfo> | undefined;
  if (
    typeof machine?.cpuModel !== 'string' ||
    typeof machine.cores !== 'number' ||
    typeof machine.nodeVersion !== 'string' ||
    typeof machine.date !== 'string'
  ) {
    throw new InvalidResultsError('"machine" must carry cpuModel, cores, nodeVersion and date');
  }
  if (!Array.isArray(document.scenarios) || document.scenarios.length === 0) {
    throw new InvalidResultsError('"scenarios" must list at least one scenario');
  }
  const failed = document.scenarios.filter((scenario) => scenario.status !== 'passed');
  if (failed.length > 0) {
    throw new InvalidResultsError(`scenarios failed: ${failed.map((scenario) => scenario.name).join(', ')}`);
  }
  if (!Array.isArray(document.results) || document.results.length === 0) {
    throw new InvalidResultsError('"results" must hold at least one row');
  }
  document.results.forEach((row, index) => {
    const problem = findResultRowProblem(row);
    if (problem) throw new InvalidResultsError(`results[${index}]: ${problem}`);
  });
  return document as ResultsDocument;
}
