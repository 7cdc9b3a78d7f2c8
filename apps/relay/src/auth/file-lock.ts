import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

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
 * Runs `action` holding `<path>.lock` (created exclusively, mode 0600, holding `<hostname> <pid>`), so that
 * processes sharing one file (the workers of `--workers N`, the `relay keys` command beside a running relay)
 * never lose each other's read-modify-write. Synchronous: the writes it guards are rare and take milliseconds.
 * A lock whose holder is a process of this machine that no longer runs (it crashed while writing) is taken over
 * at once; any other lock after `staleAfterMs`.
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
    writeSync(descriptor, `${hostname()} ${process.pid}`);
    return action();
  } finally {
    closeSync(descriptor);
    removeQuietly(lockPath);
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleAfterMs || holderIsGone(readFileSync(lockPath, 'utf8'));
  } catch {
    return false;
  }
}

/** True when the lock names a process of this machine that does not run (an empty or foreign lock: unknown). */
function holderIsGone(content: string): boolean {
  const [host, pidText] = content.trim().split(' ');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (its holder finished, or another process removed a stale one).
  }
}
