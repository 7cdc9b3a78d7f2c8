import type { LimitUsage, QuotaLimiter } from '@relay/quota';
import type { Client } from '../auth/client-registry.js';

/**
 * What a client key uses now of each of its limits and budgets, across instances, read from the store (for
 * `GET /admin/keys/:id`; one store command per limit, never on the request path). A key without limits has none.
 */
export async function keyUsage(limiter: QuotaLimiter, client: Pick<Client, 'id' | 'limits'>): Promise<LimitUsage[]> {
  return client.limits ? await limiter.usage(client.id, client.limits) : [];
}
