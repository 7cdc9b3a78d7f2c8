import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// The CLI is built with the library (one clean of dist/); it needs no type declarations.
export default defineConfig(
  libraryBuild(
    { index: 'src/index.ts', 'api-errors': 'src/api-errors.ts', cli: 'src/cli.ts' },
    { dts: { entry: { index: 'src/index.ts', 'api-errors': 'src/api-errors.ts' } } },
  ),
);
