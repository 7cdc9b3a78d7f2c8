import { spawnSync } from 'node:child_process';

/**
 * Deletes every key matching `pattern` with the `redis-cli` binary (SCAN, then UNLINK in slices). The tests'
 * keys all expire on their own; this only leaves a shared Redis as a run found it. Without the binary it does
 * nothing, and it never throws.
 */
export function deleteKeysMatching(redisUrl: string, pattern: string): number {
  const scan = spawnSync('redis-cli', ['-u', redisUrl, '--scan', '--pattern', pattern], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (scan.status !== 0 || !scan.stdout) return 0;
  const keys = scan.stdout.split('\n').filter(Boolean);
  for (let start = 0; start < keys.length; start += 500) {
    spawnSync('redis-cli', ['-u', redisUrl, 'unlink', ...keys.slice(start, start + 500)], { stdio: 'ignore' });
  }
  return keys.length;
}
