import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

/** The names the README lists between `<!-- exports:<list> -->` and `<!-- /exports:<list> -->`. */
function documented(list: string): string[] {
  const start = readme.indexOf(`<!-- exports:${list} -->`);
  const end = readme.indexOf(`<!-- /exports:${list} -->`);
  if (start < 0 || end < start) throw new Error(`the README has no export list ${list}`);
  return [...readme.slice(start, end).matchAll(/`([A-Za-z]\w*)`/g)].map((match) => match[1] as string).sort();
}

/**
 * Every name an entry file exports, types included, read from its syntax: an entry only re-exports by name, so
 * that its surface is written out in one place (an `export *` or a local declaration fails the test).
 */
function exportedNames(file: string): string[] {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) continue;
    const clause = ts.isExportDeclaration(statement) ? statement.exportClause : undefined;
    if (!clause || !ts.isNamedExports(clause)) throw new Error(`${file}: only \`export { name } from\` is allowed`);
    for (const element of clause.elements) names.push(element.name.text);
  }
  return names.sort();
}

describe('the public surface', () => {
  it.each([
    ['root', './index.ts'],
    ['testing', './testing.ts'],
  ])('the %s entry exports exactly the values and types its README lists', (entry, file) => {
    expect(exportedNames(file)).toEqual([...documented(`${entry}-values`), ...documented(`${entry}-types`)].sort());
  });

  it.each([
    ['root', () => import('./index.js')],
    ['testing', () => import('./testing.js')],
  ])('the %s entry holds exactly the documented values at run time', async (entry, load) => {
    expect(Object.keys(await load()).sort()).toEqual(documented(`${entry}-values`));
  });
});
