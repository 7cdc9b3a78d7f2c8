import { setTimeout as sleep } from 'node:timers/promises';
import type { RelayMetrics } from '@relay/metrics';
import { type LimitUsage, type QuotaBackend, QuotaLimiter, UsageLedger } from '@relay/quota';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Client } from '../auth/client-registry.js';
import type { RelayConfig } from '../config/config-schema.js';
import { pricingOf } from './config-pricing.js';
import { KeyAdmission } from './key-admission.js';
import { keyUsage } from './key-usage.js';
import { createQuotaBackend } from './quota-backend.js';
import { UsageBilling } from './usage-billing.js';
import type { UsageQuery } from './usage-query.js';
import { type UsageReport, usageReport } from './usage-report.js';

/** The key limits, the usage ledger and what the request path and the admin API use of them. */
export interface QuotaServices {
  readonly backend: QuotaBackend;
  readonly limiter: QuotaLimiter;
  readonly ledger: UsageLedger;
  readonly admission: KeyAdmission;
  readonly billing: UsageBilling;
  /** What `client` uses now of each of its limits and budgets (for `GET /admin/keys/:id`). */
  keyUsage(client: Pick<Client, 'id' | 'limits'>): Promise<LimitUsage[]>;
  /** The ledger's rows for `query`, over `keyIds` (this instance's unwritten rows written first). */
  usage(query: UsageQuery, keyIds: readonly string[]): Promise<UsageReport>;
  /** Gives back leased shares, then writes the ledger's last rows (retrying while the store is away, up to `flushTimeoutMs`). */
  close(): Promise<void>;
}

// Long enough to ride out a Redis failover at shutdown; the grace period of the requests is separate.
const flushTimeoutMs = 10_000;
const flushRetryMs = 250;

/** Composes the quota services on the relay's store: memory, or the relay's Redis connection. */
export function startQuotaServices(options: {
  config: RelayConfig;
  redis: Redis | Cluster | undefined;
  metrics: RelayMetrics;
  logger: Logger;
}): QuotaServices {
  const { config, redis, metrics, logger } = options;
  const backend = createQuotaBackend(redis, config.sessions.keyPrefix);
  const limiter = new QuotaLimiter({ backend, leaseFraction: config.quota.leaseFraction });
  const ledger = new UsageLedger({
    backend,
    pricing: pricingOf(config.pricing),
    syncIntervalMs: config.quota.ledgerSyncIntervalMs,
  });
  return {
    backend,
    limiter,
    ledger,
    admission: new KeyAdmission(limiter, metrics),
    billing: new UsageBilling(ledger, metrics),
    keyUsage: (client) => keyUsage(limiter, client),
    usage: async (query, keyIds) => {
      // This instance's own last second counts too; if the store is away, the read below says so.
      await ledger.flush().catch(() => {});
      const rows = await ledger.read({ keyIds, fromDay: query.fromDay, toDay: query.toDay });
      return usageReport(rows, query);
    },
    close: async () => {
      await limiter.close();
      const deadline = performance.now() + flushTimeoutMs;
      for (;;) {
        try {
          await ledger.flush();
          break;
        } catch (error) {
          if (performance.now() >= deadline) {
            logger.error(
              { unsyncedRows: ledger.stats().unsyncedRows, error: (error as Error).message },
              'usage ledger: the store did not take the last rows before shutdown; they are lost',
            );
            break;
          }
          await sleep(flushRetryMs);
        }
      }
      await ledger.close().catch(() => {});
      await backend.close();
    },
  };
}
