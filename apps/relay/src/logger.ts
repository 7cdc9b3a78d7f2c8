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

/** The relay's pino logger: JSON lines with request ids, secrets redacted; to stdout, or appended to `file`. */
export function createLogger(level: string, options: { file?: string; destination?: DestinationStream } = {}): Logger {
  const destination =
    options.destination ??
    (options.file ? pino.destination({ dest: options.file, mkdir: true, mode: logFileMode }) : undefined);
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
