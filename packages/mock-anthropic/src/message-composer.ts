import { defaultMockDeltas, splitIntoDeltas } from './mock-text.js';
import {
  type MessageRequestContext,
  type MockUsage,
  type ResolvedMockAnthropicOptions,
  validMockUsage,
} from './options.js';
import { formatServerSentEvent } from './server-sent-events.js';
import { estimateTokens } from './token-estimate.js';

/** `usage` of a message, as the mock reports it. */
export interface MessageUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Only when the `usage` option gave a breakdown of the cache writes by time to live. */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/** What one message reports: its token counts (estimates, or the `usage` option's) and the cache fields. */
export interface PlannedUsage {
  inputTokens: number;
  outputTokens: number;
  /** The `usage` option's fields for this request, if any. */
  extra: MockUsage | undefined;
}

/** A non-streaming response of `POST /v1/messages`. */
export interface MessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: { type: 'text'; text: string }[];
  stop_reason: 'end_turn';
  stop_sequence: null;
  usage: MessageUsage;
}

/** The assistant's text for one request, with the parts of its stream that do not depend on the request. */
export interface ComposedText {
  text: string;
  outputTokens: number;
  /** Every event after `message_start`, serialised: block start, ping, the deltas, block stop, message delta and stop. */
  eventsAfterStart: string[];
  /** `eventsAfterStart` joined, for streams written in one go. */
  joinedEventsAfterStart: string;
}

/** Builds the messages and SSE streams the mock answers with; the part that does not vary is built once. */
export class MessageComposer {
  readonly #options: ResolvedMockAnthropicOptions;
  #lastComposed: ComposedText | undefined;

  constructor(options: ResolvedMockAnthropicOptions) {
    this.#options = options;
  }

  /** The text for `request`, with its stream parts; reused while the text does not change. */
  compose(request: MessageRequestContext): ComposedText {
    const option = this.#options.text;
    const last = this.#lastComposed;
    if (option === undefined) {
      if (last !== undefined) return last;
      const pieces = defaultMockDeltas(this.#options.deltas);
      return this.#composeFrom(pieces.join(''), pieces);
    }
    const text = typeof option === 'function' ? String(option(request)) : option;
    if (last !== undefined && last.text === text) return last;
    return this.#composeFrom(text, splitIntoDeltas(text, this.#options.deltas));
  }

  #composeFrom(text: string, pieces: string[]): ComposedText {
    const outputTokens = estimateTokens(Buffer.byteLength(text));
    const eventsAfterStart = [
      formatServerSentEvent('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
      formatServerSentEvent('ping', { type: 'ping' }),
      ...pieces.map((piece) =>
        formatServerSentEvent('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: piece },
        }),
      ),
      formatServerSentEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
      formatServerSentEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: outputTokens },
      }),
      formatServerSentEvent('message_stop', { type: 'message_stop' }),
    ];
    const composed = { text, outputTokens, eventsAfterStart, joinedEventsAfterStart: eventsAfterStart.join('') };
    this.#lastComposed = composed;
    return composed;
  }

  /** The token counts of `request` (answered with `composed`): the estimates, or what the `usage` option says. */
  plannedUsage(request: MessageRequestContext, estimatedInputTokens: number, composed: ComposedText): PlannedUsage {
    const option = this.#options.usage;
    const extra =
      option === undefined ? undefined : typeof option === 'function' ? validMockUsage(option(request)) : option;
    return {
      inputTokens: extra?.input_tokens ?? estimatedInputTokens,
      outputTokens: extra?.output_tokens ?? composed.outputTokens,
      extra,
    };
  }

  /** `usage` for a request of `inputTokens` answered with `outputTokens`. */
  usage(inputTokens: number, outputTokens: number, extra?: MockUsage): MessageUsage {
    const breakdown = extra?.cache_creation;
    const cacheCreation =
      extra?.cache_creation_input_tokens ??
      (breakdown
        ? breakdown.ephemeral_5m_input_tokens + breakdown.ephemeral_1h_input_tokens
        : this.#options.cacheCreationInputTokens);
    return {
      input_tokens: inputTokens,
      cache_creation_input_tokens: cacheCreation,
      cache_read_input_tokens: extra?.cache_read_input_tokens ?? this.#options.cacheReadInputTokens,
      ...(breakdown
        ? {
            cache_creation: {
              ephemeral_5m_input_tokens: breakdown.ephemeral_5m_input_tokens,
              ephemeral_1h_input_tokens: breakdown.ephemeral_1h_input_tokens,
            },
          }
        : {}),
      output_tokens: outputTokens,
      service_tier: 'standard',
    };
  }

  /** The non-streaming message. */
  message(id: string, model: string, planned: PlannedUsage, composed: ComposedText): MessageResponse {
    return {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: composed.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: this.usage(planned.inputTokens, planned.outputTokens, planned.extra),
    };
  }

  /** The events after `message_start`, with the final `output_tokens` of `planned` in `message_delta`. */
  eventsAfterStart(composed: ComposedText, planned: PlannedUsage): string[] {
    if (planned.outputTokens === composed.outputTokens) return composed.eventsAfterStart;
    const events = [...composed.eventsAfterStart];
    events[events.length - 2] = formatServerSentEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: planned.outputTokens },
    });
    return events;
  }

  /** The `message_start` event of a stream (output_tokens 1, as the API reports before generating). */
  messageStartEvent(id: string, model: string, planned: PlannedUsage): string {
    return formatServerSentEvent('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: this.usage(planned.inputTokens, 1, planned.extra),
      },
    });
  }
}
