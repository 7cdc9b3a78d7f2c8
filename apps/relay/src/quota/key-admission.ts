import type { RelayMetrics } from '@relay/metrics';
import type { KeyLimits, QuotaAdmission, QuotaLimiter, QuotaRefusal } from '@relay/quota';
import { refusalError } from './refusal-answer.js';

/**
 * Lets a request of a client key with limits through, or refuses it with the 429 the client should see. The check is
 * `QuotaLimiter.tryAdmit`, local against this instance's leased shares (no I/O), and `admit` (a lease from the store)
 * only when those do not decide it. Keys without limits never come here.
 */
export class KeyAdmission {
  readonly #limiter: QuotaLimiter;
  readonly #metrics: RelayMetrics;

  constructor(limiter: QuotaLimiter, metrics: RelayMetrics) {
    this.#limiter = limiter;
    this.#metrics = metrics;
  }

  /** The admission to settle once the request ends; throws the 429 ApiError when a limit refuses it. */
  async admit(clientId: string, limits: KeyLimits): Promise<QuotaAdmission> {
    const verdict = this.#limiter.tryAdmit(clientId, limits) ?? (await this.#limiter.admit(clientId, limits));
    if (verdict.allowed) return verdict;
    throw this.#refused(clientId, verdict, limits);
  }

  #refused(clientId: string, refusal: QuotaRefusal, limits: KeyLimits): Error {
    this.#metrics.recordLimitRejection(clientId, refusal.limit);
    return refusalError(clientId, refusal, limits);
  }
}
