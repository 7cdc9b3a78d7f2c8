import type { ServerResponse } from 'node:http';
import {
  AuthenticationBackoff,
  ClientBodyBudget,
  ClientSessionCap,
  clientResponseHeaders,
  identifySession,
  isWellFormedEvent,
  SseEventFramer,
  SseUsageReader,
  scanBody,
  scopedSessionId,
  UpstreamExchange,
  upstreamRequestHeaders,
} from '@relay/server/hot-path';
import { claudeCodeRequest, shortPrompt } from '../relay/bench-request.js';
import { IdleController, OpenResponse } from './idle-dispatch.js';
import { mockAnswers } from './mock-answers.js';
import { sessionFromParsedBody } from './parsed-session.js';
import { PassThroughExchange } from './pass-through-exchange.js';

/** One step of a request, measured alone: calls per round, and the step it replaced (its baseline), if any. */
export interface Step {
  name: string;
  run: () => unknown;
  iterations: number;
  baseline?: string;
}

/** The steps one issue added to every request. */
export interface IssueSteps {
  issue: string;
  steps: Step[];
}

/** The relay's defaults (config-schema.ts): the budgets an exchange arms its one timer with. */
export const streamTimeouts = { firstEventMs: 15_000, idleMs: 75_000, writeStallMs: 60_000 };

const client = 'bench';
const noop = () => {};

/** The steps of issues #11 and #12 on the hot path, on the relay scenario's requests and the mock's answers. */
export async function hotPathSteps(): Promise<IssueSteps[]> {
  const { json, jsonHeaders, events } = await mockAnswers();
  const short = Buffer.from(shortPrompt.body(true));
  const claudeCode = claudeCodeRequest();
  const claudeCodeBody = Buffer.from(claudeCode.body(true));
  const sessionHeader = claudeCode.headers['x-claude-code-session-id'];
  const clientHeaders = {
    host: '127.0.0.1:8080',
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-api-key': 'relay-bench-client-key-000000000001',
    'content-length': String(claudeCodeBody.length),
    ...claudeCode.headers,
  };
  const account = {
    credentialHeaders: { 'x-api-key': 'sk-ant-bench-upstream' },
    usesOAuth: false,
  } as unknown as Parameters<typeof upstreamRequestHeaders>[1];
  // The relay's defaults: limits.clientBodyBytes, sessions.maxPerClient, limits.authFailures.
  const budget = new ClientBodyBudget(64 * 1024 * 1024);
  const cap = new ClientSessionCap(1_000, 3_600_000, noop);
  const backoff = new AuthenticationBackoff({
    maxFailures: 20,
    windowMs: 60_000,
    maxAddresses: 10_000,
    exemptAddresses: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
  });
  const eventStream = { 'content-type': 'text/event-stream; charset=utf-8' };
  const first = events[0] as Buffer;
  const rest = events.slice(1);

  // A stream as the forwarder drives it: head, first event, commit (`relayTo`), the other events, end.
  const relayStream = async () => {
    const exchange = new UpstreamExchange(streamTimeouts);
    const controller = new IdleController() as never;
    exchange.onRequestStart(controller);
    exchange.onResponseStart(controller, 200, eventStream);
    await exchange.answer;
    exchange.onResponseData(controller, first);
    await exchange.opening();
    const relayed = exchange.relayTo(new OpenResponse() as unknown as ServerResponse);
    for (const event of rest) exchange.onResponseData(controller, event);
    exchange.onResponseEnd();
    await relayed;
    return exchange.usage.output;
  };
  const passStream = async () => {
    const exchange = new PassThroughExchange();
    const controller = new IdleController();
    exchange.onRequestStart(controller);
    exchange.onResponseStart(controller, 200, eventStream);
    await exchange.answer;
    exchange.onResponseData(controller, first);
    const relayed = exchange.relayTo(new OpenResponse() as unknown as ServerResponse);
    for (const event of rest) exchange.onResponseData(controller, event);
    exchange.onResponseEnd();
    await relayed;
    return exchange.reader.usage.output;
  };
  const relayJson = async () => {
    const exchange = new UpstreamExchange({ ...streamTimeouts, firstEventMs: undefined });
    const controller = new IdleController() as never;
    exchange.onRequestStart(controller);
    exchange.onResponseStart(controller, 200, { 'content-type': 'application/json' });
    exchange.onResponseData(controller, json);
    exchange.onResponseEnd();
    await exchange.answer;
    await exchange.relayTo(new OpenResponse() as unknown as ServerResponse);
    return exchange.usage.output;
  };

  const parsedShort = 'short prompt: JSON.parse + session id from the document (before #11)';
  const parsedClaudeCode = `${claudeCode.name}: JSON.parse + session id from the document (before #11)`;
  const usageAlone = `stream of ${events.length} events: framing + usage, SseUsageReader.push (before #12)`;
  const passThrough = `a stream relayed without commit-late: held until the head is written, then passed on (before #12)`;
  return [
    {
      issue: '#11',
      steps: [
        { name: parsedShort, run: () => sessionFromParsedBody(short, undefined, client), iterations: 100_000 },
        {
          name: 'short prompt: body scan + session id (prompt hash, scoped to the client)',
          run: () => identifySession(undefined, { raw: short, fields: scanBody(short) }, client).id,
          iterations: 100_000,
          baseline: parsedShort,
        },
        {
          name: parsedClaudeCode,
          run: () => sessionFromParsedBody(claudeCodeBody, sessionHeader, client),
          iterations: 300,
        },
        {
          name: `${claudeCode.name}: body scan + session id (header, scoped to the client)`,
          run: () =>
            identifySession(sessionHeader, { raw: claudeCodeBody, fields: scanBody(claudeCodeBody) }, client).id,
          iterations: 300,
          baseline: parsedClaudeCode,
        },
        {
          name: 'body-bytes budget: lease, take the body, give it back',
          run: () => {
            const lease = budget.lease(client);
            lease.add(claudeCodeBody.length);
            lease.release();
          },
          iterations: 500_000,
        },
        {
          name: 'per-client session cap: touch a known session (scoped id)',
          run: () => cap.touch(client, scopedSessionId(client, sessionHeader as string)),
          iterations: 500_000,
        },
        {
          name: 'failed-authentication back-off: check an address with no failures',
          run: () => backoff.check('203.0.113.7'),
          iterations: 500_000,
        },
        {
          name: 'upstream request headers: the allow-list (Claude Code headers)',
          run: () => upstreamRequestHeaders(clientHeaders, account),
          iterations: 200_000,
        },
        {
          name: 'client response headers: hop-by-hop and Connection-listed names dropped',
          run: () => clientResponseHeaders(jsonHeaders),
          iterations: 200_000,
        },
      ],
    },
    {
      issue: '#12',
      steps: [
        {
          name: usageAlone,
          run: () => {
            const reader = new SseUsageReader();
            for (const event of events) reader.push(event);
            return reader.usage.output;
          },
          iterations: 20_000,
        },
        {
          name: `stream of ${events.length} events: framing + event shape check + usage (the exchange's sink)`,
          run: () => {
            const reader = new SseUsageReader();
            const framer = new SseEventFramer((buffer, start, end, firstLineEnd) => {
              if (!isWellFormedEvent(buffer, start, end, firstLineEnd)) return false;
              reader.readEvent(buffer, start, end);
              return true;
            });
            for (const event of events) framer.push(event);
            return reader.usage.output;
          },
          iterations: 20_000,
          baseline: usageAlone,
        },
        {
          name: "the exchange's one timer: armed at the head, cleared at the end",
          run: () => clearTimeout(setTimeout(noop, streamTimeouts.firstEventMs)),
          iterations: 500_000,
        },
        { name: passThrough, run: passStream, iterations: 10_000 },
        {
          name: `a stream through UpstreamExchange: head, first event, commit, ${rest.length} more, end`,
          run: relayStream,
          iterations: 10_000,
          baseline: passThrough,
        },
        {
          name: 'a JSON answer through UpstreamExchange (no stream, for comparison)',
          run: relayJson,
          iterations: 10_000,
        },
      ],
    },
  ];
}
