import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { CircuitOpenError, type ConnectionPool } from '@relay/connection-pool';
import type { RelayMetrics, UpstreamOutcome } from '@relay/metrics';
import type { SessionManager } from '@relay/session-store';
import { ApiError } from '../http/api-error.js';
import { JsonUsageReader } from '../streaming/json-usage-reader.js';
import { SseUsageReader } from '../streaming/sse-usage-reader.js';
import { emptyUsage, type TokenUsage } from '../streaming/token-usage.js';
import type { Account } from './account.js';
import type { AccountRegistry } from './account-registry.js';
import { type UpstreamAnswer, UpstreamExchange } from './upstream-exchange.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './upstream-headers.js';
import { isRetryableVerdict, judgeUpstreamResponse } from './upstream-verdict.js';

/** A client request on its way upstream. */
export interface ForwardRequest {
  requestId: string;
  method: 'GET' | 'POST';
  /** The path and query as the client sent them, e.g. `/v1/messages?beta=true`. */
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (forwarded byte for byte). */
  rawBody: Buffer | undefined;
  /** The session this request belongs to (messages only). */
  session: { id: string; userId: string; apiKeyId: string } | undefined;
  response: ServerResponse;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface ForwarderOptions {
  baseUrl: string;
  maxAttempts: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  accounts: AccountRegistry;
  pool: ConnectionPool;
  sessions: SessionManager;
  metrics: RelayMetrics;
}

type Answered = Extract<UpstreamAnswer, { kind: 'answered' }>;

const sseErrorEvent = (message: string) =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;

/**
 * Sends a client request to an upstream account and streams the answer back: keeps the session on its
 * account while that account is usable, moves it when not, and tries another account while nothing has
 * reached the client yet. Usage is read from a copy of the body on the way.
 */
export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #origin: string;
  readonly #basePath: string;

  constructor(options: ForwarderOptions) {
    this.#options = options;
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/$/, '');
  }

  /** Forwards one request and writes the client's response; throws ApiError only while nothing was written. */
  async forward(request: ForwardRequest): Promise<void> {
    const { accounts, sessions, maxAttempts } = this.#options;
    const started = performance.now();
    // The attempt in flight, cancelled if the client goes away.
    let exchange: UpstreamExchange | undefined;
    let clientGone = false;
    const onClientClose = () => {
      if (request.response.writableFinished) return;
      clientGone = true;
      exchange?.abort(clientGoneError());
    };
    request.response.once('close', onClientClose);

    try {
      let affineId: string | undefined;
      if (request.session) {
        const session = await sessions.getOrCreate(request.session.id, {
          userId: request.session.userId,
          apiKeyId: request.session.apiKeyId,
        });
        // The session's account is a hint; the affinity entry (shared across instances) is the truth.
        affineId = (await sessions.getAffinity(session.id)) ?? undefined;
      }
      const excluded = new Set<string>();
      let lastFailure: string | undefined;

      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        if (clientGone) return;
        let account = accounts.choose(affineId, excluded);
        if (!account) break;
        if (request.session && account.id !== affineId) {
          account = await this.#settleAffinity(request.session.id, account, affineId, excluded);
          affineId = account.id;
        }

        exchange = new UpstreamExchange();
        if (clientGone) exchange.abort(clientGoneError());
        const result = await this.#attempt(request, account, exchange);
        if (result.kind === 'failed') {
          if (clientGone) {
            this.#recordAborted(request, account, started);
            return;
          }
          accounts.recordConnectionFailure(account);
          lastFailure = describeFailure(result.error);
          request.log.warn({ account: account.id, attempt, error: lastFailure }, 'upstream request failed');
          this.#options.metrics.recordUpstreamRequest({
            accountId: account.id,
            origin: this.#origin,
            outcome: failureOutcome(result.error),
            durationSeconds: (performance.now() - started) / 1000,
          });
          excluded.add(account.id);
          continue;
        }

        const verdict = judgeUpstreamResponse(result.statusCode, result.headers, Date.now());
        accounts.record(account, verdict);
        const canMove =
          isRetryableVerdict(verdict) &&
          attempt < maxAttempts &&
          accounts.choose(undefined, new Set([...excluded, account.id])) !== undefined;
        if (canMove) {
          request.log.warn({ account: account.id, attempt, status: result.statusCode }, 'moving to another account');
          excluded.add(account.id);
          await exchange.discard();
          account.inFlight -= 1;
          continue;
        }
        await this.#stream(request, account, result, exchange, started);
        return;
      }

      if (lastFailure) throw new ApiError(502, 'api_error', `the upstream could not be reached (${lastFailure})`);
      const retryAfterSeconds = Math.ceil(accounts.millisecondsUntilAvailable() / 1000);
      throw new ApiError(503, 'overloaded_error', 'every upstream account is cooling down, disabled or at capacity', {
        'retry-after': String(retryAfterSeconds),
      });
    } finally {
      request.response.off('close', onClientClose);
    }
  }

  /** Writes or adopts the session's affinity for `account`; returns the account the session ends up on. */
  async #settleAffinity(
    sessionId: string,
    account: Account,
    previousId: string | undefined,
    excluded: ReadonlySet<string>,
  ): Promise<Account> {
    const { sessions, accounts } = this.#options;
    if (previousId !== undefined) {
      await sessions.moveAffinity(sessionId, account.id, previousId);
      return account;
    }
    const winnerId = await sessions.claimAffinity(sessionId, account.id);
    if (winnerId === account.id) return account;
    // Another instance claimed this new session first: adopt its account while it is usable.
    const winner = accounts.get(winnerId);
    if (winner && !excluded.has(winner.id) && accounts.isUsable(winner)) return winner;
    await sessions.moveAffinity(sessionId, account.id, winnerId);
    return account;
  }

  /** Sends the request on the account's pooled dispatcher; resolves with the answer's head, or the failure. */
  async #attempt(request: ForwardRequest, account: Account, exchange: UpstreamExchange): Promise<UpstreamAnswer> {
    account.inFlight += 1;
    try {
      // dispatch() with our own handler: no body stream, no URL parsed (origin and path given apart).
      this.#options.pool.get(this.#origin, { proxy: account.proxy }).dispatch(
        {
          origin: this.#origin,
          path: `${this.#basePath}${request.pathAndQuery}`,
          method: request.method,
          headers: upstreamRequestHeaders(request.headers, account),
          body: request.rawBody ?? null,
          headersTimeout: this.#options.headersTimeoutMs,
          bodyTimeout: this.#options.bodyTimeoutMs,
        },
        exchange,
      );
    } catch (error) {
      exchange.fail(error as Error);
    }
    const answer = await exchange.answer;
    if (answer.kind === 'failed') account.inFlight -= 1;
    return answer;
  }

  async #stream(
    request: ForwardRequest,
    account: Account,
    answer: Answered,
    exchange: UpstreamExchange,
    started: number,
  ): Promise<void> {
    const { response } = request;
    const timeToFirstByte = (performance.now() - started) / 1000;
    const isEventStream = String(answer.headers['content-type'] ?? '').startsWith('text/event-stream');
    const sseReader = isEventStream ? new SseUsageReader() : undefined;
    const jsonReader = isEventStream ? undefined : new JsonUsageReader();
    const observe = sseReader ? (chunk: Buffer) => sseReader.push(chunk) : (chunk: Buffer) => jsonReader?.push(chunk);

    let pumped: Awaited<ReturnType<UpstreamExchange['relayTo']>>;
    try {
      const headers = clientResponseHeaders(answer.headers);
      // Anthropic always sends its request-id; an upstream that does not gets the relay's.
      headers['request-id'] ??= request.requestId;
      response.writeHead(answer.statusCode, headers);
      pumped = await exchange.relayTo(response, observe);
    } catch (error) {
      exchange.abort(error as Error);
      throw error;
    } finally {
      account.inFlight -= 1;
    }

    if (pumped.end === 'finished') response.end();
    else if (pumped.end === 'upstream-failed') {
      request.log.warn({ account: account.id, error: describeFailure(pumped.error) }, 'upstream failed mid-response');
      this.#options.accounts.recordBrokenAnswer(account);
      if (isEventStream && !response.destroyed) response.end(sseErrorEvent('the upstream connection was lost'));
      else response.destroy();
    }

    const tokens: TokenUsage = sseReader ? sseReader.usage : (jsonReader?.finish() ?? emptyUsage());
    const upstreamError = sseReader?.errorType;
    const ok = pumped.end === 'finished' && answer.statusCode < 400 && !upstreamError;
    const durationSeconds = (performance.now() - started) / 1000;
    const outcome: UpstreamOutcome =
      pumped.end === 'client-gone'
        ? 'aborted'
        : pumped.end === 'upstream-failed'
          ? failureOutcome(pumped.error)
          : answer.statusCode < 400 && !upstreamError
            ? 'success'
            : 'http_error';
    const { metrics } = this.#options;
    metrics.recordUpstreamRequest({
      accountId: account.id,
      origin: this.#origin,
      statusCode: answer.statusCode,
      outcome,
      timeToFirstByteSeconds: timeToFirstByte,
      durationSeconds,
    });
    metrics.recordTokens({ accountId: account.id, ...tokens });
    if (request.session) {
      const error =
        pumped.end !== 'finished' ? pumped.end : (upstreamError ?? (ok ? undefined : `http ${answer.statusCode}`));
      // Not awaited: the client has its answer; a store failure is logged, never the client's problem.
      this.#options.sessions
        .recordRequest(request.session.id, {
          ok,
          status: answer.statusCode,
          accountId: account.id,
          tokens,
          latencyMs: durationSeconds * 1000,
          ...(error ? { error } : {}),
        })
        .catch((recordError: Error) =>
          request.log.warn({ error: recordError.message }, 'could not record the request'),
        );
    }
  }

  #recordAborted(request: ForwardRequest, account: Account, started: number): void {
    request.log.info({ account: account.id }, 'client went away before the upstream answered');
    this.#options.metrics.recordUpstreamRequest({
      accountId: account.id,
      origin: this.#origin,
      outcome: 'aborted',
      durationSeconds: (performance.now() - started) / 1000,
    });
  }
}

/** The reason an upstream request is cancelled with when its client closed the connection. */
function clientGoneError(): Error {
  const error = new Error('the client closed the connection');
  error.name = 'AbortError';
  return error;
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The metrics outcome of an attempt that failed with this error. */
export function failureOutcome(error: Error | undefined): UpstreamOutcome {
  if (error instanceof CircuitOpenError) return 'rejected';
  return timeoutCodes.has(describeFailure(error)) ? 'timeout' : 'connection_error';
}

/** A short description of a failed upstream attempt: its error code, never a URL with credentials. */
function describeFailure(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
