import {
  anthropicErrorBody,
  anthropicErrorStatuses,
  defaultErrorMessage,
  errorTypeForStatus,
} from './anthropic-error.js';
import type { Fault } from './fault.js';
import { nextMessageId } from './identifiers.js';
import { MessageComposer } from './message-composer.js';
import { defaultModel, listModelsPage, type ModelInfo, modelCatalog } from './model-catalog.js';
import type { ResolvedMockAnthropicOptions } from './options.js';
import { RateLimitWindow } from './rate-limit-window.js';
import type { ReceivedRequest } from './request-recorder.js';
import type { ResponsePlan } from './response-plan.js';
import { formatServerSentEvent } from './server-sent-events.js';
import { estimateTokens } from './token-estimate.js';

/** How the body of a request arrived. */
export type BodyState = 'parsed' | 'invalid-json' | 'too-large';

const jsonType = 'application/json';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A content_block_delta whose JSON was cut off, as a broken intermediary leaves it.
const defaultMalformedEvent =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n';

function whole(body: string): () => string[] {
  return () => [body];
}

function halves(body: string): () => string[] {
  const middle = Math.floor(body.length / 2);
  return () => [body.slice(0, middle), body.slice(middle)];
}

/**
 * Decides what the mock answers to a received request: the API's routes and validation, the
 * success responses, and how a scripted fault changes them.
 */
export class ResponsePlanner {
  readonly #options: ResolvedMockAnthropicOptions;
  readonly #composer: MessageComposer;
  readonly #rateLimits = new RateLimitWindow();
  readonly #catalog: readonly ModelInfo[];

  constructor(options: ResolvedMockAnthropicOptions) {
    this.#options = options;
    this.#composer = new MessageComposer(options);
    this.#catalog = modelCatalog(options.model ?? defaultModel);
  }

  /** The plan for `request`, given how its body arrived and the fault scripted for it. */
  plan(request: ReceivedRequest, bodyState: BodyState, fault: Fault | undefined): ResponsePlan {
    if (fault !== undefined) {
      switch (fault.kind) {
        case 'status':
          return this.#statusFault(
            request,
            fault.status,
            fault.errorType,
            fault.message,
            fault.retryAfterSeconds,
            fault.headers,
          );
        case 'overloaded':
          return this.#statusFault(request, 529, 'overloaded_error', fault.message, undefined, fault.headers);
        case 'reset-before-headers':
          return { ...this.#error(request, 500, 'api_error'), cut: { after: -1, action: 'reset' } };
        case 'stall':
          if (fault.afterEvents === undefined) {
            return { ...this.#error(request, 500, 'api_error'), cut: { after: -1, action: 'stall' } };
          }
          break;
      }
    }
    const plan = this.#route(request, bodyState);
    if (fault === undefined) return plan;
    return this.#cutShort(request, plan, fault);
  }

  #route(request: ReceivedRequest, bodyState: BodyState): ResponsePlan {
    const { method, path } = request;
    if (path === '/' && method === 'HEAD') return this.#empty(request, 200);
    if (!path.startsWith('/v1/')) return this.#error(request, 404, 'not_found_error', 'Not found');
    if (bodyState === 'too-large') return this.#error(request, 413, 'request_too_large');
    if (request.apiKey === undefined) {
      return this.#error(request, 401, 'authentication_error', 'x-api-key header is required');
    }
    if (this.#options.apiKeys !== undefined && !this.#options.apiKeys.has(request.apiKey)) {
      return this.#error(request, 401, 'authentication_error', 'invalid x-api-key');
    }
    if (request.headers['anthropic-version'] === undefined) {
      return this.#error(request, 400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    if (method === 'POST' && (path === '/v1/messages' || path === '/v1/messages/count_tokens')) {
      if (bodyState === 'invalid-json' || request.body.length === 0) {
        return this.#error(
          request,
          400,
          'invalid_request_error',
          'There was an error parsing the body of your request',
        );
      }
      const invalid = this.#invalidMessageBody(request.json, path === '/v1/messages');
      if (invalid !== undefined) return this.#error(request, 400, 'invalid_request_error', invalid);
      const body = request.json as Record<string, unknown>;
      if (path === '/v1/messages/count_tokens') {
        return this.#json(request, 200, { input_tokens: estimateTokens(request.body.length) });
      }
      return body.stream === true ? this.#stream(request, body) : this.#message(request, body);
    }
    if (method === 'GET' && path === '/v1/models') {
      const page = listModelsPage(this.#catalog, request.query);
      if (typeof page === 'string') return this.#error(request, 400, 'invalid_request_error', page);
      return this.#json(request, 200, page);
    }
    if (method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      const model = this.#catalog.find((entry) => entry.id === id);
      if (model === undefined) return this.#error(request, 404, 'not_found_error', `model: ${id}`);
      return this.#json(request, 200, model);
    }
    return this.#error(request, 404, 'not_found_error', 'Not found');
  }

  #invalidMessageBody(json: unknown, requireMaxTokens: boolean): string | undefined {
    if (!isObject(json)) return 'Input should be a valid dictionary';
    if (json.model === undefined) return 'model: Field required';
    if (typeof json.model !== 'string') return 'model: Input should be a valid string';
    if (json.messages === undefined) return 'messages: Field required';
    if (!Array.isArray(json.messages)) return 'messages: Input should be a valid list';
    if (json.messages.length === 0) return 'messages: at least one message is required';
    if (!requireMaxTokens) return undefined;
    if (json.max_tokens === undefined) return 'max_tokens: Field required';
    if (!Number.isInteger(json.max_tokens) || (json.max_tokens as number) < 1) {
      return 'max_tokens: Input should be a valid integer greater than or equal to 1';
    }
    if (json.stream !== undefined && typeof json.stream !== 'boolean') return 'stream: Input should be a valid boolean';
    return undefined;
  }

  #message(request: ReceivedRequest, body: Record<string, unknown>): ResponsePlan {
    const context = { body, apiKey: request.apiKey, headers: request.headers };
    const composed = this.#composer.compose(context);
    const planned = this.#composer.plannedUsage(context, estimateTokens(request.body.length), composed);
    this.#rateLimits.record(planned.inputTokens, planned.outputTokens);
    const model = this.#options.model ?? (body.model as string);
    const message = this.#composer.message(nextMessageId(), model, planned, composed);
    return this.#json(request, 200, message, this.#rateLimits.headers());
  }

  #stream(request: ReceivedRequest, body: Record<string, unknown>): ResponsePlan {
    const context = { body, apiKey: request.apiKey, headers: request.headers };
    const composed = this.#composer.compose(context);
    const planned = this.#composer.plannedUsage(context, estimateTokens(request.body.length), composed);
    this.#rateLimits.record(planned.inputTokens, planned.outputTokens);
    const model = this.#options.model ?? (body.model as string);
    const start = this.#composer.messageStartEvent(nextMessageId(), model, planned);
    const after = this.#composer.eventsAfterStart(composed, planned);
    const headers = this.#rateLimits.headers();
    headers['request-id'] = request.id;
    headers['content-type'] = 'text/event-stream; charset=utf-8';
    headers['cache-control'] = 'no-cache';
    return {
      status: 200,
      headers,
      parts: () => [start, ...after],
      joined: start + (after === composed.eventsAfterStart ? composed.joinedEventsAfterStart : after.join('')),
      cut: undefined,
    };
  }

  #cutShort(request: ReceivedRequest, plan: ResponsePlan, fault: Fault): ResponsePlan {
    const streaming = plan.headers['content-type']?.startsWith('text/event-stream') === true;
    if ('headers' in fault && fault.headers !== undefined && plan.status < 400) {
      plan = { ...plan, headers: { ...plan.headers, ...fault.headers } };
    }
    if (fault.kind === 'slow-first-event') return { ...plan, firstPartDelayMs: fault.delayMs };
    if (fault.kind === 'truncate') {
      if (!streaming) {
        const half = plan.joined.slice(0, Math.floor(plan.joined.length / 2));
        const { 'content-length': _length, ...headers } = plan.headers;
        return { ...plan, headers, parts: whole(half), joined: half };
      }
      const parts = plan.parts().slice(0, fault.afterEvents);
      return { ...plan, parts: () => parts, joined: parts.join('') };
    }
    if (fault.kind === 'malformed-event') {
      if (!streaming) return plan;
      const all = plan.parts();
      const parts = [
        ...all.slice(0, fault.afterEvents),
        fault.data ?? defaultMalformedEvent,
        ...all.slice(fault.afterEvents),
      ];
      return { ...plan, parts: () => parts, joined: parts.join('') };
    }
    if (fault.kind === 'stream-error') {
      const errorType = fault.errorType ?? 'overloaded_error';
      const message = fault.message ?? defaultErrorMessage(errorType);
      if (!streaming) {
        return this.#error(
          request,
          anthropicErrorStatuses[errorType as keyof typeof anthropicErrorStatuses],
          errorType,
          message,
        );
      }
      const parts = plan.parts().slice(0, fault.afterEvents);
      parts.push(formatServerSentEvent('error', anthropicErrorBody(errorType, message, request.id)));
      return { ...plan, parts: () => parts, joined: parts.join('') };
    }
    if (fault.kind !== 'reset-mid-stream' && fault.kind !== 'stall') return plan;
    const action = fault.kind === 'stall' ? 'stall' : 'reset';
    const afterEvents = fault.afterEvents ?? 0;
    if (streaming) return { ...plan, cut: { after: afterEvents, action } };
    return { ...plan, parts: halves(plan.joined), cut: { after: Math.min(afterEvents, 1), action } };
  }

  #statusFault(
    request: ReceivedRequest,
    status: number,
    errorType: string | undefined,
    message: string | undefined,
    retryAfterSeconds: number | undefined,
    headers: Record<string, string> | undefined,
  ): ResponsePlan {
    const type = errorType ?? errorTypeForStatus(status);
    const extra =
      status === 429 || retryAfterSeconds !== undefined ? this.#rateLimits.exhaustedHeaders(retryAfterSeconds) : {};
    return this.#error(request, status, type, message, { ...extra, ...headers });
  }

  #error(
    request: ReceivedRequest,
    status: number,
    type: string,
    message = defaultErrorMessage(type),
    headers: Record<string, string> = {},
  ): ResponsePlan {
    return this.#json(request, status, anthropicErrorBody(type, message, request.id), headers);
  }

  #json(request: ReceivedRequest, status: number, value: unknown, headers: Record<string, string> = {}): ResponsePlan {
    const body = request.method === 'HEAD' ? '' : JSON.stringify(value);
    headers['request-id'] = request.id;
    headers['content-type'] = jsonType;
    headers['content-length'] = String(Buffer.byteLength(body));
    return { status, headers, parts: whole(body), joined: body, cut: undefined };
  }

  #empty(request: ReceivedRequest, status: number): ResponsePlan {
    return { status, headers: { 'request-id': request.id }, parts: whole(''), joined: '', cut: undefined };
  }
}
