import { readdirSync, readFileSync } from 'node:fs';
import { parseServerSentEventText } from '@relay/mock-anthropic';
import { WebSocket } from 'undici';
import { messageRequest } from '../api-client.js';
import type { RelayProcess } from '../relay-process.js';

/** Tokens a client read from one response. */
export interface ReadUsage {
  input: number;
  output: number;
}

/** What a client saw of one `POST /v1/messages`. */
export interface MessageResult {
  status: number;
  /** The whole body as text. */
  text: string;
  /** SSE event names in order (streams only). */
  events: string[];
  usage: ReadUsage;
  /** The client-side error (connection lost...), if the request failed before a status. */
  error?: string;
}

/** A small Messages request body; `stream` turns it into an SSE stream. */
export function messageBody(options: { stream?: boolean; content?: string } = {}): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 64,
    ...(options.stream ? { stream: true } : {}),
    messages: [{ role: 'user', content: options.content ?? 'hello' }],
  });
}

/** Sends one Messages request as a client would and reads the whole answer; never throws. */
export async function sendMessage(
  relay: Pick<RelayProcess, 'url' | 'clientKey'>,
  options: { sessionId: string; stream?: boolean; signal?: AbortSignal; clientKey?: string },
): Promise<MessageResult> {
  try {
    const response = await fetch(
      `${relay.url}/v1/messages`,
      messageRequest(options.clientKey ?? relay.clientKey, {
        sessionId: options.sessionId,
        stream: options.stream ?? false,
        body: { max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] },
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    const text = await response.text();
    return { status: response.status, text, ...readUsage(text) };
  } catch (error) {
    return { status: 0, text: '', events: [], usage: { input: 0, output: 0 }, error: String(error) };
  }
}

/** The usage a client can read from a JSON message or an SSE stream body. */
export function readUsage(text: string): { events: string[]; usage: ReadUsage } {
  const usage: ReadUsage = { input: 0, output: 0 };
  if (text.startsWith('event:')) {
    const events = parseServerSentEventText(text);
    for (const event of events) {
      let data: {
        message?: { usage?: { input_tokens?: number; output_tokens?: number } };
        usage?: { output_tokens?: number };
      } = {};
      try {
        data = JSON.parse(event.data);
      } catch {
        // A truncated event carries no usage.
      }
      if (event.event === 'message_start') {
        usage.input = data.message?.usage?.input_tokens ?? 0;
        usage.output = data.message?.usage?.output_tokens ?? 0;
      }
      if (event.event === 'message_delta') usage.output = data.usage?.output_tokens ?? usage.output;
    }
    return { events: events.map((event) => event.event), usage };
  }
  try {
    const json = JSON.parse(text) as { usage?: { input_tokens?: number; output_tokens?: number } };
    usage.input = json.usage?.input_tokens ?? 0;
    usage.output = json.usage?.output_tokens ?? 0;
  } catch {
    // Not JSON: no usage to read.
  }
  return { events: [], usage };
}

/** `GET /admin/stats` of a relay configured with `admin.token`. */
export async function adminStats(relay: Pick<RelayProcess, 'url'>, token: string): Promise<RelayStats> {
  const response = await fetch(`${relay.url}/admin/stats`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`/admin/stats answered ${response.status}`);
  return (await response.json()) as RelayStats;
}

/** The parts of `/admin/stats` these tests read. */
export interface RelayStats {
  pool: {
    circuits: Record<'closed' | 'open' | 'half-open', number>;
    keys: Array<{ key: string; proxy?: string; circuit: { state: string; openings: number } }>;
  };
  sessions: { degraded: boolean; unsyncedChanges: number; droppedChanges: number };
  accounts: Array<{
    id: string;
    inFlight: number;
    coolingDownForMs: number;
    disabled: string | false;
    requests: number;
    failures: number;
  }>;
}

/** The session records of `GET /admin/sessions?apiKeyId=...`. */
export async function adminSessions(
  relay: Pick<RelayProcess, 'url'>,
  token: string,
  apiKeyId: string,
): Promise<Array<{ id: string; requestCount: number; errorCount: number; accountId?: string; tokens: ReadUsage }>> {
  const response = await fetch(`${relay.url}/admin/sessions?apiKeyId=${apiKeyId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { data: Awaited<ReturnType<typeof adminSessions>> }).data;
}

/** Open file descriptors of a process (Linux: entries of /proc/<pid>/fd). */
export function openFileDescriptors(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Current and peak resident set size of a process, in bytes (Linux: /proc/<pid>/status). */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kilobytes('VmRSS') * 1024, peak: kilobytes('VmHWM') * 1024 };
}

/** One value of a Prometheus exposition (first sample of that name). */
export function metricValue(exposition: string, name: string): number | undefined {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : undefined;
}

/** `NODE_OPTIONS` that open the inspector of a relay process on a free loopback port. */
export const inspectorEnvironment = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

/** A connection to a relay process's inspector: garbage-collects and reads `process.memoryUsage()` inside it. */
export class InspectorSession {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, (result: unknown) => void>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
      if (message.id === undefined) return;
      this.#pending.get(message.id)?.(message.error ? { error: message.error } : message.result);
      this.#pending.delete(message.id);
    });
  }

  /** Connects to the inspector of a relay started with `inspectorEnvironment`. */
  static async connect(relay: Pick<RelayProcess, 'waitForOutput'>): Promise<InspectorSession> {
    const line = await relay.waitForOutput(/Debugger listening on ws:\/\//);
    const url = /ws:\/\/\S+/.exec(line)?.[0] as string;
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`could not open the inspector at ${url}`)), {
        once: true,
      });
    });
    return new InspectorSession(socket);
  }

  async #call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId;
    this.#nextId += 1;
    const result = new Promise<unknown>((resolve) => this.#pending.set(id, resolve));
    this.#socket.send(JSON.stringify({ id, method, params }));
    return await result;
  }

  /** `process.memoryUsage()` of the relay after a full garbage collection. */
  async memoryAfterGarbageCollection(): Promise<NodeJS.MemoryUsage> {
    await this.#call('HeapProfiler.collectGarbage');
    await this.#call('HeapProfiler.collectGarbage');
    const evaluated = (await this.#call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(evaluated.result.value) as NodeJS.MemoryUsage;
  }

  close(): void {
    this.#socket.close();
  }
}

/** `n` megabytes, for readable memory figures. */
export const megabytes = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** One request of a closed-loop run, with when it finished (ms since the epoch). */
export interface TimedResult extends MessageResult {
  sessionId: string;
  finishedAt: number;
}

/**
 * Closed-loop traffic: `concurrency` clients each send one request after the other (streams and JSON alternating)
 * on sessions picked in turn from `sessionIds`, until `stop()` returns true. Resolves with every result.
 */
export async function runClosedLoop(options: {
  relay: Pick<RelayProcess, 'url' | 'clientKey'>;
  sessionIds: readonly string[];
  concurrency: number;
  stop: () => boolean;
}): Promise<TimedResult[]> {
  const results: TimedResult[] = [];
  let turn = 0;
  const client = async () => {
    while (!options.stop()) {
      const index = turn;
      turn += 1;
      const sessionId = options.sessionIds[index % options.sessionIds.length] as string;
      const result = await sendMessage(options.relay, { sessionId, stream: index % 2 === 0 });
      results.push({ ...result, sessionId, finishedAt: Date.now() });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  return results;
}

/** A short summary of the statuses of many results, e.g. `{ "200": 120, "503": 2 }`. */
export function statusCounts(results: readonly MessageResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = result.error ? `error: ${result.error.slice(0, 60)}` : String(result.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
