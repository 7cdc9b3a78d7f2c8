import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ConnectionPool } from '@relay/connection-pool';
import { createRelayMetrics } from '@relay/metrics';
import { createSessionStore, SessionManager } from '@relay/session-store';
import type { Logger } from 'pino';
import { ClientLabels } from './auth/client-labels.js';
import { type Client, ClientRegistry } from './auth/client-registry.js';
import { clientsFromConfig } from './auth/config-clients.js';
import { StateFile } from './auth/state-file.js';
import type { ConfigDiff } from './config/config-diff.js';
import type { RelayConfig } from './config/config-schema.js';
import { AuthenticationBackoff } from './http/authentication-backoff.js';
import { buildServer } from './http/build-server.js';
import { ClientBodyBudget } from './http/client-body-budget.js';
import { ClientConcurrencyLimiter } from './http/client-limiter.js';
import { ClientSessionCap } from './http/client-session-cap.js';
import { storedKeyConcurrency } from './keys/key-record.js';
import type { KeyStore } from './keys/key-store.js';
import { RedisKeyStore } from './keys/redis-key-store.js';
import { StateFileKeyStore } from './keys/state-file-key-store.js';
import { StoredKeys } from './keys/stored-keys.js';
import { ConfigReloader } from './lifecycle/config-reload.js';
import { createLogger, flushLogger } from './logger.js';
import { startQuotaServices } from './quota/quota-services.js';
import { createRedisClient } from './redis/redis-client.js';
import { startAccountServices } from './scheduling/account-services.js';
import { clientView } from './sessions/session-scope.js';
import { AccountRegistry } from './upstream/account-registry.js';
import { Forwarder } from './upstream/forwarder.js';
import { RouteAvailability } from './upstream/route-availability.js';

// Node's default accept queue (511) overflows when thousands of clients connect at once (a restart, a load balancer
// shifting traffic): the kernel then drops SYNs or resets connections whose SYN cookie it can no longer honour.
const listenBacklog = 4096;

/** A running relay. */
export interface Relay {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  /**
   * Stops accepting, lets in-flight requests finish (up to `shutdown.graceMs`), flushes the session store and the
   * usage ledger. With `force`, in-flight requests are cut at once (a second SIGTERM); both are still flushed.
   */
  close(options?: { force?: boolean }): Promise<void>;
  /**
   * Applies a re-read, validated config (`SIGHUP`): accounts and clients change live, without dropping a
   * connection or a stream; other fields that differ are logged as needing a restart (`ConfigReloader`).
   */
  reload(config: RelayConfig): Promise<ConfigDiff>;
}

/** Everything the relay is made of, composed from the config; `startRelay` listens on top of it. */
export async function startRelay(config: RelayConfig, options: { logger?: Logger } = {}): Promise<Relay> {
  const logger =
    options.logger ?? createLogger(config.logging.level, config.logging.file ? { file: config.logging.file } : {});
  const origin = new URL(config.upstream.baseUrl).origin;
  const ca = config.upstream.caFile ? readFileSync(config.upstream.caFile, 'utf8') : undefined;

  const pool = new ConnectionPool({
    connections: config.upstream.connections,
    connectTimeout: config.upstream.connectTimeoutMs,
    headersTimeout: config.upstream.headersTimeoutMs,
    bodyTimeout: config.upstream.bodyTimeoutMs,
    health: { maxFailures: config.upstream.breaker.maxFailures, recoveryTime: config.upstream.breaker.recoveryTimeMs },
    ...(ca ? { connect: { ca } } : {}),
  });
  // One Redis deployment for everything shared: sessions, account state, OAuth credentials.
  const redis =
    config.sessions.store === 'memory'
      ? undefined
      : createRedisClient(config.sessions.redis ?? { url: config.sessions.redisUrl }, { commandTimeoutMs: 1000 });
  const store = createSessionStore({
    store: config.sessions.store,
    ...(redis ? { redis } : {}),
    keyPrefix: config.sessions.keyPrefix,
    ttlSeconds: config.sessions.ttlSeconds,
    affinityTtlSeconds: config.sessions.affinityTtlSeconds,
    syncIntervalMs: config.sessions.syncIntervalMs,
    maxSessions: config.sessions.maxSessions,
  });
  const sessions = new SessionManager({ store });
  const metrics = createRelayMetrics({
    labels: {
      account: { allow: config.accounts.map((account) => account.id) },
      // Client keys by name as the registry learns them (ClientLabels below); any other as `other`: no request
      // can add a series.
      client: { allow: config.clients.map((client) => client.id) },
    },
  });
  const collectors = [metrics.collectPool(pool), metrics.collectSessions(sessions)];
  sessions.on('store-degraded', (event) => logger.warn({ event }, 'session store degraded: serving from memory'));
  sessions.on('store-recovered', (event) => logger.info({ event }, 'session store recovered'));
  pool.on('circuit-opened', (event) => logger.warn({ key: event.key }, 'upstream route circuit opened'));
  pool.on('circuit-closed', (event) => logger.info({ key: event.key }, 'upstream route circuit closed'));

  const accounts = new AccountRegistry(config.accounts, new RouteAvailability(pool, origin).isUsable, {
    sessionBindingMs: config.sessions.affinityTtlSeconds * 1000,
    maxBoundSessions: config.sessions.maxSessions,
  });
  const stateFile = new StateFile(resolve(config.state.file));
  const accountServices = await startAccountServices({ config, accounts, redis, pool, stateFile, logger });
  const clients = new ClientRegistry(clientsOf(config, redis ? stateFile : undefined));
  const clientLabels = new ClientLabels({
    maxRuntimeLabels: config.metrics.maxRuntimeKeyLabels,
    allow: (ids) => metrics.allowLabelValues('client', ids),
    onFull: (key) =>
      logger.warn(
        { key, maxRuntimeKeyLabels: config.metrics.maxRuntimeKeyLabels },
        'metrics.maxRuntimeKeyLabels reached: this key made at runtime and later ones count as other in the per-key metrics',
      ),
  });
  clientLabels.add(clients.list());
  clients.onAdded((added) => clientLabels.add(added));
  // Keys created at runtime: in Redis beside the sessions, or in the state file with the memory store.
  const keyStore: KeyStore = redis
    ? new RedisKeyStore({
        redis,
        keyPrefix: config.sessions.keyPrefix,
        onRejected: (reason) => logger.warn({ reason }, 'dropped a client key message or record from Redis'),
      })
    : new StateFileKeyStore({
        stateFile,
        onRejected: (reason) => logger.warn({ reason }, 'dropped a client key of the state file'),
      });
  const keys = new StoredKeys({ store: keyStore, clients, logger });
  await keys.start();
  const quota = startQuotaServices({ config, redis, metrics, logger });
  const forwarder = new Forwarder({
    baseUrl: config.upstream.baseUrl,
    maxAttempts: config.upstream.maxAttempts,
    headersTimeoutMs: config.upstream.headersTimeoutMs,
    bodyTimeoutMs: config.upstream.bodyTimeoutMs,
    retryBudgetMs: config.upstream.retryBudgetMs,
    stream: config.upstream.stream,
    writeStallTimeoutMs: config.limits.writeStallTimeoutMs,
    accounts,
    pool,
    sessions,
    metrics,
    billing: quota.billing,
  });
  const limiter = new ClientConcurrencyLimiter();
  const authenticationBackoff = new AuthenticationBackoff({
    maxFailures: config.limits.authFailures.max,
    windowMs: config.limits.authFailures.windowMs,
    maxAddresses: config.limits.authFailures.addresses,
    exemptAddresses: config.limits.authFailures.exempt,
  });
  const sessionCap = new ClientSessionCap(config.sessions.maxPerClient, config.sessions.ttlSeconds * 1000, (id) => {
    sessions
      .end(id)
      .catch((error: unknown) =>
        logger.warn({ sessionId: id, error: (error as Error).message }, 'ending a session past its client cap failed'),
      );
  });
  let closing: Promise<void> | undefined;

  const server = buildServer({
    config,
    logger,
    clients,
    keys,
    limiter,
    bodyBudget: new ClientBodyBudget(config.limits.clientBodyBytes),
    accounts,
    authenticationBackoff,
    sessionCap,
    forwarder,
    keyAdmission: quota.admission,
    // `GET /admin/keys/:id`: the key's usage of each limit; left out (and logged) when the store cannot answer.
    keyUsage: (client) =>
      quota.keyUsage(client).catch((error: Error) => {
        logger.warn({ client: client.id, error: error.message }, 'could not read the usage of a key');
        return undefined;
      }),
    // Every key the relay knows (the ledger is read per key); `keyId` narrows it to one.
    usage: (query) => quota.usage(query, query.keyId ? [query.keyId] : clients.list().map((client) => client.id)),
    readiness: async () => {
      const checks: Record<string, string> = {};
      checks.accounts =
        accounts.accounts.length === 0
          ? 'missing: no upstream account is configured (accounts[] or ANTHROPIC_API_KEY)'
          : accounts.hasUsableAccount()
            ? 'ok'
            : 'none usable: every account is cooling down, disabled or its route is open';
      try {
        await store.get('readiness-probe');
        checks.sessionStore = sessions.stats().degraded ? 'degraded (serving from memory)' : 'ok';
      } catch (error) {
        checks.sessionStore = `unreachable: ${(error as Error).message}`;
      }
      checks.clients = clients.size > 0 ? 'ok' : 'missing: no client key is configured';
      const ready = checks.accounts === 'ok' && !checks.sessionStore.startsWith('unreachable') && clients.size > 0;
      return { ready, checks };
    },
    metrics: (openMetrics) => metrics.metrics({ openMetrics }),
    stats: async () => ({
      pool: pool.stats(),
      sessions: sessions.stats(),
      accounts: accounts.views(),
      clients: { configured: clients.size, inFlight: limiter.snapshot() },
      quota: { limiter: quota.limiter.stats(), ledger: quota.ledger.stats() },
      alerts: metrics.alerts(),
    }),
    isDraining: () => closing !== undefined,
    recordError: (errorType) => metrics.recordRelayError(errorType),
    findSessions: async (query) => (await sessions.find(query)).map(clientView),
  });

  await listen(server, config.listen.host, config.listen.port, config.listen.backlog ?? listenBacklog);
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info(
    { url, store: config.sessions.store, accounts: config.accounts.length, clients: clients.size },
    'relay listening',
  );

  const warmUp = (targets: Array<{ origin: string; proxy?: string }>) => {
    void pool.warmup(targets).then((results) => {
      for (const result of results) {
        if (result.ok) logger.info({ key: result.key, opened: result.opened, ms: result.durationMs }, 'warmed up');
        else logger.warn({ key: result.key, error: result.error?.message }, 'warm-up failed (not fatal)');
      }
    });
  };
  if (config.upstream.warmup && config.accounts.length > 0) warmUp(warmupTargets(config, origin));
  const reloader = new ConfigReloader({
    config,
    accountServices,
    clients,
    storedKeys: keys,
    ...(redis ? { stateClients: () => stateClientsOf(stateFile) } : {}),
    metrics,
    warmUp: (proxies) => warmUp(proxies.map((proxy) => (proxy ? { origin, proxy } : { origin }))),
    logger,
  });

  const close = async () => {
    const graceTimer = setTimeout(() => {
      logger.warn({ graceMs: config.shutdown.graceMs }, 'grace period over: closing the remaining connections');
      server.closeAllConnections();
    }, config.shutdown.graceMs);
    graceTimer.unref();
    // server.close() only closes the connections idle at that moment; a keep-alive connection whose stream
    // finishes later would hold the process until its keep-alive timeout, so sweep them as they go idle.
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    idleSweep.unref();
    try {
      // Resolves once every connection is gone; new requests on kept-alive ones are refused meanwhile (503).
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    } finally {
      clearTimeout(graceTimer);
      clearInterval(idleSweep);
    }
    for (const collector of collectors) collector.detach();
    await keys.close();
    await accountServices.close();
    await sessions.close();
    // Before Redis goes: leased shares are given back, the ledger's last rows written.
    await quota.close();
    redis?.disconnect();
    await pool.close();
    metrics.close();
    logger.info({ unsyncedUsageRows: quota.ledger.stats().unsyncedRows }, 'relay stopped: session store flushed');
    await flushLogger(logger);
  };
  return {
    url,
    port: address.port,
    logger,
    close: (closeOptions = {}) => {
      closing ??= close();
      if (closeOptions.force) server.closeAllConnections();
      return closing;
    },
    reload: (next) => reloader.reload(next),
  };
}

/** Listens like `server.listen`, rejecting on a listen error (port taken, permission). */
function listen(server: Server, host: string, port: number, backlog: number): Promise<void> {
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ host, port, backlog }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
}

/**
 * The relay's clients besides the key store's: the configured ones and, beside a Redis store, the keys of this
 * machine's state file (with the memory store the state file is the key store, read by StoredKeys).
 */
function clientsOf(config: RelayConfig, stateFile: StateFile | undefined): Client[] {
  return [...clientsFromConfig(config.clients), ...(stateFile ? stateClientsOf(stateFile) : [])];
}

/** The keys of this machine's state file beside a Redis store (source `state`): read at start and on SIGHUP. */
function stateClientsOf(stateFile: StateFile): Client[] {
  return stateFile.read().map(
    (stored): Client => ({
      id: stored.id,
      keyHash: stored.keyHash,
      userId: undefined,
      maxConcurrency: storedKeyConcurrency,
      source: 'state',
    }),
  );
}

/**
 * The upstream origin (`upstream.baseUrl`'s) through every distinct proxy of the accounts, plus the extra
 * origins of `upstream.warmupOrigins` (none by default): nothing else is dialled at start.
 */
function warmupTargets(config: RelayConfig, origin: string): Array<{ origin: string; proxy?: string }> {
  const proxies = new Set(config.accounts.map((account) => account.proxy));
  const targets: Array<{ origin: string; proxy?: string }> = [...proxies].map((proxy) =>
    proxy ? { origin, proxy } : { origin },
  );
  for (const extra of config.upstream.warmupOrigins) {
    if (new URL(extra).origin !== origin) targets.push({ origin: new URL(extra).origin });
  }
  return targets;
}
