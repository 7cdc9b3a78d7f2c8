import type { IncomingHttpHeaders } from 'node:http';
import { InvalidMockOptionError } from './errors.js';
import { defaultDeltas } from './mock-text.js';

/** What a `text` generator is given for each message request. */
export interface MessageRequestContext {
  /** The parsed request body. */
  body: Record<string, unknown>;
  /** The key the request was authenticated with. */
  apiKey: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * `usage` fields of one message, replacing what the mock would report: `input_tokens` and `output_tokens` replace
 * the estimates, the cache fields the `cacheCreationInputTokens` / `cacheReadInputTokens` options. With a
 * `cache_creation` breakdown and no `cache_creation_input_tokens`, the total is the breakdown's sum.
 */
export interface MockUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** A PEM key and certificate to serve HTTPS with. */
export interface MockTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

/** Options of `createMockAnthropic()`; every one is optional. */
export interface MockAnthropicOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Serve HTTPS: `true` generates a self-signed certificate at start, or give your own. Default off. */
  tls?: boolean | MockTlsOptions;
  /** Delay before the first byte of every response, in ms. Default 0. */
  latencyMs?: number;
  /** Delay between two SSE events of a stream, in ms. Default 0 (the whole stream in one write). */
  eventDelayMs?: number;
  /** Number of `content_block_delta` events of a stream. Default 10. */
  deltas?: number;
  /** The assistant's text: fixed, or made per request. Default: `deltas` words ("Hello from the mock…"). */
  text?: string | ((request: MessageRequestContext) => string);
  /** The model every response reports. Default: the model the request asked for. */
  model?: string;
  /** Keep the last N requests in `received` (`true`: 1000, `false`: none). Default 1000. */
  record?: boolean | number;
  /** Accept only these API keys; others get 401 authentication_error. Default: any key. */
  apiKeys?: Iterable<string>;
  /** `usage.cache_creation_input_tokens` of every message. Default 0. */
  cacheCreationInputTokens?: number;
  /** `usage.cache_read_input_tokens` of every message. Default 0. */
  cacheReadInputTokens?: number;
  /** Larger bodies get 413 request_too_large. Default 32 MiB, the API's limit. */
  maxBodyBytes?: number;
  /** `usage` of every message (fixed, or made per request), over the estimates and the cache options. */
  usage?: MockUsage | ((request: MessageRequestContext) => MockUsage);
}

/** The options with their defaults applied. */
export interface ResolvedMockAnthropicOptions {
  port: number;
  host: string;
  tls: boolean | MockTlsOptions;
  latencyMs: number;
  eventDelayMs: number;
  deltas: number;
  text: string | ((request: MessageRequestContext) => string) | undefined;
  model: string | undefined;
  record: number;
  apiKeys: ReadonlySet<string> | undefined;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  maxBodyBytes: number;
  usage: MockUsage | ((request: MessageRequestContext) => MockUsage) | undefined;
}

/** How many requests `record: true` (and the default) keeps. */
export const defaultRecordCapacity = 1000;

function integerAtLeast(value: unknown, name: string, minimum: number, fallback: number, maximum?: number): number {
  if (value === undefined) return fallback;
  if (
    !Number.isInteger(value) ||
    (value as number) < minimum ||
    (maximum !== undefined && (value as number) > maximum)
  ) {
    const range = maximum === undefined ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
    throw new InvalidMockOptionError(name, `must be an integer ${range}`);
  }
  return value as number;
}

function duration(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidMockOptionError(name, 'must be a finite number of milliseconds >= 0');
  }
  return value;
}

function nonEmptyString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new InvalidMockOptionError(name, 'must be a non-empty string');
  return value;
}

function resolveTls(value: unknown): boolean | MockTlsOptions {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidMockOptionError('tls', 'must be true, false or { key, cert }');
  }
  const { key, cert } = value as Record<string, unknown>;
  for (const [name, pem] of [
    ['tls.key', key],
    ['tls.cert', cert],
  ] as const) {
    if (!(typeof pem === 'string' || Buffer.isBuffer(pem)) || pem.length === 0) {
      throw new InvalidMockOptionError(name, 'must be a non-empty PEM string or Buffer');
    }
  }
  return { key: key as string | Buffer, cert: cert as string | Buffer };
}

function resolveRecord(value: unknown): number {
  if (value === undefined || value === true) return defaultRecordCapacity;
  if (value === false) return 0;
  return integerAtLeast(value, 'record', 0, defaultRecordCapacity);
}

function resolveApiKeys(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || !(Symbol.iterator in value) || typeof value === 'string') {
    throw new InvalidMockOptionError('apiKeys', 'must be an array or set of non-empty strings');
  }
  const keys = new Set<string>();
  for (const key of value as Iterable<unknown>) {
    if (typeof key !== 'string' || key === '') {
      throw new InvalidMockOptionError('apiKeys', 'must be an array or set of non-empty strings');
    }
    keys.add(key);
  }
  return keys;
}

const usageCounts = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
] as const;
const breakdownCounts = ['ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens'] as const;

/** Checks a `usage` object (the option's, or what its function returned); throws naming the bad field. */
export function validMockUsage(value: unknown, name = 'usage'): MockUsage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidMockOptionError(name, 'must be an object of token counts (or a function returning one)');
  }
  const usage = value as Record<string, unknown>;
  for (const field of usageCounts) {
    if (usage[field] !== undefined) integerAtLeast(usage[field], `${name}.${field}`, 0, 0);
  }
  if (usage.cache_creation !== undefined) {
    const breakdown = usage.cache_creation;
    if (typeof breakdown !== 'object' || breakdown === null) {
      throw new InvalidMockOptionError(
        `${name}.cache_creation`,
        'must be { ephemeral_5m_input_tokens, ephemeral_1h_input_tokens }',
      );
    }
    for (const field of breakdownCounts) {
      integerAtLeast((breakdown as Record<string, unknown>)[field] ?? 0, `${name}.cache_creation.${field}`, 0, 0);
    }
  }
  return usage as MockUsage;
}

function resolveUsage(value: unknown): ResolvedMockAnthropicOptions['usage'] {
  if (value === undefined || typeof value === 'function') return value as ResolvedMockAnthropicOptions['usage'];
  return validMockUsage(value);
}

function resolveText(value: unknown): ResolvedMockAnthropicOptions['text'] {
  if (value === undefined || typeof value === 'function') return value as ResolvedMockAnthropicOptions['text'];
  if (typeof value !== 'string' || value === '') {
    throw new InvalidMockOptionError('text', 'must be a non-empty string or a function returning one');
  }
  return value;
}

/** Applies the defaults and throws an `InvalidMockOptionError` naming the first invalid option. */
export function resolveMockAnthropicOptions(options: MockAnthropicOptions = {}): ResolvedMockAnthropicOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidMockOptionError('options', 'must be an object');
  }
  return {
    port: integerAtLeast(options.port, 'port', 0, 0, 65_535),
    host: nonEmptyString(options.host, 'host') ?? '127.0.0.1',
    tls: resolveTls(options.tls),
    latencyMs: duration(options.latencyMs, 'latencyMs'),
    eventDelayMs: duration(options.eventDelayMs, 'eventDelayMs'),
    deltas: integerAtLeast(options.deltas, 'deltas', 1, defaultDeltas, 1_000_000),
    text: resolveText(options.text),
    model: nonEmptyString(options.model, 'model'),
    record: resolveRecord(options.record),
    apiKeys: resolveApiKeys(options.apiKeys),
    cacheCreationInputTokens: integerAtLeast(options.cacheCreationInputTokens, 'cacheCreationInputTokens', 0, 0),
    cacheReadInputTokens: integerAtLeast(options.cacheReadInputTokens, 'cacheReadInputTokens', 0, 0),
    maxBodyBytes: integerAtLeast(options.maxBodyBytes, 'maxBodyBytes', 1, 32 * 1024 * 1024),
    usage: resolveUsage(options.usage),
  };
}
