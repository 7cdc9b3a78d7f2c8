import type { QuotaBackend } from '../backends/quota-backend.js';

/** Wraps a real backend and counts the calls made to it (each call is one Redis command on the redis backend). */
export function countingBackend(backend: QuotaBackend): { backend: QuotaBackend; calls: () => number } {
  let calls = 0;
  const counted = new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]) => {
        calls += 1;
        return value.apply(target, args);
      };
    },
  });
  return { backend: counted, calls: () => calls };
}
