import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// ESM, one file per module (not one bundle), so that a package bundling this one takes only the modules it uses (a
// compliance suite's entry does not load ioredis); the types in one file, `dist/index.d.ts`, that the packages' own
// .d.ts inline (tsup's `dts.resolve` finds it through the top-level `types` field: it reads no `exports`).
export default defineConfig(
  libraryBuild(
    { index: 'src/index.ts' },
    {
      entry: ['src/*.ts', '!src/*.test.ts'],
      format: ['esm'],
      bundle: false,
      treeshake: false,
      dts: { entry: { index: 'src/index.ts' } },
    },
  ),
);
