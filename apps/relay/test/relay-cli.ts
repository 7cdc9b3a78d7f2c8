import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** The test runner's environment without what would configure the relay (RELAY_*, ANTHROPIC_*, REDIS_URL). */
export const cleanEnvironment = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(RELAY_|ANTHROPIC_|REDIS_URL)/.test(name)),
);

/** Runs the built `relay` command to its exit, with `environment` over the clean one, and collects its output. */
export function runRelayCli(
  args: string[],
  options: { cwd?: string; environment?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...cleanEnvironment, ...options.environment },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}
