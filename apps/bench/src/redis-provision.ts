import { hasRedisServerBinary, pingRedis, startRedisServer } from '@relay/test-support';
import { BenchSetupError } from './errors.js';

/** The Redis a run measures against, where it came from, and how to let it go. */
export interface RedisProvision {
  /** The URL to give scenarios, or undefined when there is no Redis (their Redis rows are skipped). */
  readonly url: string | undefined;
  /** `environment`: REDIS_URL; `private`: a redis-server this run started; `none`. */
  readonly source: 'environment' | 'private' | 'none';
  /** One line for the reader: which Redis, or why there is none. */
  readonly note: string;
  /** Stops a private server (a no-op otherwise). */
  stop(): Promise<void>;
}

export interface RedisProvisionOptions {
  /** Where REDIS_URL is read from. Default: process.env. */
  environment?: NodeJS.ProcessEnv;
  /** Whether a `redis-server` binary can be started. Default: looks on PATH. */
  hasBinary?: () => boolean;
}

/** REDIS_URL when given (it must answer PING), else a private disk-less redis-server on a free port, else none. */
export async function provisionRedis(options: RedisProvisionOptions = {}): Promise<RedisProvision> {
  const environment = options.environment ?? process.env;
  const hasBinary = options.hasBinary ?? hasRedisServerBinary;
  const configured = environment.REDIS_URL?.trim();
  if (configured) {
    // A Redis the user named but that is not there is a mistake to report, not a reason to measure without it.
    if (!(await pingRedis(configured, 2000))) {
      throw new BenchSetupError(`REDIS_URL=${configured} does not answer PING; start it or unset REDIS_URL`);
    }
    return {
      url: configured,
      source: 'environment',
      note: `Redis: ${configured} (REDIS_URL)`,
      stop: async () => {},
    };
  }
  if (hasBinary()) {
    const server = await startRedisServer();
    return {
      url: server.url,
      source: 'private',
      note: `Redis: a private redis-server at ${server.url}, started for this run`,
      stop: () => server.stop(),
    };
  }
  return {
    url: undefined,
    source: 'none',
    note: 'Redis: none (REDIS_URL is not set and no redis-server is on PATH): the Redis rows are skipped',
    stop: async () => {},
  };
}
