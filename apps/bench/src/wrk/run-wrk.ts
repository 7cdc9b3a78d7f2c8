import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { BenchSetupError } from '../errors.js';
import { parseWrkOutput, type WrkResult } from './wrk-output.js';
import { type WrkScriptOptions, wrkScript } from './wrk-script.js';

/** The wrk binary on PATH, or undefined (install it with `apt-get install wrk`; .ci/run does). */
export function findWrk(): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

export interface WrkRunOptions extends Omit<WrkScriptOptions, 'bodyFile'> {
  /** Origin and path, e.g. `http://127.0.0.1:4100/v1/messages?beta=true`. */
  url: string;
  /** The request body, written to a file the script reads. */
  body?: string;
  /** Keep-alive connections, each with one request in flight. */
  connections: number;
  /** Whole seconds (wrk's own resolution). */
  durationSeconds: number;
}

/**
 * Runs wrk once, in a process of its own on one thread (-t1: the machine the bench runs on has two cores, and a
 * second wrk thread would only take CPU from the contender), and resolves with what its `done` hook reported.
 */
export async function runWrk(options: WrkRunOptions): Promise<WrkResult> {
  const binary = findWrk();
  if (!binary) throw new BenchSetupError('wrk is not on PATH: install it (apt-get install wrk)');
  const directory = await mkdtemp(join(tmpdir(), 'relay-bench-wrk-'));
  try {
    const bodyFile = options.body === undefined ? undefined : join(directory, 'body');
    if (bodyFile !== undefined) await writeFile(bodyFile, options.body as string);
    const scriptFile = join(directory, 'script.lua');
    await writeFile(scriptFile, wrkScript({ ...options, ...(bodyFile === undefined ? {} : { bodyFile }) }));
    const seconds = Math.max(1, Math.round(options.durationSeconds));
    const args = [
      '-t1',
      `-c${options.connections}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      scriptFile,
      options.url,
    ];
    const { code, stdout, stderr } = await run(binary, args);
    if (code !== 0) throw new BenchSetupError(`wrk exited with ${code}: ${(stderr || stdout).slice(-800)}`);
    return parseWrkOutput(stdout);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function run(binary: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('error', reject);
    // 'close', not 'exit': by then the output is read to its end and libuv has reaped wrk, so its CPU time is in
    // this process's cutime/cstime (see measure-round.ts).
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
