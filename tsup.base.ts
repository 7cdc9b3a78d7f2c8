import type { Options } from 'tsup';

// The private package of code the published ones share: bundled into each one's dist, its types inlined into each
// one's .d.ts, so that no published package depends on it (see the README's development section).
const bundledWorkspacePackages = ['@relay/internals'];

/** The one build recipe of every library package: ESM + CJS + types for each entry, Node 20. */
export function libraryBuild(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    noExternal: bundledWorkspacePackages,
    dts: { resolve: bundledWorkspacePackages },
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...overrides,
  };
}

/**
 * The build recipe of an app or a CLI: one ESM bundle per entry, dependencies left external (the shared private
 * code bundled in, as in a library: it is never loaded at run time).
 */
export function applicationBuild(entry: Record<string, string>, overrides: Partial<Options> = {}): Options {
  return {
    entry,
    format: ['esm'],
    noExternal: bundledWorkspacePackages,
    dts: false,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    ...overrides,
  };
}
