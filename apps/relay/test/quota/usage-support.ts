import { parseServerSentEventText } from '@relay/mock-anthropic';
import { Pricing, readUsage, type TokenUsage } from '@relay/quota';
import type { RelayProcess } from '../relay-process.js';

/** What a client can read of one answer: the model that answered and its usage, as the API's JSON has it. */
export interface ReceivedUsage {
  model: string | undefined;
  /** The `usage` object: a JSON message's, or a stream's `message_start` usage with `message_delta`'s over it. */
  usage: Record<string, unknown>;
}

/** The usage of a JSON message or an SSE stream body, read as a client reads it. */
export function receivedUsage(text: string): ReceivedUsage {
  if (text.startsWith('event:')) {
    let model: string | undefined;
    let usage: Record<string, unknown> = {};
    for (const event of parseServerSentEventText(text)) {
      let data: { message?: { model?: string; usage?: object }; usage?: object } = {};
      try {
        data = JSON.parse(event.data);
      } catch {
        continue;
      }
      if (event.event === 'message_start') {
        model = data.message?.model;
        usage = { ...data.message?.usage };
      }
      if (event.event === 'message_delta') usage = { ...usage, ...data.usage };
    }
    return { model, usage };
  }
  const json = JSON.parse(text) as { model?: string; usage?: Record<string, unknown> };
  return { model: json.model, usage: json.usage ?? {} };
}

/** Sums per model of what clients received: requests, tokens by kind, and their cost at the shipped prices. */
export interface ModelTotals {
  requests: number;
  tokens: TokenUsage;
  costMicroUsd: number;
}

/** Adds up received usage per model, priced with @relay/quota's `Pricing` (the table its own tests check by hand). */
export class UsageTally {
  readonly byModel = new Map<string, ModelTotals>();
  readonly #pricing: Pricing;

  constructor(pricing: Pricing = new Pricing()) {
    this.#pricing = pricing;
  }

  add(received: ReceivedUsage): void {
    const model = received.model ?? 'unknown';
    const usage = readUsage(received.usage);
    const totals = this.byModel.get(model) ?? {
      requests: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
      costMicroUsd: 0,
    };
    totals.requests += 1;
    totals.tokens = {
      input: totals.tokens.input + usage.input,
      output: totals.tokens.output + usage.output,
      cacheRead: totals.tokens.cacheRead + usage.cacheRead,
      cacheWrite5m: totals.tokens.cacheWrite5m + usage.cacheWrite5m,
      cacheWrite1h: totals.tokens.cacheWrite1h + usage.cacheWrite1h,
    };
    totals.costMicroUsd += this.#pricing.price(model, usage).costMicroUsd;
    this.byModel.set(model, totals);
  }

  /** The totals as `GET /admin/usage?groupBy=model` rows would show them, sorted by model. */
  rows(): Array<{ model: string; requests: number; tokens: TokenUsage; costMicroUsd: number }> {
    return [...this.byModel]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([model, totals]) => ({ model, ...totals }));
  }
}

/** One row of `GET /admin/usage`. */
export interface UsageRow {
  day?: string;
  keyId?: string;
  accountId?: string;
  model?: string;
  requests: number;
  incomplete: number;
  tokens: TokenUsage;
  costMicroUsd: number;
  costUsd: number;
}

/** `GET /admin/usage` with `parameters`; throws unless it answers 200. */
export async function adminUsage(
  relay: Pick<RelayProcess, 'url'>,
  adminToken: string,
  parameters: Record<string, string>,
): Promise<{ rows: UsageRow[]; total: UsageRow }> {
  const response = await fetch(`${relay.url}/admin/usage?${new URLSearchParams(parameters)}`, {
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (response.status !== 200) throw new Error(`/admin/usage answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { rows: UsageRow[]; total: UsageRow };
}

/** A Messages request body for `model`, its content naming the request (the mock's usage function reads it). */
export function messageFor(model: string, content: string, stream: boolean): string {
  return JSON.stringify({
    model,
    max_tokens: 64,
    ...(stream ? { stream: true } : {}),
    messages: [{ role: 'user', content }],
  });
}

/** The first message's text of a request the mock received (what `messageFor` put there). */
export function contentOf(body: Record<string, unknown>): string {
  const messages = body.messages as Array<{ content?: unknown }> | undefined;
  const content = messages?.[0]?.content;
  return typeof content === 'string' ? content : '';
}

/** Sends one Messages request with `clientKey` and reads the whole answer. */
export async function sendRequest(
  relay: Pick<RelayProcess, 'url'>,
  clientKey: string,
  body: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${relay.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': clientKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}
