import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Client, ClientRegistry } from '../auth/client-registry.js';
import type { RelayConfig } from '../config/config-schema.js';
import type { StoredKeys } from '../keys/stored-keys.js';
import type { KeyAdmission } from '../quota/key-admission.js';
import type { UsageQuery } from '../quota/usage-query.js';
import type { UsageReport } from '../quota/usage-report.js';
import type { AccountRegistry } from '../upstream/account-registry.js';
import type { Forwarder } from '../upstream/forwarder.js';
import type { AuthenticationBackoff } from './authentication-backoff.js';
import type { ClientBodyBudget } from './client-body-budget.js';
import type { ClientConcurrencyLimiter } from './client-limiter.js';
import type { ClientSessionCap } from './client-session-cap.js';
import type { RequestLog } from './request-log.js';
import type { RouteMatch } from './route-match.js';

/** What the HTTP layer needs from the rest of the relay. */
export interface AppServices {
  config: RelayConfig;
  logger: Logger;
  clients: ClientRegistry;
  /** The client keys of the key store (Redis or the state file): the admin keys API and each key's last use. */
  keys: StoredKeys;
  /**
   * The limiter's view of a key's usage against each of its limits, shown by `GET /admin/keys/:id` as `usage`
   * (left out when this is absent or resolves to undefined). Filled in by the limits and budgets (@relay/quota).
   */
  keyUsage?(client: Client): Promise<unknown>;
  limiter: ClientConcurrencyLimiter;
  bodyBudget: ClientBodyBudget;
  accounts: AccountRegistry;
  /** Refuses addresses that failed to authenticate too often. */
  authenticationBackoff: AuthenticationBackoff;
  /** Ends a client's least recently used session past its cap. */
  sessionCap: ClientSessionCap;
  forwarder: Forwarder;
  /** The limits of client keys that have some (rates, concurrency across instances, budgets). */
  keyAdmission: KeyAdmission;
  /** The usage ledger's rows for `GET /admin/usage`. */
  usage(query: UsageQuery): Promise<UsageReport>;
  /** Readiness: the session store answers, and at least one account is usable. */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** Prometheus exposition (OpenMetrics when asked). */
  metrics(openMetrics: boolean): Promise<{ contentType: string; body: string }>;
  /** The JSON of `GET /admin/stats`. */
  stats(): Promise<Record<string, unknown>>;
  /** True once shutdown began: new requests are refused from then on. */
  isDraining(): boolean;
  /** Counts an error the relay itself answered with, by its API error type. */
  recordError(errorType: string): void;
  /** Sessions by userId, apiKeyId or accountId. */
  findSessions(query: { userId?: string; apiKeyId?: string; accountId?: string }): Promise<unknown[]>;
}

/** Handles one routed request; a thrown ApiError (or anything else) is answered by the server. */
export type RouteHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  log: RequestLog,
  route: RouteMatch,
) => Promise<void>;
