import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const distDirectory = fileURLToPath(new URL('../dist/', import.meta.url));
/** The budget for the whole console, gzipped. */
const budgetBytes = 150 * 1024;

describe('the built console', () => {
  it('fits in 150 KB gzipped, every file counted', () => {
    const files = readdirSync(distDirectory, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.map((file) => file.name)).toContain('index.html');
    const gzipped = files.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(file.parentPath, file.name)), { level: 9 }).length,
      0,
    );
    console.info(`dashboard: ${files.length} files, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(budgetBytes);
  });
});
