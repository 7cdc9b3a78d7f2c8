import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';

// A lock older than this was left by a process that died holding it (a write takes milliseconds).
const staleAfterMs = 10_000;
const giveUpAfterMs = 5_000;
const retryEveryMs = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A lock file that could not be taken in time. */
export class FileLockTimeoutError extends Error {
  readonly code = 'RELAY_ERR_FILE_LOCK_TIMEOUT' as const;
  constructor(readonly lockPath: string) {
    super(`could not lock ${lockPath} within ${giveUpAfterMs} ms (another relay process holds it)`);
    this.name = 'FileLockTimeoutError';
  }
}

/**
 * Runs `action` holding `<path>.lock` (created exclusively, mode 0600), so that processes sharing one file (the
 * workers of `--workers N`, the `relay keys` command beside a running relay) never lose each other's
 * read-modify-write. Synchronous: the writes it guards are rare and take milliseconds.
 */
export function withFileLock<Result>(path: string, action: () => Result): Result {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + giveUpAfterMs;
  let descriptor: number | undefined;
  while (descriptor === undefined) {
    try {
      descriptor = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath)) {
        removeQuietly(lockPath);
        continue;
      }
      if (Date.now() > deadline) throw new FileLockTimeoutError(lockPath);
      Atomics.wait(sleeper, 0, 0, retryEveryMs);
    }
  }
  try {
    return action();
  } finally {
    closeSync(descriptor);
    removeQuietly(lockPath);
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleAfterMs;
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (its holder finished, or another process removed a stale one).
  }
}
