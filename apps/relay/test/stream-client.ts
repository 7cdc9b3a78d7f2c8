import Anthropic from '@anthropic-ai/sdk';
import type { RelayProcess } from './relay-process.js';

/** What the official SDK made of one streamed request: a final message, or the error it threw. */
export type SdkObservation =
  | { kind: 'message'; message: Anthropic.Message; ms: number }
  | { kind: 'error'; error: unknown; ms: number };

/** Streams one message through the relay with the official SDK (no SDK retries) and reports what it observed. */
export async function streamWithSdk(
  relay: Pick<RelayProcess, 'url' | 'clientKey'>,
  options: { sessionId?: string } = {},
): Promise<SdkObservation> {
  const client = new Anthropic({ apiKey: relay.clientKey, baseURL: relay.url, maxRetries: 0 });
  const started = performance.now();
  try {
    const message = await client.messages
      .stream(
        { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello' }] },
        options.sessionId ? { headers: { 'x-claude-code-session-id': options.sessionId } } : {},
      )
      .finalMessage();
    return { kind: 'message', message, ms: performance.now() - started };
  } catch (error) {
    return { kind: 'error', error, ms: performance.now() - started };
  }
}

/** The relay's `/admin/stats` accounts, by id. */
export async function accountStats(
  relay: Pick<RelayProcess, 'url'>,
  adminToken: string,
): Promise<
  Record<
    string,
    { disabled: string | false; failures: number; requests: number; inFlight: number; coolingDownForMs: number }
  >
> {
  const response = await fetch(`${relay.url}/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } });
  const stats = (await response.json()) as {
    accounts: Array<{
      id: string;
      disabled: string | false;
      failures: number;
      requests: number;
      inFlight: number;
      coolingDownForMs: number;
    }>;
  };
  return Object.fromEntries(stats.accounts.map((account) => [account.id, account]));
}

/** The relay's upstream request counter for `outcome` (summed over labels), from `/metrics`. */
export async function upstreamOutcomeCount(relay: Pick<RelayProcess, 'url'>, outcome: string): Promise<number> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('relay_upstream_requests_total{') && line.includes(`outcome="${outcome}"`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}
