import { failFastRedisOptions } from '@relay/internals';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * The Redis deployment the relay's shared state lives on, as the config gives it: one server (`url`, `redis://`
 * or `rediss://` for TLS), a Redis Cluster (`cluster`: seed node URLs) or Sentinel (`sentinels` + `name`).
 * Credentials (ACL `username` / `password`) may sit in the URLs or beside them.
 */
export interface RedisDeployment {
  url?: string | undefined;
  cluster?: readonly string[] | undefined;
  sentinels?: readonly string[] | undefined;
  /** The Sentinel master group name. */
  name?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** TLS to every node even when the URLs say `redis://` (Sentinel and Cluster nodes). */
  tls?: boolean | undefined;
}

export interface RedisClientOptions {
  /** Longest a command may take before it fails (a Redis outage must never hang a request). */
  commandTimeoutMs: number;
}

interface Node {
  host: string;
  port: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
}

function parseNode(url: string): Node {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new Error(`a Redis node URL must start with redis:// or rediss:// (got ${parsed.protocol}//)`);
  }
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port || 6379),
    tls: parsed.protocol === 'rediss:',
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
  };
}

/** The ioredis options of a deployment, without connecting (pure, for tests). */
export function redisClientPlan(
  deployment: RedisDeployment,
  options: RedisClientOptions,
):
  | { kind: 'standalone'; url: string; options: RedisOptions }
  | { kind: 'cluster'; nodes: Array<{ host: string; port: number }>; options: RedisOptions }
  | { kind: 'sentinel'; options: RedisOptions } {
  // As the session store and quota configure the connections they make themselves.
  const common: RedisOptions = {
    ...failFastRedisOptions(options.commandTimeoutMs),
    ...(deployment.username ? { username: deployment.username } : {}),
    ...(deployment.password ? { password: deployment.password } : {}),
  };
  if (deployment.cluster && deployment.cluster.length > 0) {
    const nodes = deployment.cluster.map(parseNode);
    const first = nodes[0] as Node;
    const tls = deployment.tls || nodes.some((node) => node.tls);
    return {
      kind: 'cluster',
      nodes: nodes.map(({ host, port }) => ({ host, port })),
      options: {
        ...common,
        ...(first.username && !deployment.username ? { username: first.username } : {}),
        ...(first.password && !deployment.password ? { password: first.password } : {}),
        ...(tls ? { tls: {} } : {}),
      },
    };
  }
  if (deployment.sentinels && deployment.sentinels.length > 0) {
    if (!deployment.name) throw new Error('a Sentinel deployment needs the master group `name`');
    const sentinels = deployment.sentinels.map(parseNode);
    const tls = deployment.tls || sentinels.some((node) => node.tls);
    return {
      kind: 'sentinel',
      options: {
        ...common,
        sentinels: sentinels.map(({ host, port }) => ({ host, port })),
        name: deployment.name,
        ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      },
    };
  }
  if (!deployment.url) throw new Error('a Redis deployment needs `url`, `cluster` or `sentinels`');
  parseNode(deployment.url);
  return { kind: 'standalone', url: deployment.url, options: { ...common, ...(deployment.tls ? { tls: {} } : {}) } };
}

/** Connects to the deployment. Connection errors reach callers as rejected commands, never as 'error' events. */
export function createRedisClient(deployment: RedisDeployment, options: RedisClientOptions): Redis | Cluster {
  const plan = redisClientPlan(deployment, options);
  const client =
    plan.kind === 'cluster'
      ? new Cluster(plan.nodes, {
          redisOptions: plan.options,
          // The cluster reconnects on the nodes' schedule.
          clusterRetryStrategy: plan.options.retryStrategy,
        })
      : plan.kind === 'sentinel'
        ? new Redis(plan.options)
        : new Redis(plan.url, plan.options);
  client.on('error', () => {});
  return client;
}
