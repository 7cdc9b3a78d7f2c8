import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidScenarioError, UnknownScenarioError } from './errors.js';
import type { Scenario } from './scenario.js';

/** The name that selects every discovered scenario. */
export const allScenarios = 'all';

const scenarioFile = /^([a-z0-9][a-z0-9-]*)\.(?:js|mjs)$/;

/** Names of the scenario files (`<name>.js`) in `directory`, sorted. */
export async function listScenarioNames(directory: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch (error) {
    throw new InvalidScenarioError(
      `cannot read the scenarios folder ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); build the runner first: pnpm --filter @relay/bench build`,
      { cause: error },
    );
  }
  const names = entries.flatMap((entry) => scenarioFile.exec(entry)?.[1] ?? []);
  return [...new Set(names)].sort();
}

/** Resolves the requested names (empty or `all`: every one) against `directory`; unknown names throw. */
export async function selectScenarioNames(directory: string, requested: readonly string[]): Promise<string[]> {
  const known = await listScenarioNames(directory);
  if (requested.length === 0 || requested.includes(allScenarios)) return known;
  for (const name of requested) {
    if (!known.includes(name)) throw new UnknownScenarioError(name, known);
  }
  return [...requested];
}

/** Imports the scenario file `name` from `directory`, checks that its default export is a Scenario, names it `name`. */
export async function loadScenario(directory: string, name: string): Promise<Scenario> {
  const entries = await readdir(directory);
  const file = entries.find((entry) => entry === `${name}.js` || entry === `${name}.mjs`);
  if (!file) throw new UnknownScenarioError(name, await listScenarioNames(directory));
  const module = (await import(pathToFileURL(resolve(join(directory, file))).href)) as { default?: unknown };
  const scenario = module.default as Partial<Scenario> | undefined;
  if (!scenario || typeof scenario !== 'object' || typeof scenario.run !== 'function') {
    throw new InvalidScenarioError(
      `${join(directory, file)} must default-export a Scenario ({ name, description, run(context) })`,
    );
  }
  // The file name is the scenario's name everywhere (selection, rows, reports), so the two cannot drift apart.
  return {
    name,
    description: typeof scenario.description === 'string' ? scenario.description : '',
    run: scenario.run.bind(scenario),
  };
}
