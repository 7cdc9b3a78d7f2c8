/**
 * The URL the `relay keys` command reaches a running relay's admin API at, from the config's listen address: a
 * wildcard address (`0.0.0.0`, `::`) is reached on loopback, an IPv6 address in brackets.
 */
export function adminUrlOf(listen: { host: string; port: number }): string {
  const host = listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host === '::' ? '::1' : listen.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.port}`;
}
