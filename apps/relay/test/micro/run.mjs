// Runs one of the micro-benchmarks beside this file: bundles it with tsup (the relay's own build tool) into a
// directory under the relay's node_modules (so its imports resolve to the relay's dependencies) and runs it with node, passing the remaining arguments on.
//   node apps/relay/test/micro/run.mjs log-line-cost.ts [arguments]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const [script, ...rest] = process.argv.slice(2);
if (!script) {
  console.error('usage: node apps/relay/test/micro/run.mjs <script.ts> [arguments]');
  process.exit(2);
}
const cache = fileURLToPath(new URL('../../node_modules/.micro/', import.meta.url));
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(cache);
try {
  await build({
    entry: [fileURLToPath(new URL(script, import.meta.url))],
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir,
    silent: true,
    config: false,
    skipNodeModulesBundle: true,
  });
  const output = join(outDir, basename(script).replace(/\.ts$/, '.js'));
  const result = spawnSync(process.execPath, ['--expose-gc', output, ...rest], {
    stdio: 'inherit',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
