import { type Fault, type FaultScope, validateFault, validateFaultScope } from './fault.js';

interface ScriptedFault {
  fault: Fault;
  remaining: number;
  apiKey: string | undefined;
  path: string | undefined;
}

/**
 * The faults scripted on a mock, in the order they were added. Faults scoped to an API key are
 * matched before unscoped ones, so that a key's fault is not used up by other keys' requests.
 */
export class FaultScript {
  #keyed: ScriptedFault[] = [];
  #unkeyed: ScriptedFault[] = [];

  /** Adds `fault` for the requests `scope` selects. */
  add(fault: Fault, scope: FaultScope = {}): void {
    validateFault(fault);
    validateFaultScope(scope);
    const times = scope.times ?? (scope.apiKey === undefined ? 1 : Number.POSITIVE_INFINITY);
    const entry: ScriptedFault = { fault: { ...fault }, remaining: times, apiKey: scope.apiKey, path: scope.path };
    (scope.apiKey === undefined ? this.#unkeyed : this.#keyed).push(entry);
  }

  /** Takes the fault for a request, counting it against its scope; `undefined` when none applies. */
  take(apiKey: string | undefined, path: string): Fault | undefined {
    if (this.#keyed.length > 0 && apiKey !== undefined) {
      const fault = this.#takeFrom(this.#keyed, apiKey, path);
      if (fault) return fault;
    }
    return this.#unkeyed.length > 0 ? this.#takeFrom(this.#unkeyed, apiKey, path) : undefined;
  }

  /** How many scripted faults are still waiting to be used (Infinity for a persistent one). */
  get pending(): number {
    let total = 0;
    for (const entry of this.#keyed) total += entry.remaining;
    for (const entry of this.#unkeyed) total += entry.remaining;
    return total;
  }

  /** Forgets every scripted fault. */
  clear(): void {
    this.#keyed = [];
    this.#unkeyed = [];
  }

  #takeFrom(entries: ScriptedFault[], apiKey: string | undefined, path: string): Fault | undefined {
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] as ScriptedFault;
      if (entry.apiKey !== undefined && entry.apiKey !== apiKey) continue;
      if (entry.path !== undefined && entry.path !== path) continue;
      entry.remaining--;
      if (entry.remaining <= 0) entries.splice(index, 1);
      return entry.fault;
    }
    return undefined;
  }
}
