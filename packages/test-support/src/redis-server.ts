import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from './free-port.js';

/** True when a `redis-server` binary is on PATH. */
export function hasRedisServerBinary(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Sends PING over a raw socket; true when a Redis server answers (even with an auth error). */
export async function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return await new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 6379) });
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => finish(/^[+-]/.test(chunk.toString('latin1'))));
  });
}

export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Extra arguments it was started with, so that `restart()` brings back the same server. */
  readonly args: readonly string[];
  /** SHUTDOWN NOSAVE-like stop: SIGTERM, then wait for the process to exit. */
  stop(): Promise<void>;
  /** Starts the same server again on the same port (after `stop()`). */
  restart(): Promise<void>;
}

/** Starts a private, disk-less `redis-server` on a free loopback port and waits until it answers. */
export async function startRedisServer(options: { port?: number; args?: string[] } = {}): Promise<RedisServerProcess> {
  const port = options.port ?? (await findFreePort());
  const args = options.args ?? [];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: 'ignore' },
    );
    const started = Date.now();
    while (!(await pingRedis(url, 200))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}`);
      if (Date.now() - started > 10_000) throw new Error(`redis-server on port ${port} did not answer within 10 s`);
      await sleep(25);
    }
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  await launch();
  return { port, url, args, stop, restart: launch };
}
