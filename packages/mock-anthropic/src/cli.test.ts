import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { messageBody, postJson } from './__fixtures__/api-request.js';
import { expectedText } from './mock-text.js';
import { parseServerSentEventText } from './server-sent-events.js';

// The built CLI as a real child process (the root `pnpm test` builds before it runs the tests).
const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function startCli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [cliPath, ...args]);
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('mock-anthropic CLI', () => {
  it('prints its URL, streams the configured number of deltas, and exits 0 on SIGTERM', async () => {
    const child = startCli(['--port', '0', '--deltas', '3', '--latency-ms', '1', '--event-delay-ms', '1']);
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await postJson(`${url}/v1/messages`, messageBody({ stream: true }));
    const deltas = parseServerSentEventText(response.text).filter((event) => event.event === 'content_block_delta');
    expect(deltas.map((event) => JSON.parse(event.data).delta.text).join('')).toBe(expectedText({ deltas: 3 }));
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('serves HTTPS with --tls, writes the certificate for clients to trust, and exits 0 on SIGINT', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'mock-anthropic-cli-'));
    try {
      const certificateFile = join(folder, 'mock.pem');
      const child = startCli(['--tls', '--certificate-file', certificateFile, '--text', 'over TLS']);
      const url = await firstLine(child);
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const agent = new Agent({ connect: { ca: await readFile(certificateFile, 'utf8') } });
      try {
        const response = await postJson(`${url}/v1/messages`, messageBody(), { dispatcher: agent });
        expect(JSON.parse(response.text).content[0].text).toBe('over TLS');
      } finally {
        await agent.close();
      }
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('exits 2 naming the flag on a bad argument', async () => {
    const child = startCli(['--deltas', 'many']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--deltas must be a number');

    const invalid = startCli(['--latency-ms=-1']);
    let invalidStderr = '';
    invalid.stderr.on('data', (chunk: Buffer) => {
      invalidStderr += chunk.toString();
    });
    const [invalidCode] = await once(invalid, 'exit');
    expect(invalidCode).toBe(2);
    expect(invalidStderr).toContain('--latency-ms must be a finite number of milliseconds >= 0');
  });

  it('prints its usage with --help', async () => {
    const child = startCli(['--help']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stdout).toContain('--event-delay-ms');
  });
});
