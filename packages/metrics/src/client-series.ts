import { PendingCounts } from './pending-counts.js';

/** The kinds of tokens a client key is billed for, as label values (cache writes by their time to live). */
export type BilledTokenKind = 'input' | 'output' | 'cache_read' | 'cache_write_5m' | 'cache_write_1h';

/** Every billed token kind, in cell order. */
export const BILLED_TOKEN_KINDS: readonly BilledTokenKind[] = [
  'input',
  'output',
  'cache_read',
  'cache_write_5m',
  'cache_write_1h',
];

/** The limits of a client key that refuse requests, as label values (from @relay/quota's `LimitKind`). */
export const LIMIT_LABELS = ['requests_per_minute', 'tokens_per_minute', 'concurrency', 'budget', 'other'] as const;

const limitIndexes = new Map<string, number>([
  ['requests-per-minute', 0],
  ['tokens-per-minute', 1],
  ['concurrency', 2],
  ['budget', 3],
]);

/** The cell of a limit kind in `LIMIT_LABELS` (`other` for anything else). */
export function limitIndex(limit: string): number {
  return limitIndexes.get(limit) ?? LIMIT_LABELS.length - 1;
}

type TokenLabel = 'client' | 'kind';
type CostLabel = 'client';
type RejectionLabel = 'client' | 'limit';

/** The hot-path counts of one client key: billed tokens by kind, cost, rejections by limit. */
export interface ClientSeries {
  /** Cells in `BILLED_TOKEN_KINDS` order. */
  readonly tokens: PendingCounts<TokenLabel>;
  /** One cell: integer micro-dollars. */
  readonly cost: PendingCounts<CostLabel>;
  /** Cells in `LIMIT_LABELS` order. */
  readonly rejections: PendingCounts<RejectionLabel>;
}

/** The series of each (already bounded) client label, made on first use; bounded by the label bounding. */
export class ClientSeriesCache {
  readonly #clients = new Map<string, ClientSeries>();

  /** The series of `client`. */
  of(client: string): ClientSeries {
    let series = this.#clients.get(client);
    if (series === undefined) {
      series = {
        tokens: new PendingCounts(BILLED_TOKEN_KINDS.length, (cell) => ({
          client,
          kind: BILLED_TOKEN_KINDS[cell] as string,
        })),
        cost: new PendingCounts(1, () => ({ client })),
        rejections: new PendingCounts(LIMIT_LABELS.length, (cell) => ({ client, limit: LIMIT_LABELS[cell] as string })),
      };
      this.#clients.set(client, series);
    }
    return series;
  }

  /** Every client's series. */
  values(): IterableIterator<ClientSeries> {
    return this.#clients.values();
  }
}
