import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { applicationBuild } from '../../tsup.base.js';

// Scenarios and baseline servers are separate entries: the runner discovers dist/scenarios/*.js at run time, and
// each baseline runs as a child process of its own.
function entriesOf(folder: string): Record<string, string> {
  if (!existsSync(`src/${folder}`)) return {};
  const files = readdirSync(`src/${folder}`).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  return Object.fromEntries(
    files.map((file) => [`${folder}/${file.slice(0, -'.ts'.length)}`, `src/${folder}/${file}`]),
  );
}

export default defineConfig(
  applicationBuild({
    cli: 'src/cli.ts',
    'check-results': 'src/check-results.ts',
    ...entriesOf('scenarios'),
    ...entriesOf('baselines'),
  }),
);
