import { EventEmitter } from 'node:events';

/** An EventEmitter whose events each carry one typed payload (no `error` event, so nothing throws). */
export class TypedEventEmitter<Events extends object> {
  readonly #emitter = new EventEmitter();

  /** Calls `listener` with each payload of `event`. */
  on<Name extends keyof Events & string>(event: Name, listener: (payload: Events[Name]) => void): this {
    this.#emitter.on(event, listener);
    return this;
  }

  /** Calls `listener` with the next payload of `event` only. */
  once<Name extends keyof Events & string>(event: Name, listener: (payload: Events[Name]) => void): this {
    this.#emitter.once(event, listener);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<Name extends keyof Events & string>(event: Name, listener: (payload: Events[Name]) => void): this {
    this.#emitter.off(event, listener);
    return this;
  }

  /** How many listeners `event` has (lets a hot path skip building a payload nobody reads). */
  listenerCount(event: keyof Events & string): number {
    return this.#emitter.listenerCount(event);
  }

  protected emit<Name extends keyof Events & string>(event: Name, payload: Events[Name]): void {
    this.#emitter.emit(event, payload);
  }
}
