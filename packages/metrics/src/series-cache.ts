import type { Histogram } from 'prom-client';
import { PendingCounts } from './pending-counts.js';
import { STATUS_CLASSES } from './status-class.js';
import { TOKEN_KINDS } from './token-kind.js';
import { OUTCOME_LABELS } from './upstream-outcome.js';

type RequestLabel = 'account' | 'origin' | 'status_class' | 'outcome';
type TimingLabel = 'account' | 'origin';
type TokenLabel = 'account' | 'kind';

/** The hot-path state of one (account, origin): its histogram children and its uncounted requests. */
export interface RouteSeries {
  readonly timeToFirstByte: Histogram.Internal<TimingLabel>;
  readonly duration: Histogram.Internal<TimingLabel>;
  /** Cell `statusIndex * OUTCOME_LABELS.length + outcomeIndex`. */
  readonly requests: PendingCounts<RequestLabel>;
}

interface AccountSeries {
  readonly tokens: PendingCounts<TokenLabel>;
  readonly routes: Map<string, RouteSeries>;
}

/** The timing histograms the route series observe into. */
export interface TimingHistograms {
  readonly timeToFirstByte: Histogram<TimingLabel>;
  readonly duration: Histogram<TimingLabel>;
}

/**
 * The series the hot path writes to, found by (account, origin) through two map lookups on the
 * already-bounded label values, without building a key string or a labels object per request.
 * Bounded by the label bounding: at most accounts × origins routes.
 */
export class SeriesCache {
  readonly #histograms: TimingHistograms;
  readonly #accounts = new Map<string, AccountSeries>();

  constructor(histograms: TimingHistograms) {
    this.#histograms = histograms;
  }

  /** The series of (account, origin), made on first use. */
  route(account: string, origin: string): RouteSeries {
    const accountSeries = this.#account(account);
    let route = accountSeries.routes.get(origin);
    if (route === undefined) {
      const labels = { account, origin };
      route = {
        timeToFirstByte: this.#histograms.timeToFirstByte.labels(labels),
        duration: this.#histograms.duration.labels(labels),
        requests: new PendingCounts(STATUS_CLASSES.length * OUTCOME_LABELS.length, (cell) => ({
          account,
          origin,
          status_class: STATUS_CLASSES[Math.floor(cell / OUTCOME_LABELS.length)] as string,
          outcome: OUTCOME_LABELS[cell % OUTCOME_LABELS.length] as string,
        })),
      };
      accountSeries.routes.set(origin, route);
    }
    return route;
  }

  /** The uncounted tokens of `account`, one cell per kind in `TOKEN_KINDS` order. */
  tokens(account: string): PendingCounts<TokenLabel> {
    return this.#account(account).tokens;
  }

  /** Every account's uncounted tokens. */
  *pendingTokens(): Iterable<PendingCounts<TokenLabel>> {
    for (const accountSeries of this.#accounts.values()) yield accountSeries.tokens;
  }

  /** Every route's uncounted requests. */
  *pendingRequests(): Iterable<PendingCounts<RequestLabel>> {
    for (const accountSeries of this.#accounts.values()) {
      for (const route of accountSeries.routes.values()) yield route.requests;
    }
  }

  #account(account: string): AccountSeries {
    let accountSeries = this.#accounts.get(account);
    if (accountSeries === undefined) {
      accountSeries = {
        tokens: new PendingCounts(TOKEN_KINDS.length, (cell) => ({ account, kind: TOKEN_KINDS[cell] as string })),
        routes: new Map(),
      };
      this.#accounts.set(account, accountSeries);
    }
    return accountSeries;
  }
}
