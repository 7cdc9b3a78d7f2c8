import { parseArgs } from 'node:util';
import { BenchArgumentError } from './errors.js';

/** What the command line asked for. */
export interface BenchArguments {
  /** Scenario names as given; empty or containing `all` means every discovered scenario. */
  scenarios: string[];
  quick: boolean;
  /** Where to write the machine-readable results, if anywhere. */
  jsonFile: string | undefined;
  /** Where to write the Markdown report, if anywhere. */
  markdownFile: string | undefined;
  /** A folder of built scenario files to use instead of the runner's own `dist/scenarios` (tests use it). */
  scenariosDirectory: string | undefined;
  list: boolean;
  help: boolean;
}

export const usage = `Usage: relay-bench [scenario ...] [--quick] [--json FILE] [--md FILE]

Scenarios: the files of dist/scenarios (pool, sessions, metrics, relay, ...), or all (the default).

Options:
  --quick               run every scenario briefly (CI: completion only, never timings)
  --json FILE           write the results and the machine info as JSON
  --md FILE             write a Markdown report, with the seed document's claims beside the figures
  --scenarios-dir DIR   load scenarios from DIR instead of the built ones
  --list                print the known scenarios and exit
  -h, --help            print this help and exit

Environment:
  REDIS_URL             the Redis to measure against; without it a private redis-server is started
                        when one is on PATH, else the Redis rows are skipped with a note
  BENCH_RELAY_BASELINE  a checkout of this repository with a built relay (apps/relay/dist/cli.js), e.g. of an
                        older commit: the relay scenario measures it too, in the same rounds (before/after)`;

/** Parses `relay-bench` arguments (without the node and script paths); throws BenchArgumentError. */
export function parseBenchArguments(argv: readonly string[]): BenchArguments {
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode(argv);
  } catch (error) {
    throw new BenchArgumentError(`${(error as Error).message}\n\n${usage}`, { cause: error });
  }
  const { values, positionals } = parsed;
  for (const [option, value] of [
    ['--json', values.json],
    ['--md', values.md],
    ['--scenarios-dir', values['scenarios-dir']],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new BenchArgumentError(`${option} needs a non-empty path`);
  }
  return {
    scenarios: [...new Set(positionals)],
    quick: values.quick,
    jsonFile: values.json,
    markdownFile: values.md,
    scenariosDirectory: values['scenarios-dir'],
    list: values.list,
    help: values.help,
  };
}

function parseWithNode(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      md: { type: 'string' },
      'scenarios-dir': { type: 'string' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
