import { resultMarker } from './wrk-output.js';

/** How the `x-claude-code-session-id` header varies from request to request. */
export type SessionTraffic =
  | { kind: 'fixed' }
  | { kind: 'round-robin'; sessions: number; prefix: string }
  | { kind: 'unique'; prefix: string };

export interface WrkScriptOptions {
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  /** A file holding the body, read once by the script (a 76 KB body is no Lua literal). */
  bodyFile?: string;
  sessions?: SessionTraffic;
}

// A Lua string literal for an ASCII header name or value (wrk's LuaJIT knows no \u escapes).
function luaString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`not a printable ASCII header text: ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const doneHook = `
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '\\n${resultMarker} {"requests":%d,"durationMicros":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"timeouts":%d,"badStatus":%d,"latencyP50Micros":%d,"latencyP99Micros":%d,' ..
    '"latencyMaxMicros":%d}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, latency:percentile(50), latency:percentile(99), latency.max))
end
`;

/**
 * The Lua script of one wrk run. A fixed request is set once on `wrk` so that wrk builds it once (no Lua per
 * request); only varying session ids add a `request()` function, which costs wrk some CPU per request.
 */
export function wrkScript(options: WrkScriptOptions): string {
  const lines = [`wrk.method = ${luaString(options.method)}`];
  for (const [name, value] of Object.entries(options.headers))
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (options.bodyFile !== undefined) {
    lines.push(
      `local file = assert(io.open(${luaString(options.bodyFile)}, "rb"))`,
      'wrk.body = file:read("*a")',
      'file:close()',
    );
  }
  const sessions = options.sessions ?? { kind: 'fixed' };
  if (sessions.kind !== 'fixed') {
    const next =
      sessions.kind === 'round-robin' ? `(counter % ${Math.max(1, Math.floor(sessions.sessions))})` : 'counter';
    lines.push(
      'local counter = 0',
      'request = function()',
      '  counter = counter + 1',
      `  wrk.headers["x-claude-code-session-id"] = ${luaString(sessions.prefix)} .. string.format("%08d", ${next})`,
      '  return wrk.format()',
      'end',
    );
  }
  return `${lines.join('\n')}\n${doneHook}`;
}
