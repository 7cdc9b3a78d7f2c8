import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findFreePort } from '@relay/test-support';
import { request } from 'undici';
import { type ChildServer, startChildServer } from '../child-server.js';

/** The Portkey gateway as a contender: its process and the headers that route a request to the mock. */
export interface PortkeyContender {
  readonly server: ChildServer;
  readonly version: string;
  readonly headers: Record<string, string>;
}

export interface PortkeySkipped {
  readonly skipped: string;
}

/**
 * Starts the Portkey gateway (npm @portkey-ai/gateway, its own `build/start-server.js`, headless) and routes it to
 * the mock with its Anthropic provider and a custom host, as its docs set up a self-hosted upstream. Resolves to the
 * reason to skip it when it is not installed, does not start, or does not answer a probe.
 */
export async function startPortkeyContender(
  upstreamUrl: string,
  probe: { path: string; body: string; headers: Record<string, string> },
): Promise<PortkeyContender | PortkeySkipped> {
  let packageFile: string;
  try {
    packageFile = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
  } catch {
    return { skipped: '@portkey-ai/gateway is not installed' };
  }
  const { version } = createRequire(import.meta.url)(packageFile) as { version: string };
  const port = await findFreePort();
  let server: ChildServer;
  try {
    server = await startChildServer({
      script: join(dirname(packageFile), 'build', 'start-server.js'),
      args: [`--port=${port}`, '--headless'],
      // Without NODE_ENV=production it also serves its log UI; nothing of ours may reach it as config.
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
      port,
      startTimeoutMs: 20_000,
    });
  } catch (error) {
    return { skipped: `Portkey ${version} did not start: ${(error as Error).message.slice(0, 300)}` };
  }
  const headers = {
    ...probe.headers,
    'x-portkey-provider': 'anthropic',
    'x-portkey-custom-host': `${upstreamUrl}/v1`,
  };
  try {
    const response = await request(`${server.origin}${probe.path}`, { method: 'POST', headers, body: probe.body });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      await server.stop();
      return { skipped: `Portkey ${version} answered its probe with ${response.statusCode}: ${text.slice(0, 160)}` };
    }
  } catch (error) {
    await server.stop();
    return { skipped: `Portkey ${version}'s probe failed: ${(error as Error).message}` };
  }
  return {
    server,
    version,
    headers: { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${upstreamUrl}/v1` },
  };
}
