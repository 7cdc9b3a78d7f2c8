import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findFreePort } from '@relay/test-support';
import { type ChildServer, startChildServer } from '../child-server.js';

/**
 * @relay/mock-anthropic's own CLI in a process of its own (no added latency, 10 deltas per stream, no recording):
 * the one upstream every contender is measured against, with a pid whose CPU the bottleneck rule reads.
 */
export async function startMockUpstream(): Promise<ChildServer> {
  const packageFile = createRequire(import.meta.url).resolve('@relay/mock-anthropic/package.json');
  const port = await findFreePort();
  return startChildServer({
    script: join(dirname(packageFile), 'dist', 'cli.js'),
    args: ['--port', String(port), '--latency-ms', '0', '--event-delay-ms', '0', '--deltas', '10', '--record', '0'],
    port,
  });
}
