#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { InvalidResultsError } from './errors.js';
import { parseResultsDocument } from './report-json.js';

// CI's check after `bench:quick`: the run completed and wrote well-formed results. Never a timing.
const file = process.argv[2];
if (!file) {
  console.error('usage: check-results FILE.json');
  process.exit(2);
}
try {
  const document = parseResultsDocument(await readFile(file, 'utf8'));
  const scenarios = document.scenarios.map((scenario) => scenario.name).join(', ');
  console.log(`${file}: valid, ${document.results.length} rows from ${scenarios}`);
} catch (error) {
  if (!(error instanceof InvalidResultsError) && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  console.error(`${file}: ${(error as Error).message}`);
  process.exit(1);
}
