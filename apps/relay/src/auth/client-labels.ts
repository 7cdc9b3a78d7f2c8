import type { Client } from './client-registry.js';

/** What the label allow-list needs of a client: its id, and whether the config file holds it. */
export type LabelledClient = Pick<Client, 'id' | 'source'>;

/** The client ids the per-key metrics name so far, and how many of them are keys made at runtime. */
export interface ClientLabelState {
  readonly named: ReadonlySet<string>;
  readonly runtimeNamed: number;
}

/**
 * The ids of `added` the metrics name from now on: every config key's (the config bounds them), and a key made
 * at runtime's (`store`, `state`) while fewer than `maxRuntimeLabels` runtime ids are named. An id once named
 * stays, so a removed key's requests still in flight, or a re-created one, cost nothing more. `leftOut`: the
 * runtime ids that found the bound reached (they are counted as `other`).
 */
export function labelsToAdd(
  state: ClientLabelState,
  added: readonly LabelledClient[],
  maxRuntimeLabels: number,
): { ids: string[]; runtimeNamed: number; leftOut: string[] } {
  const ids: string[] = [];
  const leftOut: string[] = [];
  const taken = new Set<string>();
  let runtimeNamed = state.runtimeNamed;
  for (const client of added) {
    if (state.named.has(client.id) || taken.has(client.id)) continue;
    const configured = (client.source ?? 'config') === 'config';
    if (!configured) {
      if (runtimeNamed >= maxRuntimeLabels) {
        leftOut.push(client.id);
        continue;
      }
      runtimeNamed += 1;
    }
    taken.add(client.id);
    ids.push(client.id);
  }
  return { ids, runtimeNamed, leftOut };
}

export interface ClientLabelsOptions {
  /** Most ids of keys made at runtime the metrics name (config keys are not counted). */
  maxRuntimeLabels: number;
  /** Makes `ids` the metrics' allow-list of the `client` label. */
  allow(ids: readonly string[]): void;
  /** The first key made at runtime that found the bound reached (it and later ones are counted as `other`). */
  onFull?(id: string): void;
}

/**
 * The allow-list of the metrics' `client` label, following the client registry: a client key's id is named as
 * soon as the relay knows the key, whatever made it (config, `SIGHUP`, the admin API here or on another
 * instance), so no request can add a series; keys made at runtime are bounded by `maxRuntimeLabels`.
 */
export class ClientLabels {
  readonly #options: ClientLabelsOptions;
  readonly #named = new Set<string>();
  #runtimeNamed = 0;
  #fullReported = false;

  constructor(options: ClientLabelsOptions) {
    if (!Number.isInteger(options.maxRuntimeLabels) || options.maxRuntimeLabels < 1) {
      throw new RangeError('maxRuntimeLabels must be a positive integer');
    }
    this.#options = options;
  }

  /** Names the ids of `added` that fit; the metrics' allow-list is replaced only when it grew. */
  add(added: readonly LabelledClient[]): void {
    const { maxRuntimeLabels, allow, onFull } = this.#options;
    const next = labelsToAdd({ named: this.#named, runtimeNamed: this.#runtimeNamed }, added, maxRuntimeLabels);
    this.#runtimeNamed = next.runtimeNamed;
    const [firstLeftOut] = next.leftOut;
    if (firstLeftOut !== undefined && !this.#fullReported) {
      this.#fullReported = true;
      onFull?.(firstLeftOut);
    }
    if (next.ids.length === 0) return;
    for (const id of next.ids) this.#named.add(id);
    allow([...this.#named]);
  }
}
