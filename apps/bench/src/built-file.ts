import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchSetupError } from './errors.js';

/**
 * The @relay/bench package folder. Found by walking up to package.json rather than from this module's place,
 * because this module is bundled into several entries at different depths (and run from src by the tests).
 */
export function benchPackageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory)
      throw new BenchSetupError(`cannot find the @relay/bench package root above ${import.meta.url}`);
    directory = parent;
  }
  return directory;
}

/** Absolute path of a built file of this package, `dist/<relative>`: workers and child servers are always built JS. */
export function builtFile(relative: string): string {
  const file = join(benchPackageRoot(), 'dist', relative);
  if (!existsSync(file))
    throw new BenchSetupError(`${file} is missing: build first (pnpm --filter @relay/bench build)`);
  return file;
}
