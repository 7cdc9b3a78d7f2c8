import type { AlertDirection, AlertName, ThresholdDefinition } from './thresholds.js';

/** A firing alert, as listed by `alerts()` and carried by the `alert-fired` / `alert-resolved` events. */
export interface Alert {
  readonly name: AlertName;
  readonly direction: AlertDirection;
  /** The threshold it crossed. */
  readonly limit: number;
  /** The window's value at the evaluation that fired (or, for `alert-resolved`, resolved) it. */
  readonly value: number | undefined;
  /** When it fired (ms since the epoch). */
  readonly firedAt: number;
  /** When it resolved (ms since the epoch); only on `alert-resolved`. */
  readonly resolvedAt?: number;
}

/** What one evaluation changed: the alert fired, or it resolved. */
export interface AlertTransition {
  readonly kind: 'fired' | 'resolved';
  readonly alert: Alert;
}

/**
 * One threshold's state machine. It fires after `fireAfter` consecutive evaluations past the limit and
 * resolves only after `resolveAfter` consecutive evaluations back past `limit ∓ resolveMargin` (or
 * without enough data to judge), so that a value hovering at the limit does not flap.
 */
export class AlertRule {
  readonly definition: ThresholdDefinition;
  #firedAt: number | undefined;
  #lastValue: number | undefined;
  #pastLimitStreak = 0;
  #recoveredStreak = 0;

  constructor(definition: ThresholdDefinition) {
    this.definition = definition;
  }

  /** Feeds one evaluation's value (`undefined`: not enough data in the window); returns the transition. */
  evaluate(value: number | undefined, now: number): AlertTransition | undefined {
    this.#lastValue = value;
    const { direction, limit, resolveMargin } = this.definition;
    const pastLimit = value !== undefined && (direction === 'above' ? value > limit : value < limit);
    const recovered =
      value === undefined || (direction === 'above' ? value <= limit - resolveMargin : value >= limit + resolveMargin);

    this.#pastLimitStreak = pastLimit ? this.#pastLimitStreak + 1 : 0;
    this.#recoveredStreak = recovered ? this.#recoveredStreak + 1 : 0;

    if (this.#firedAt === undefined && this.#pastLimitStreak >= this.definition.fireAfter) {
      this.#firedAt = now;
      this.#recoveredStreak = 0;
      return { kind: 'fired', alert: this.#describe(now) };
    }
    if (this.#firedAt !== undefined && this.#recoveredStreak >= this.definition.resolveAfter) {
      const alert = { ...this.#describe(this.#firedAt), resolvedAt: now };
      this.#firedAt = undefined;
      this.#pastLimitStreak = 0;
      return { kind: 'resolved', alert };
    }
    return undefined;
  }

  /** Whether the alert is firing. */
  get firing(): boolean {
    return this.#firedAt !== undefined;
  }

  /** The alert while it fires, else undefined. */
  current(): Alert | undefined {
    return this.#firedAt === undefined ? undefined : this.#describe(this.#firedAt);
  }

  #describe(firedAt: number): Alert {
    const { name, direction, limit } = this.definition;
    return { name, direction, limit, value: this.#lastValue, firedAt };
  }
}
