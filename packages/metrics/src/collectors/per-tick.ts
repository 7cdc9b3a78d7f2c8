/**
 * Wraps `read` so that it runs at most once per synchronous run of code: a scrape calls every metric's
 * `collect` in one synchronous pass, so the gauges fed by one `stats()` share a single snapshot.
 */
export function oncePerTick<Value>(read: () => Value): () => Value {
  let cached: { value: Value } | undefined;
  return () => {
    if (cached === undefined) {
      cached = { value: read() };
      queueMicrotask(() => {
        cached = undefined;
      });
    }
    return cached.value;
  };
}
