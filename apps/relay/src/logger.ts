import pino, { type DestinationStream, type Logger } from 'pino';

// Every place a secret could sit in a log object: client keys, account credentials, tokens, proxy URLs.
const redactedPaths = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-api-key"]',
  'headers.authorization',
  '*.apiKey',
  '*.oauthToken',
  '*.token',
  '*.key',
  '*.password',
  'config.accounts[*].apiKey',
  'config.accounts[*].oauthToken',
  'config.accounts[*].proxy',
  'config.clients[*].key',
  'config.admin.token',
];

// The log holds client addresses, ids and errors: readable by its owner only (a file created before keeps its mode).
const logFileMode = 0o600;

// sonic-boom measures the byte length of its whole pending chunk on every line: capping a chunk at 4 KiB keeps
// that cheap (its 16 KiB default cost 1.3 µs more per line; `test/micro/log-line-cost.ts`).
const maxWriteBytes = 4096;

/**
 * The relay's pino logger: JSON lines with request ids, secrets redacted; to stdout, or appended to `file`
 * (created 0600: lines name clients and accounts).
 *
 * Lines are written asynchronously (sonic-boom with `sync: false`): a synchronous write per request line cost
 * the event loop about 35 µs. Nothing is lost for it: pino flushes the buffer synchronously when the process
 * exits, the relay flushes on shutdown (`flushLogger`), and `flushOnCrash` writes the fatal line and flushes.
 */
export function createLogger(level: string, options: { file?: string; destination?: DestinationStream } = {}): Logger {
  const destination =
    options.destination ??
    pino.destination(
      options.file
        ? { dest: options.file, mkdir: true, mode: logFileMode, sync: false, maxWrite: maxWriteBytes }
        : { dest: 1, sync: false, maxWrite: maxWriteBytes },
    );
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

// A destination that cannot take the lines (a full disk) must not keep a crashed process alive.
const crashFlushTimeoutMs = 2_000;

/** Writes every buffered line and resolves once the destination took them (the relay's last step on shutdown). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

/**
 * Makes an uncaught exception or unhandled rejection end the process the way a crash should, but logged: one
 * `fatal` line with the error, every buffered line flushed to the destination, then exit code 1.
 */
export function flushOnCrash(logger: Logger): void {
  let crashed = false;
  const crash = (error: unknown, origin: string) => {
    if (crashed) return;
    crashed = true;
    const exit = () => process.exit(1);
    // The flush waits for a write already in flight, which pino's synchronous flush at exit would not.
    setTimeout(exit, crashFlushTimeoutMs);
    try {
      logger.fatal({ err: error, origin }, 'relay crashed');
      logger.flush(exit);
    } catch {
      exit();
    }
  };
  process.on('uncaughtException', (error) => crash(error, 'uncaughtException'));
  process.on('unhandledRejection', (reason) => crash(reason, 'unhandledRejection'));
}
