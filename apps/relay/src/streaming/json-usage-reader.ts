import { applyApiUsage, emptyUsage, type TokenUsage } from './token-usage.js';

// A Messages API JSON response is far smaller than this; a larger body is not read for usage.
const maximumCopiedBytes = 8 * 1024 * 1024;

/** Reads token usage (and the answering model) from a copy of a non-streaming JSON response, parsed once at its end. */
export class JsonUsageReader {
  readonly usage: TokenUsage = emptyUsage();
  readonly #chunks: Buffer[] = [];
  #bytes = 0;

  /** Feeds the next chunk of the body. */
  push(chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes <= maximumCopiedBytes) this.#chunks.push(chunk);
  }

  /** Parses what was copied; returns the usage (zeros when the body held none or was too large). */
  finish(): TokenUsage {
    if (this.#bytes <= maximumCopiedBytes && this.#chunks.length > 0) {
      try {
        const body = JSON.parse(Buffer.concat(this.#chunks, this.#bytes).toString('utf8')) as {
          usage?: Record<string, unknown>;
          model?: unknown;
        } | null;
        if (typeof body?.model === 'string' && body.model.length > 0) this.usage.model = body.model;
        applyApiUsage(this.usage, body?.usage);
      } catch {
        // Not JSON (an upstream error page): no usage to record.
      }
    }
    this.#chunks.length = 0;
    return this.usage;
  }
}
