/**
 * The label value of a proxy: for a URL, only `protocol//host:port`, so that credentials in
 * `http://user:secret@proxy:8080` never reach a scrape; any other string is kept (then bounded).
 */
export function proxyLabel(proxy: string | undefined): string | undefined {
  if (proxy === undefined || !proxy.includes('://')) return proxy;
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    // Not a URL after all: it may still carry `user:pass@`, so it is not reported as it is.
    return proxy.includes('@') ? 'other' : proxy;
  }
}
