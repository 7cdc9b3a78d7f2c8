import { defineConfig } from 'tsup';
import { applicationBuild } from '../../tsup.base.js';

export default defineConfig(
  applicationBuild({
    cli: 'src/cli.ts',
    scheduling: 'src/scheduling/index.ts',
    quota: 'src/quota/index.ts',
    'hot-path': 'src/hot-path.ts',
  }),
);
