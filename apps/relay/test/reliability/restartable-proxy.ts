import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { findFreePort } from '@relay/test-support';
import { proxyCredentials } from '@relay/test-support/servers';

/** A real SOCKS5 proxy (Debian's `microsocks`) that a test can kill and bring back on the same port. */
export interface RestartableProxy {
  readonly port: number;
  /** `socks5://user:password@127.0.0.1:port`, as an account's `proxy`. */
  readonly url: string;
  /** Kills the proxy (SIGKILL: it dies as a crashed proxy would, its tunnels cut). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

async function accepts(port: number): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts microsocks with the fixture credentials on a free loopback port. */
export async function startRestartableProxy(): Promise<RestartableProxy> {
  const port = await findFreePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(
      'microsocks',
      ['-i', '127.0.0.1', '-p', String(port), '-u', proxyCredentials.username, '-P', proxyCredentials.password],
      { stdio: 'ignore' },
    );
    child = started;
    for (let attempt = 0; attempt < 400; attempt += 1) {
      if (started.exitCode !== null) throw new Error(`microsocks exited with ${started.exitCode}`);
      if (await accepts(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`microsocks did not listen on ${port}`);
  };
  await start();
  return {
    port,
    url: `socks5://${proxyCredentials.username}:${proxyCredentials.password}@127.0.0.1:${port}`,
    start,
    async kill() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
  };
}
