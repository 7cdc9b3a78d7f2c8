import { z } from 'zod';

const urlString = z.url({ protocol: /^https?$/ });
const proxyUrl = z.url({ protocol: /^(https?|socks5h?)$/ });
const port = z.number().int().min(0).max(65_535);
const positiveInteger = z.number().int().positive();

/** One upstream account: exactly one credential, an optional proxy, its priority and concurrency cap. */
export const accountSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    apiKey: z.string().min(1).optional(),
    /** A static OAuth access token (nothing refreshes it); prefer `oauth`. */
    oauthToken: z.string().min(1).optional(),
    /** OAuth credentials as Claude Code stores them (`expiresAt` in epoch ms): the relay refreshes them. */
    oauth: z
      .object({
        accessToken: z.string().min(1),
        refreshToken: z.string().min(1),
        expiresAt: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
    proxy: proxyUrl.optional(),
    /** Lower numbers are preferred. */
    priority: z.number().int().default(0),
    maxConcurrency: positiveInteger.default(64),
  })
  .strict()
  .refine((account) => [account.apiKey, account.oauthToken, account.oauth].filter(Boolean).length === 1, {
    message: 'set exactly one of apiKey, oauthToken or oauth',
  });

/** A cost budget of a client key: at most `usd` dollars per `window` (`5h`, `day`, `week`, `month`, `total`). */
export const budgetSchema = z
  .object({
    usd: z.number().positive().max(10_000_000),
    window: z.union([z.enum(['day', 'week', 'month', 'total']), z.string().regex(/^[1-9][0-9]{0,3}h$/, "'<N>h'")]),
  })
  .strict();

/** The limits of one client key (each optional), enforced across instances by @relay/quota. */
export const keyLimitsSchema = z
  .object({
    requestsPerMinute: positiveInteger.optional(),
    tokensPerMinute: positiveInteger.optional(),
    /** Requests in flight at once across every instance. */
    concurrency: positiveInteger.optional(),
    budgets: z.array(budgetSchema).max(8).optional(),
  })
  .strict();

/** USD per million tokens; a model's cache rates default to the public list's multiples of its input rate. */
const usdPerMillion = z.number().min(0).max(10_000);

/**
 * A model's price in USD per million tokens: `input` and `output`, and the cache rates, which default to the list's
 * multiples of `input` (5-minute writes 1.25 ×, 1-hour writes 2 ×, reads 0.1 ×).
 */
export const modelPriceSchema = z
  .object({
    input: usdPerMillion,
    output: usdPerMillion,
    cacheWrite5m: usdPerMillion.optional(),
    cacheWrite1h: usdPerMillion.optional(),
    cacheRead: usdPerMillion.optional(),
  })
  .strict();

/** A model id prefix of the price table (`claude-sonnet-4-5` matches `claude-sonnet-4-5-20250929`). */
const modelPrefixSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9.:@_-]+$/, 'letters, digits, ".", ":", "@", "_" and "-" only');

/** A model allow-list entry: a model name, `*` matching any run of characters (`claude-sonnet-*`). */
export const modelPatternSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9.*:@_-]+$/, 'letters, digits, ".", ":", "@", "_", "-" and "*" only');

/** When a key stops working: an ISO 8601 date-time, or milliseconds since the epoch. */
export const expiresAtSchema = z.union([
  // As the number below: from the epoch to the largest time a Date holds (the stores keep epoch ms in that range).
  z.iso.datetime({ offset: true }).refine((text) => {
    const at = Date.parse(text);
    return at >= 0 && at <= 8.64e15;
  }, 'a time from 1970 on'),
  // The largest time a Date holds.
  z.number().int().nonnegative().max(8.64e15),
]);

/**
 * One client of the relay: its key (or only the key's SHA-256 hash), its per-process concurrency limit, and
 * optionally the models it may use, when it expires, and its limits and budgets.
 */
export const clientSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, ".", "_", "@" and "-" only'),
    key: z.string().min(16).optional(),
    keyHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a hex SHA-256 digest')
      .optional(),
    userId: z.string().min(1).optional(),
    maxConcurrency: positiveInteger.default(32),
    models: z.array(modelPatternSchema).min(1).max(64).optional(),
    expiresAt: expiresAtSchema.optional(),
    limits: keyLimitsSchema.optional(),
  })
  .strict()
  .refine((client) => Boolean(client.key) !== Boolean(client.keyHash), {
    message: 'set exactly one of key or keyHash',
  });

export const configSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(3000),
        /** Connections the kernel queues before the relay accepts them (default 4096, capped by net.core.somaxconn). */
        backlog: positiveInteger.optional(),
      })
      .strict()
      .prefault({}),
    upstream: z
      .object({
        baseUrl: urlString.default('https://api.anthropic.com'),
        /** Open warm connections at start to the upstream's origin, through each account's proxy. */
        warmup: z.boolean().default(true),
        /** Further origins to warm up besides `baseUrl`'s own (none by default: only the configured upstream). */
        warmupOrigins: z.array(urlString).default([]),
        /** PEM file of an extra CA to trust for the upstream (a self-signed test upstream). */
        caFile: z.string().min(1).optional(),
        connectTimeoutMs: positiveInteger.default(10_000),
        /** Time allowed until the upstream's response headers arrive. */
        headersTimeoutMs: positiveInteger.default(600_000),
        /** Time allowed between two chunks of the upstream's body. */
        bodyTimeoutMs: positiveInteger.default(600_000),
        /** Attempts per client request across accounts (1 = no failover). */
        maxAttempts: z.number().int().min(1).max(10).default(3),
        /**
         * Total time for the attempts of one client request before anything reached the client: no new attempt
         * starts after it, and a stream's wait for its first event is cut to what is left.
         */
        retryBudgetMs: positiveInteger.default(60_000),
        /** How OAuth accounts' access tokens are refreshed. */
        oauth: z
          .object({
            tokenUrl: urlString.default('https://platform.claude.com/v1/oauth/token'),
            clientId: z.string().min(1).default('9d1c250a-e61b-44d9-88ed-5944d1962f5e'),
            /** Refresh this long before the access token expires. */
            refreshMarginMs: positiveInteger.default(5 * 60_000),
          })
          .strict()
          .prefault({}),
        /** Time budgets of streaming requests (`"stream": true`), instead of headersTimeoutMs / bodyTimeoutMs. */
        stream: z
          .object({
            /** From the request to the stream's first event (`message_start`), response head included. */
            firstEventTimeoutMs: positiveInteger.default(15_000),
            /** Longest silence between two events once the stream runs (the API pings about every 30 s). */
            idleTimeoutMs: positiveInteger.default(75_000),
          })
          .strict()
          .prefault({}),
        connections: z
          .object({ min: z.number().int().min(0).default(2), max: positiveInteger.default(100) })
          .strict()
          .prefault({}),
        /** The circuit breaker of each route (origin + proxy): consecutive failures that open it, and its first wait. */
        breaker: z
          .object({ maxFailures: positiveInteger.default(3), recoveryTimeMs: positiveInteger.default(60_000) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    accounts: z.array(accountSchema).default([]),
    clients: z.array(clientSchema).default([]),
    sessions: z
      .object({
        store: z.enum(['memory', 'redis', 'hybrid']).default('memory'),
        redisUrl: z.string().min(1).default('redis://127.0.0.1:6379'),
        /**
         * The Redis deployment, when it is more than `redisUrl`: a Cluster (seed node URLs), Sentinel (`sentinels`
         * + `name`), TLS (`rediss://` or `tls: true`) and ACL `username` / `password`. Passed to ioredis as given.
         */
        redis: z
          .object({
            url: z.string().min(1).optional(),
            cluster: z.array(z.string().min(1)).min(1).optional(),
            sentinels: z.array(z.string().min(1)).min(1).optional(),
            name: z.string().min(1).optional(),
            username: z.string().min(1).optional(),
            password: z.string().min(1).optional(),
            tls: z.boolean().optional(),
          })
          .strict()
          .refine((redis) => [redis.url, redis.cluster, redis.sentinels].filter(Boolean).length <= 1, {
            message: 'set at most one of url, cluster or sentinels',
          })
          .refine((redis) => !redis.sentinels || redis.name, { message: 'sentinels need the master group name' })
          .optional(),
        /** Prefix of every Redis key; no braces (the keys carry hash tags of their own, for Redis Cluster). */
        keyPrefix: z
          .string()
          .min(1)
          .regex(/^[^{}]+$/, 'no braces (the keys carry hash tags of their own)')
          .default('relay:'),
        ttlSeconds: positiveInteger.default(3600),
        affinityTtlSeconds: positiveInteger.default(1800),
        /** The relay syncs often (1 s) so that a crash loses at most one second of counters. */
        syncIntervalMs: positiveInteger.default(1000),
        maxSessions: positiveInteger.default(10_000),
        /** Sessions one client key keeps (per relay process); past it, its least recently used one is ended. */
        maxPerClient: positiveInteger.default(1_000),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({ token: z.string().min(16, 'at least 16 characters').optional() })
      .strict()
      .prefault({}),
    limits: z
      .object({
        bodyBytes: positiveInteger.default(32 * 1024 * 1024),
        /** Request-body bytes one client key may hold in the relay at once, over all its requests (429 beyond). */
        clientBodyBytes: positiveInteger.default(64 * 1024 * 1024),
        maxHeaderBytes: positiveInteger.default(16 * 1024),
        /** Time allowed for a client to send its headers (slowloris bound). */
        headersTimeoutMs: positiveInteger.default(30_000),
        /** Time allowed for a client to send its whole request. */
        requestTimeoutMs: positiveInteger.default(120_000),
        keepAliveTimeoutMs: positiveInteger.default(72_000),
        /** Longest time a client may read nothing of its response; then its upstream request is given up. */
        writeStallTimeoutMs: positiveInteger.default(60_000),
        /** Client connections open at once; one beyond is closed as soon as it is accepted. */
        maxConnections: positiveInteger.default(16_384),
        /** Failed key checks per client address and window before that address gets 429 (max 0: off). */
        authFailures: z
          .object({
            max: z.number().int().min(0).default(20),
            windowMs: positiveInteger.default(60_000),
            addresses: positiveInteger.default(10_000),
            /** Peers never backed off: a TLS proxy in front is every client's address (loopback by default). */
            exempt: z.array(z.string().min(1)).default(['127.0.0.1', '::1', '::ffff:127.0.0.1']),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Prices over the shipped table of @relay/quota (`models`, per model id prefix) and for unknown models. */
    pricing: z
      .object({
        models: z.record(modelPrefixSchema, modelPriceSchema).default({}),
        /** What a model found in no table is billed at (default: the most expensive shipped price). */
        default: modelPriceSchema.optional(),
      })
      .strict()
      .prefault({}),
    /** Tuning of the key limits and the usage ledger (the defaults suit most deployments). */
    quota: z
      .object({
        /** Share of a limit or budget each instance leases at once (0 < f ≤ 1); the overshoot bound scales with it. */
        leaseFraction: z.number().gt(0).max(1).default(0.1),
        /** How often each instance writes its ledger rows to the store (at most this much is lost on a kill -9). */
        ledgerSyncIntervalMs: positiveInteger.max(60_000).default(1000),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /**
         * Ids of client keys made at runtime (admin API, `relay keys`) that the per-key metrics name, counted since
         * the start (a revoked key's id stays until a restart); later keys are counted as `other`. Config keys
         * are always named.
         */
        maxRuntimeKeyLabels: positiveInteger.max(100_000).default(1_000),
      })
      .strict()
      .prefault({}),
    state: z
      .object({ file: z.string().min(1).default('.relay/state.json') })
      .strict()
      .prefault({}),
    logging: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Append the JSON log lines to this file instead of stdout. */
        file: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    shutdown: z
      .object({ graceMs: positiveInteger.default(30_000) })
      .strict()
      .prefault({}),
    workers: z
      .object({
        /** Worker crashes within `crashWindowMs` after which `--workers N` stops and exits 1. */
        maxCrashes: positiveInteger.default(5),
        crashWindowMs: positiveInteger.default(60_000),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** The validated relay configuration, every default filled in. */
export type RelayConfig = z.output<typeof configSchema>;
/** What a config file or the environment may say: any subset of the fields. */
export type RelayConfigInput = z.input<typeof configSchema>;
export type AccountConfig = z.output<typeof accountSchema>;
export type ClientConfig = z.output<typeof clientSchema>;
export type KeyLimitsConfig = z.output<typeof keyLimitsSchema>;
export type ModelPriceConfig = z.output<typeof modelPriceSchema>;
