import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// ESM only: the package is private and used by the workspace's own tests and bench.
export default defineConfig(
  libraryBuild({ index: 'src/index.ts', servers: 'src/servers.ts', vitest: 'src/vitest.ts' }, { format: ['esm'] }),
);
