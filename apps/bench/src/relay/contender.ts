/** One server the relay scenario sends load to, in a process of its own. */
export interface Contender {
  readonly name: string;
  readonly origin: string;
  /** Its own headers (key, content type, version, routing); the request's are added to them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The process whose tree's CPU is this contender's cost. */
  readonly pid: number;
  /** An optional contender (Portkey) is dropped with a note when it fails; any other fails the scenario. */
  readonly optional: boolean;
}

export const direct = 'direct to the mock';
export const bare = 'bare passthrough';
export const fastify = '@fastify/http-proxy';
export const relay = 'relay';
/** The relay of another checkout (BENCH_RELAY_BASELINE), measured in the same run: before/after a change. */
export const relayBaseline = 'relay, baseline build';
export const portkey = 'Portkey gateway';

export const upstreamHeaders = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': 'sk-ant-bench-upstream',
};
