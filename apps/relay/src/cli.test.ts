import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../../test/free-port.js';

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('relay start command', () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
  });

  it('listens, answers /healthz, and exits 0 on SIGTERM', async () => {
    const port = await findFreePort();
    const relay = spawn(process.execPath, [cliPath], { env: { ...process.env, RELAY_PORT: String(port) } });
    child = relay;
    const [firstLine] = (await once(relay.stdout, 'data')) as [Buffer];
    expect(firstLine.toString()).toContain(`http://127.0.0.1:${port}`);
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(response.status).toBe(200);
    relay.kill('SIGTERM');
    const [code] = await once(relay, 'exit');
    expect(code).toBe(0);
  });
});
