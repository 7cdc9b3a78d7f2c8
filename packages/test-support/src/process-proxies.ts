import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';

// Real proxies from Debian's packages as child processes: node built-ins only, so that the bench can use them too.

/** Credentials the test proxies accept. The password is distinctive so a leak is easy to spot. */
export const proxyCredentials = { username: 'relay-user', password: 's3cr3t-Pa55word' };

/** Whether an executable is on PATH. */
export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`the proxy exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A proxy running as a child process. */
export interface ProcessProxy {
  readonly port: number;
  stop(): Promise<void>;
}

async function spawnProxy(command: string, args: string[], port: number): Promise<ProcessProxy> {
  const child = spawn(command, args, { stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Debian's `microsocks` (SOCKS5) on a free loopback port, optionally with username/password. */
export async function startMicrosocks(options: { auth?: boolean } = {}): Promise<ProcessProxy> {
  const port = await findFreePort();
  const auth = options.auth ? ['-u', proxyCredentials.username, '-P', proxyCredentials.password] : [];
  return await spawnProxy('microsocks', ['-i', '127.0.0.1', '-p', String(port), ...auth], port);
}

/** Debian's `tinyproxy` (HTTP CONNECT) in the foreground on a free loopback port, optionally with Basic auth. */
export async function startTinyproxy(options: { auth?: boolean } = {}): Promise<ProcessProxy> {
  const port = await findFreePort();
  const config = join(tmpdir(), `relay-tinyproxy-${process.pid}-${port}.conf`);
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'MaxClients 100',
    'Allow 127.0.0.1',
    'LogLevel Critical',
    // Without ConnectPort lines tinyproxy allows CONNECT to any port (our origins listen on random ones).
    ...(options.auth ? [`BasicAuth ${proxyCredentials.username} ${proxyCredentials.password}`] : []),
  ];
  if (process.getuid?.() === 0) lines.push('User nobody', 'Group nogroup');
  writeFileSync(config, `${lines.join('\n')}\n`);
  return await spawnProxy('tinyproxy', ['-d', '-c', config], port);
}
