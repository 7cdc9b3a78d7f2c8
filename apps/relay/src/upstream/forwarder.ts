import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { CircuitOpenError, type ConnectionPool } from '@relay/connection-pool';
import type { RelayMetrics, UpstreamOutcome } from '@relay/metrics';
import type { SessionManager } from '@relay/session-store';
import { ApiError } from '../http/api-error.js';
import { billedModel, billingOf } from '../quota/billable-attempt.js';
import type { BilledUsage, UsageBilling } from '../quota/usage-billing.js';
import type { TokenUsage } from '../streaming/token-usage.js';
import type { Account } from './account.js';
import type { AccountLease } from './account-lease.js';
import type { AccountRegistry } from './account-registry.js';
import type { AttemptEnd, BodyEnd } from './attempt-end.js';
import { outcomeOfCode, type Settlement, settle } from './settle.js';
import { type UpstreamAnswer, UpstreamExchange } from './upstream-exchange.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './upstream-headers.js';
import {
  isShortRetryAfter,
  judgeUpstreamResponse,
  movesToAnotherAccount,
  type UpstreamVerdict,
} from './upstream-verdict.js';

/** A client request on its way upstream. */
export interface ForwardRequest {
  requestId: string;
  method: 'GET' | 'POST';
  /** The path and query as the client sent them, e.g. `/v1/messages?beta=true`. */
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (forwarded byte for byte). */
  rawBody: Buffer | undefined;
  /** True when the body asks for a stream (`"stream": true`): the stream time budgets apply. */
  stream?: boolean;
  /** The client's id, for log lines about it. */
  clientId?: string;
  /** The session this request belongs to (messages only). */
  session: { id: string; userId: string; apiKeyId: string } | undefined;
  /** Bill the answering attempt to this client key (messages only); the request's model, read only if needed. */
  billing?: { clientId: string; requestModel: () => string | undefined };
  response: ServerResponse;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
}

export interface ForwarderOptions {
  baseUrl: string;
  maxAttempts: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Total time for the attempts before anything reached the client. */
  retryBudgetMs: number;
  stream: { firstEventTimeoutMs: number; idleTimeoutMs: number };
  /** Longest time a client may read nothing before its upstream request is given up. */
  writeStallTimeoutMs: number;
  accounts: AccountRegistry;
  pool: ConnectionPool;
  sessions: SessionManager;
  metrics: RelayMetrics;
  /** The usage ledger's side of the answering attempt. */
  billing: UsageBilling;
}

type Answered = Extract<UpstreamAnswer, { kind: 'answered' }>;

const sseErrorEvent = (message: string) =>
  `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message } })}\n\n`;

// What the client is told when a stream it already has bytes of cannot go on.
const brokenStreamMessages: Partial<Record<BodyEnd, string>> = {
  truncated: 'the upstream ended the stream before message_stop',
  malformed: 'the upstream sent an event the relay could not read',
  stalled: 'the upstream stream went silent',
  'upstream-failed': 'the upstream connection was lost',
};

// The probe of a credential after a 401: the cheapest authenticated call of the API.
const probePath = '/v1/models?limit=1';
const noAccountExcluded: ReadonlySet<string> = new Set();

/** The set of accounts a request failed on, with one more (created at the first). */
function excluding(excluded: Set<string> | undefined, accountId: string): Set<string> {
  const set = excluded ?? new Set<string>();
  set.add(accountId);
  return set;
}

/**
 * Sends a client request to an upstream account and streams the answer back: keeps the session on its
 * account while that account is usable, moves it when not, and tries another account while nothing has
 * reached the client yet — for a stream, until its first event (commit late). `forward()` is the retry loop;
 * what an answer means is decided by `judgeUpstreamResponse`, how an attempt ended by `settle`, and
 * `#record` sends that to the account, the metrics and the session.
 */
export class Forwarder {
  readonly #options: ForwarderOptions;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #probing = new Set<string>();
  // A stream never waits longer for its head or between two events than a non-streaming request would.
  readonly #firstEventBudgetMs: number;
  readonly #idleMs: number;

  constructor(options: ForwarderOptions) {
    this.#options = options;
    this.#firstEventBudgetMs = Math.min(options.stream.firstEventTimeoutMs, options.headersTimeoutMs);
    this.#idleMs = Math.min(options.stream.idleTimeoutMs, options.bodyTimeoutMs);
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/$/, '');
  }

  /**
   * Forwards one request and writes the client's response; throws ApiError only while nothing was written.
   * Resolves with what the answering attempt was billed, when the request is billed.
   */
  async forward(request: ForwardRequest): Promise<BilledUsage | undefined> {
    const { accounts, sessions, maxAttempts } = this.#options;
    const started = performance.now();
    const deadline = started + this.#options.retryBudgetMs;
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
      // The accounts this request failed on: allocated at its first failure (most requests have none).
      let excluded: Set<string> | undefined;
      let lastFailure: string | undefined;

      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        if (clientGone) return;
        if (attempt > 1 && performance.now() >= deadline) break;
        let lease = accounts.acquire(affineId, excluded ?? noAccountExcluded);
        if (!lease) break;
        try {
          if (request.session && lease.account.id !== affineId) {
            lease = await this.#settleAffinity(request.session.id, lease, affineId, excluded ?? noAccountExcluded);
            affineId = lease.account.id;
          }
          const account = lease.account;
          if (request.session) accounts.bindSession(request.session.id, account);
          // The token this attempt is sent with: a 401 on it is judged against the token in use by then.
          const tokenSent = account.tokenSource?.accessToken;
          const firstEventMs = request.stream
            ? Math.max(1, Math.min(this.#firstEventBudgetMs, deadline - performance.now()))
            : undefined;
          const current = new UpstreamExchange({
            firstEventMs,
            idleMs: this.#idleMs,
            writeStallMs: this.#options.writeStallTimeoutMs,
          });
          exchange = current;
          if (clientGone) current.abort(clientGoneError());
          this.#dispatch(request, account, current, firstEventMs);
          const answer = await current.answer;

          if (answer.kind === 'failed') {
            const errorCode = describeFailure(answer.error);
            // A stream with no head within its first-event budget: undici's headers timeout was that budget.
            const end: AttemptEnd =
              firstEventMs !== undefined && errorCode === 'UND_ERR_HEADERS_TIMEOUT'
                ? { kind: 'first-event-timeout' }
                : {
                    kind: 'not-answered',
                    errorCode,
                    clientGone,
                    circuitOpen: answer.error instanceof CircuitOpenError,
                  };
            const settlement = this.#record(request, account, end, started, undefined, undefined);
            if (clientGone) return;
            lastFailure = settlement.error;
            request.log.warn({ account: account.id, attempt, error: lastFailure }, 'upstream request failed');
            excluded = excluding(excluded, account.id);
            continue;
          }

          const verdict = judgeUpstreamResponse(answer.statusCode, answer.headers, Date.now());
          accounts.observeAnswer(account, answer.statusCode, answer.headers);
          accounts.record(account, verdict);
          if (verdict.kind === 'credential-suspect') this.#probe(account, request.log, tokenSent);
          const canMove = () =>
            attempt < maxAttempts &&
            performance.now() < deadline &&
            accounts.choose(undefined, new Set([...(excluded ?? []), account.id])) !== undefined;

          if (movesToAnotherAccount(verdict)) {
            const wait = this.#shortWait(verdict, attempt, deadline);
            if (canMove() || wait !== undefined) {
              request.log.warn(
                { account: account.id, attempt, status: answer.statusCode },
                'moving to another account',
              );
              this.#recordRefused(account, answer.statusCode, started);
              await current.discard();
              lease.release();
              if (wait !== undefined && !canMove()) {
                // The last account left asked for a short pause: wait it out rather than fail the request.
                await sleep(wait);
              } else excluded = excluding(excluded, account.id);
              continue;
            }
          }

          if (answer.eventStream) {
            const opening = await current.opening();
            if (opening.kind !== 'event') {
              const end: AttemptEnd =
                opening.kind === 'error-event'
                  ? {
                      kind: 'answered',
                      statusCode: answer.statusCode,
                      end: 'error-event',
                      upstreamErrorType: opening.errorType,
                    }
                  : opening.end === 'first-event-timeout'
                    ? { kind: 'first-event-timeout' }
                    : opening.end === 'client-gone'
                      ? { kind: 'not-answered', errorCode: 'AbortError', clientGone: true }
                      : {
                          kind: 'answered',
                          statusCode: answer.statusCode,
                          end: opening.end,
                          errorCode: describeFailure(opening.error),
                        };
              const moving = !clientGone && canMove();
              // The last account's own error event reaches the client as it came (an APIError for the SDK).
              if (opening.kind !== 'error-event' || moving) {
                const settlement = this.#record(request, account, end, started, answer.statusCode, undefined);
                if (clientGone) return;
                lastFailure = settlement.error;
                request.log.warn(
                  { account: account.id, attempt, error: lastFailure },
                  'upstream stream failed before its first event',
                );
                if (opening.kind === 'error-event') await current.discard();
                excluded = excluding(excluded, account.id);
                if (moving) continue;
                throw new ApiError(502, 'api_error', `the upstream stream failed before it started (${lastFailure})`);
              }
            }
          }
          return await this.#commit(request, lease, answer, current, started);
        } finally {
          lease.release();
        }
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

  /** The pause before retrying the same account after a short `retry-after`, when that is allowed. */
  #shortWait(verdict: UpstreamVerdict, attempt: number, deadline: number): number | undefined {
    if (!isShortRetryAfter(verdict) || attempt >= this.#options.maxAttempts) return undefined;
    const wait = (verdict as { retryAfterMs: number }).retryAfterMs;
    return performance.now() + wait < deadline ? wait : undefined;
  }

  /**
   * Writes or adopts the session's affinity for the leased account; returns the lease of the account the
   * session ends up on (the given one, or a new lease on the account another instance claimed first).
   */
  async #settleAffinity(
    sessionId: string,
    lease: AccountLease,
    previousId: string | undefined,
    excluded: ReadonlySet<string>,
  ): Promise<AccountLease> {
    const { sessions, accounts } = this.#options;
    const account = lease.account;
    if (previousId !== undefined) {
      await sessions.moveAffinity(sessionId, account.id, previousId);
      return lease;
    }
    const winnerId = await sessions.claimAffinity(sessionId, account.id);
    if (winnerId === account.id) return lease;
    // Another instance claimed this new session first: adopt its account while it is usable.
    const winner = accounts.get(winnerId);
    const winnerLease = winner && !excluded.has(winner.id) ? accounts.acquireAccount(winner) : undefined;
    if (winnerLease) {
      lease.release();
      return winnerLease;
    }
    await sessions.moveAffinity(sessionId, account.id, winnerId);
    return lease;
  }

  /** Sends the request on the account's pooled dispatcher; the exchange learns the rest. */
  #dispatch(
    request: ForwardRequest,
    account: Account,
    exchange: UpstreamExchange,
    firstEventMs: number | undefined,
  ): void {
    try {
      // dispatch() with our own handler: no body stream, no URL parsed (origin and path given apart).
      this.#options.pool.get(this.#origin, { proxy: account.proxy }).dispatch(
        {
          origin: this.#origin,
          path: `${this.#basePath}${request.pathAndQuery}`,
          method: request.method,
          headers: upstreamRequestHeaders(request.headers, account),
          body: request.rawBody ?? null,
          // A stream's head must come within its first-event budget; its idle budget is the exchange's timer,
          // undici's body timeout stays behind it as a backstop.
          headersTimeout: firstEventMs ?? this.#options.headersTimeoutMs,
          bodyTimeout: request.stream ? this.#idleMs + 5_000 : this.#options.bodyTimeoutMs,
        },
        exchange,
      );
    } catch (error) {
      exchange.fail(error as Error);
    }
  }

  /** Writes the answer's head, relays its body, ends the client's response as the body ended, and records it. */
  async #commit(
    request: ForwardRequest,
    lease: AccountLease,
    answer: Answered,
    exchange: UpstreamExchange,
    started: number,
  ): Promise<BilledUsage | undefined> {
    const { response } = request;
    const account = lease.account;
    const timeToFirstByte = (performance.now() - started) / 1000;
    let result: Awaited<ReturnType<UpstreamExchange['relayTo']>>;
    try {
      const headers = clientResponseHeaders(answer.headers);
      // Anthropic always sends its request-id; an upstream that does not gets the relay's.
      headers['request-id'] ??= request.requestId;
      // A stream's length is unknown once the relay may end it with an error event of its own: chunked it is,
      // so that the end of the response is always seen.
      if (answer.eventStream) delete headers['content-length'];
      response.writeHead(answer.statusCode, headers);
      result = await exchange.relayTo(response);
    } catch (error) {
      exchange.abort(error as Error);
      throw error;
    }
    // The account's slot is free as soon as the upstream is done, not when the records are written.
    lease.release();

    const brokenMessage = brokenStreamMessages[result.end];
    if (result.end === 'complete' || result.end === 'error-event') response.end();
    else if (brokenMessage) {
      request.log.warn(
        { account: account.id, end: result.end, error: describeFailure(result.error) },
        'upstream stream broke off after the commit',
      );
      if (answer.eventStream && !response.destroyed) response.end(sseErrorEvent(brokenMessage));
      else response.destroy();
    } else if (result.end === 'client-stalled') {
      request.log.warn(
        {
          account: account.id,
          client: request.clientId ?? request.session?.apiKeyId,
          timeoutMs: this.#options.writeStallTimeoutMs,
        },
        'client stopped reading: upstream request given up',
      );
      response.destroy();
    }

    const end: AttemptEnd = {
      kind: 'answered',
      statusCode: answer.statusCode,
      end: result.end,
      ...(result.error ? { errorCode: describeFailure(result.error) } : {}),
      ...(exchange.upstreamErrorType ? { upstreamErrorType: exchange.upstreamErrorType } : {}),
    };
    const usage = exchange.usage;
    this.#record(request, account, end, started, answer.statusCode, timeToFirstByte, usage, true);
    return this.#bill(request, account, answer.statusCode, result.end, usage);
  }

  /** Bills the answering attempt (the only one billed: failed attempts cost nothing), with the tokens it carried. */
  #bill(
    request: ForwardRequest,
    account: Account,
    statusCode: number,
    bodyEnd: BodyEnd,
    usage: TokenUsage,
  ): BilledUsage | undefined {
    const billing = billingOf(statusCode, bodyEnd);
    if (!request.billing || billing === undefined) return undefined;
    try {
      return this.#options.billing.bill({
        clientId: request.billing.clientId,
        accountId: account.id,
        model: billedModel(usage.model, request.billing.requestModel),
        usage,
        incomplete: billing === 'incomplete',
      });
    } catch (error) {
      // Only a ledger closed by shutdown under a forced close gets here: the client has its answer regardless.
      request.log.warn({ error: (error as Error).message }, 'could not bill the request');
      return undefined;
    }
  }

  /**
   * Settles an attempt and sends the settlement to the account (a failure that is the account's), the
   * metrics, and — for the attempt that answered the client — the session.
   */
  #record(
    request: ForwardRequest,
    account: Account,
    end: AttemptEnd,
    started: number,
    statusCode: number | undefined,
    timeToFirstByteSeconds: number | undefined,
    tokens?: TokenUsage,
    final = false,
  ): Settlement {
    const settlement = settle(end);
    const { accounts, metrics } = this.#options;
    if (settlement.accountFailure) {
      // No head at all is the route's failure too: counted, and left to the pool's breaker, as a reset is.
      if (end.kind === 'not-answered' || statusCode === undefined) accounts.recordConnectionFailure(account);
      else accounts.recordBrokenAnswer(account, { backOff: end.kind === 'first-event-timeout' });
    }
    const durationSeconds = (performance.now() - started) / 1000;
    metrics.recordUpstreamRequest({
      accountId: account.id,
      origin: this.#origin,
      ...(statusCode !== undefined ? { statusCode } : {}),
      outcome: settlement.outcome,
      ...(timeToFirstByteSeconds !== undefined ? { timeToFirstByteSeconds } : {}),
      durationSeconds,
    });
    if (tokens) metrics.recordTokens({ accountId: account.id, ...tokens });
    if (final && request.session && tokens) {
      // Not awaited: the client has its answer; a store failure is logged, never the client's problem.
      this.#options.sessions
        .recordRequest(request.session.id, {
          ok: settlement.ok,
          status: statusCode ?? 0,
          accountId: account.id,
          tokens,
          latencyMs: durationSeconds * 1000,
          ...(settlement.error ? { error: settlement.error } : {}),
        })
        .catch((recordError: Error) =>
          request.log.warn({ error: recordError.message }, 'could not record the request'),
        );
    }
    return settlement;
  }

  /** Counts an answer that was not passed on because another account takes the request. */
  #recordRefused(account: Account, statusCode: number, started: number): void {
    this.#options.metrics.recordUpstreamRequest({
      accountId: account.id,
      origin: this.#origin,
      statusCode,
      outcome: 'http_error',
      durationSeconds: (performance.now() - started) / 1000,
    });
  }

  /**
   * After a 401, asks the API with the same credential through the same route whether it is really bad
   * (`GET /v1/models`, which costs no tokens); only a second 401 disables the account. One probe per account
   * at a time.
   */
  #probe(account: Account, log: ForwardRequest['log'], tokenSent: string | undefined): void {
    if (this.#probing.has(account.id)) return;
    this.#probing.add(account.id);
    // An OAuth token may just have expired: refresh it (once, across instances) and probe with the new one.
    const renewed =
      account.tokenSource?.onUnauthorized && tokenSent !== undefined
        ? account.tokenSource.onUnauthorized(tokenSent).catch(() => false)
        : Promise.resolve(false);
    renewed
      .then(() =>
        this.#options.pool.get(this.#origin, { proxy: account.proxy }).request({
          origin: this.#origin,
          path: `${this.#basePath}${probePath}`,
          method: 'GET',
          headers: upstreamRequestHeaders({ 'anthropic-version': '2023-06-01' }, account),
          headersTimeout: this.#firstEventBudgetMs,
          bodyTimeout: this.#firstEventBudgetMs,
        }),
      )
      .then(async (response) => {
        await response.body.dump();
        if (response.statusCode === 401) {
          this.#options.accounts.disableForCredential(account);
          log.warn({ account: account.id }, 'account disabled: the probe confirmed its credential is rejected');
        } else {
          log.info({ account: account.id, status: response.statusCode }, 'a 401 was not confirmed by the probe');
        }
      })
      .catch((error: Error) =>
        log.warn({ account: account.id, error: describeFailure(error) }, 'could not probe the credential'),
      )
      .finally(() => this.#probing.delete(account.id));
  }
}

/** The reason an upstream request is cancelled with when its client closed the connection. */
function clientGoneError(): Error {
  const error = new Error('the client closed the connection');
  error.name = 'AbortError';
  return error;
}

/** The metrics outcome of an attempt that failed with this error. */
export function failureOutcome(error: Error | undefined): UpstreamOutcome {
  if (error instanceof CircuitOpenError) return 'rejected';
  return outcomeOfCode(describeFailure(error));
}

/** A short description of a failed upstream attempt: its error code, never a URL with credentials. */
function describeFailure(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
