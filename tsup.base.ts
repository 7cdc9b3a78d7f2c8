import type { Options } from 'tsup';

/** The one build recipe of every library package: ESM + CJS + types for each entry, Node 20. */
export function libraryBuild(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

/** The build recipe of an app or a CLI: one ESM bundle per entry, dependencies left external. */
export function applicationBuild(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm'],
    dts: false,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    ...overrides,
  };
}
