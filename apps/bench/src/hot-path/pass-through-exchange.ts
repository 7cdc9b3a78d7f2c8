import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { SseUsageReader } from '@relay/server/hot-path';

interface Controller {
  pause(): void;
  resume(): void;
}

/**
 * The bench's reference for a stream relayed without commit-late (issue #12), in the shape the relay's exchange
 * had before it (main at 378e922, `upstream/upstream-exchange.ts`): the answer resolves at the head, chunks
 * that come before `relayTo` are held (the upstream paused), then each chunk is written as it comes, usage read
 * on the side. No first-event or idle timer, no event shape check, no opening to wait for.
 */
export class PassThroughExchange {
  readonly answer: Promise<{ statusCode: number; headers: IncomingHttpHeaders }>;
  readonly reader = new SseUsageReader();
  #answered: ((answer: { statusCode: number; headers: IncomingHttpHeaders }) => void) | undefined;
  #controller: Controller | undefined;
  #held: Buffer[] | undefined;
  #response: ServerResponse | undefined;
  #ended = false;
  #onEnd: (() => void) | undefined;

  constructor() {
    this.answer = new Promise((resolve) => {
      this.#answered = resolve;
    });
  }

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
  }

  onResponseStart(_controller: Controller, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#answered?.({ statusCode, headers });
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    if (this.#response) {
      this.reader.push(chunk);
      this.#response.write(chunk);
      return;
    }
    this.#held ??= [];
    this.#held.push(chunk);
    controller.pause();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#onEnd?.();
  }

  relayTo(response: ServerResponse): Promise<void> {
    this.#response = response;
    for (const chunk of this.#held ?? []) {
      this.reader.push(chunk);
      response.write(chunk);
    }
    this.#held = undefined;
    return new Promise((resolve) => {
      if (this.#ended) resolve();
      else {
        this.#onEnd = resolve;
        this.#controller?.resume();
      }
    });
  }
}
