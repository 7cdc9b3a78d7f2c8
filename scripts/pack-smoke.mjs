#!/usr/bin/env node
// Packaging smoke test: pack every library package as npm would publish it, install the tarballs into a
// throw-away consumer project outside the workspace, check that nothing in them needs a private workspace package
// (`@relay/internals` is bundled in, never depended on), then load each one with `import` (ESM) and `require` (CJS).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const packagesDirectory = join(root, 'packages');
const workspacePackages = readdirSync(packagesDirectory)
  .map((folder) => join(packagesDirectory, folder))
  .map((directory) => ({ directory, manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) }));
const libraries = workspacePackages.filter(({ manifest }) => !manifest.private);
const privateNames = workspacePackages.filter(({ manifest }) => manifest.private).map(({ manifest }) => manifest.name);

const workDirectory = mkdtempSync(join(tmpdir(), 'relay-pack-smoke-'));
const tarballDirectory = join(workDirectory, 'tarballs');
const consumerDirectory = join(workDirectory, 'consumer');
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

try {
  const tarballs = libraries.map(({ directory, manifest }) => {
    const output = run('pnpm', ['pack', '--pack-destination', tarballDirectory], directory).trim().split('\n');
    const tarball = output.at(-1);
    console.log(`packed ${manifest.name} -> ${tarball}`);
    return tarball;
  });

  run('mkdir', ['-p', consumerDirectory], workDirectory);
  writeFileSync(join(consumerDirectory, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], consumerDirectory);

  // A private package left external would be a missing module (JS) or an unresolved import (types) for every user.
  for (const { manifest } of libraries) {
    const installed = join(consumerDirectory, 'node_modules', manifest.name);
    const packed = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const needed = Object.keys({ ...packed.dependencies, ...packed.peerDependencies, ...packed.optionalDependencies });
    const files = readdirSync(installed, { recursive: true }).filter((file) => /\.(c?js|d\.c?ts)$/.test(file));
    for (const name of privateNames) {
      if (needed.includes(name)) throw new Error(`${manifest.name} depends on the private package ${name}`);
      const file = files.find((each) => readFileSync(join(installed, each), 'utf8').includes(`'${name}`));
      if (file) throw new Error(`${manifest.name}: ${file} imports the private package ${name} (bundle it instead)`);
    }
  }
  console.log(`ok: no packed file or dependency needs a private package (${privateNames.join(', ')})`);

  // The root and every subpath entry (e.g. `@relay/mock-anthropic/api-errors`), not the manifest itself.
  const entries = libraries.flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? { '.': {} })
      .filter((subpath) => !subpath.endsWith('.json'))
      .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
  );
  for (const entry of entries) {
    const esm = run(
      'node',
      ['--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).length);`],
      consumerDirectory,
    ).trim();
    const cjs = run(
      'node',
      ['-e', `const m = require('${entry}'); console.log(Object.keys(m).length);`],
      consumerDirectory,
    ).trim();
    if (Number(esm) === 0 || Number(cjs) === 0) throw new Error(`${entry}: no exports (esm ${esm}, cjs ${cjs})`);
    if (esm !== cjs) throw new Error(`${entry}: ESM exports ${esm} names but CJS exports ${cjs}`);
    console.log(`ok ${entry}: import (ESM) and require (CJS) each give ${esm} exports`);
  }
} finally {
  rmSync(workDirectory, { recursive: true, force: true });
}
