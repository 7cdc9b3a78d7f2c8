import type { RelayMetrics } from '@relay/metrics';
import type { UsageLedger } from '@relay/quota';
import { type TokenUsage, totalTokens } from '../streaming/token-usage.js';

/** What one answered request was billed: every token of it (for token-rate limits) and its cost. */
export interface BilledUsage {
  readonly tokens: number;
  readonly costMicroUsd: number;
}

/** One answered request to bill. */
export interface BillableRequest {
  readonly clientId: string;
  readonly accountId: string;
  readonly model: string;
  readonly usage: TokenUsage;
  readonly incomplete: boolean;
}

/**
 * Bills the attempt that answered a client: a row of the usage ledger (client key × account × model × day, in
 * memory until the next sync, no I/O here) and the client key's metrics. Only the forwarder's final record calls it.
 */
export class UsageBilling {
  readonly #ledger: UsageLedger;
  readonly #metrics: RelayMetrics;

  constructor(ledger: UsageLedger, metrics: RelayMetrics) {
    this.#ledger = ledger;
    this.#metrics = metrics;
  }

  bill(request: BillableRequest): BilledUsage {
    const { usage } = request;
    const priced = this.#ledger.record({
      keyId: request.clientId,
      accountId: request.accountId,
      model: request.model,
      usage,
      incomplete: request.incomplete,
    });
    if (!priced.knownModel) this.#metrics.recordUnknownModel();
    this.#metrics.recordClientUsage({
      clientId: request.clientId,
      input: usage.input,
      output: usage.output,
      cacheRead: usage.cacheRead,
      cacheWrite5m: usage.cacheWrite5m,
      cacheWrite1h: usage.cacheWrite1h,
      costMicroUsd: priced.costMicroUsd,
    });
    return { tokens: totalTokens(usage), costMicroUsd: priced.costMicroUsd };
  }
}
