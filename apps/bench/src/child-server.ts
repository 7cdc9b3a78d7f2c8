import { type ChildProcess, fork } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchSetupError } from './errors.js';

/** A server running in a child process of its own, so that it has a CPU and an event loop of its own. */
export interface ChildServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly process: ChildProcess;
  /** SIGTERM, then waits for the exit (SIGKILL after `stopTimeoutMs`). */
  stop(): Promise<void>;
}

/** The message a child server sends over IPC once it listens. */
export interface ListeningMessage {
  type: 'listening';
  port: number;
}

export interface ChildServerOptions {
  /** The built JavaScript file to run with node. */
  script: string;
  args?: string[];
  /** Its whole environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  /**
   * The port the child was told to listen on, for servers that do not speak our IPC (the relay): readiness is
   * then a TCP connect. Without it the child must send a ListeningMessage.
   */
  port?: number;
  /** How long to wait for it to listen. Default 20 s. */
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

// Children still running when the runner exits (Ctrl-C, a crash) are killed with it: a server left behind
// would hold its port and skew the next run. Not every child (the relay) exits when its IPC channel closes.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Forks `script` and resolves once it listens; rejects with the tail of its output if it exits or times out. */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = fork(options.script, options.args ?? [], {
    env: options.env ?? process.env,
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The tail of what it printed, for the error when it does not come up.
  live.add(child);
  child.once('exit', () => live.delete(child));
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = options.startTimeoutMs ?? 20_000;
  try {
    const port = await Promise.race([
      options.port === undefined ? listeningMessage(child) : portAccepting(options.port, child),
      exitOf(child).then((code) => {
        throw new BenchSetupError(`${options.script} exited with ${code} before listening:\n${output.trim()}`);
      }),
      sleep(deadline, undefined, { ref: false }).then(() => {
        throw new BenchSetupError(
          `${options.script} did not listen within ${deadline} ms; its output:\n${output.trim()}`,
        );
      }),
    ]);
    return { origin: `http://127.0.0.1:${port}`, process: child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningMessage(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: Partial<ListeningMessage>) => {
      if (message?.type !== 'listening' || typeof message.port !== 'number') return;
      child.off('message', onMessage);
      resolve(message.port);
    };
    child.on('message', onMessage);
  });
}

async function portAccepting(port: number, child: ChildProcess): Promise<number> {
  while (child.exitCode === null) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return port;
    await sleep(50);
  }
  return await new Promise(() => {});
}

function exitOf(child: ChildProcess): Promise<number | string | null> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** For a child server: tells the parent it listens on `port`, and exits when the parent goes away. */
export function announceListening(port: number): void {
  process.send?.({ type: 'listening', port } satisfies ListeningMessage);
  process.once('disconnect', () => process.exit(0));
}
