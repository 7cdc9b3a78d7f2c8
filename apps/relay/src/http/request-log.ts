import type { Logger } from 'pino';

/**
 * The log of one request: every line carries its `reqId` and the client's address (`remote`). The pino child
 * logger that binds them is made on the first warning or error only; the one `request completed` line per
 * request names them itself.
 */
export class RequestLog {
  #child: Logger | undefined;
  /** The authenticated client, once known: named in the `request completed` line. */
  clientId: string | undefined;

  constructor(
    readonly logger: Logger,
    /** Where the `request completed` line goes: see `summaryLogger`. */
    readonly summary: Logger,
    readonly requestId: string,
    /** The peer address of the client's connection (a TLS proxy's, when the relay sits behind one). */
    readonly remoteAddress: string | undefined = undefined,
  ) {}

  info(fields: object, message: string): void {
    this.#bound().info(fields, message);
  }

  warn(fields: object, message: string): void {
    this.#bound().warn(fields, message);
  }

  error(fields: object, message: string): void {
    this.#bound().error(fields, message);
  }

  /** The per-request summary line, written without a child logger. */
  completed(fields: { method: string; url: string; status: number; ms: number }): void {
    if (!this.summary.isLevelEnabled('info')) return;
    this.summary.info(
      { reqId: this.requestId, remote: this.remoteAddress, ...fields, client: this.clientId },
      'request completed',
    );
  }

  #bound(): Logger {
    this.#child ??= this.logger.child({ reqId: this.requestId, remote: this.remoteAddress });
    return this.#child;
  }
}

/**
 * The logger of the per-request summary line: the relay's logger without redaction. That line holds only the
 * request id, the client's address, method, path (never the query), status, client id and duration, none of
 * them secret; and the redaction's wildcard paths (`*.key`...) would otherwise visit every field of every
 * request's line.
 */
export function summaryLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}
