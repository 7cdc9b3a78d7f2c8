import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisServerProcess, startRedisServer } from './redis-server.js';

export interface RedisClusterProcess {
  /** The masters, as ioredis `Cluster` startup nodes. */
  readonly nodes: ReadonlyArray<{ host: string; port: number }>;
  /** The servers, to stop or restart one of them. */
  readonly servers: readonly RedisServerProcess[];
  /** Stops every server and removes their files. */
  stop(): Promise<void>;
}

async function redisCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return await new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * Starts a real Redis Cluster of `masters` disk-less `redis-server` processes on free loopback ports, joins them with
 * `redis-cli --cluster create` (no replicas), and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(options: { masters?: number } = {}): Promise<RedisClusterProcess> {
  const masters = options.masters ?? 3;
  const directory = await mkdtemp(join(tmpdir(), 'relay-redis-cluster-'));
  const servers: RedisServerProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map(async (server) => server.stop()));
    await rm(directory, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < masters; index += 1) {
      servers.push(
        await startRedisServer({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(directory, `nodes-${index}.conf`),
            '--cluster-node-timeout',
            '5000',
            '--dir',
            directory,
          ],
        }),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    const created = await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.output}`);
    const started = Date.now();
    for (const server of servers) {
      while (!(await redisCli(['-p', String(server.port), 'cluster', 'info'])).output.includes('cluster_state:ok')) {
        if (Date.now() - started > 30_000) throw new Error('the Redis Cluster did not reach cluster_state:ok in 30 s');
        await sleep(50);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })), servers, stop };
}
