import diagnosticsChannel from 'node:diagnostics_channel';
import type { CircuitState } from './circuit-breaker.js';

/** What every per-key event carries. Never credentials: `proxy` is redacted and `key` is the printable label. */
export interface KeyEventBase {
  /** The printable key: `origin` or `origin via <redacted proxy>#fingerprint`. */
  key: string;
  origin: string;
  /** The redacted proxy URL, or undefined for a direct key. */
  proxy: string | undefined;
}

/** A dispatcher was created for a key (a cache miss). */
export interface DispatcherCreatedEvent extends KeyEventBase {}

/** A dispatcher left the cache and is closing gracefully (in-flight requests finish). */
export interface DispatcherEvictedEvent extends KeyEventBase {
  /** `expire`: idle past `dispatcherTtl`; `evict`: pushed out by `maxDispatchers`; `delete`: removed or closed. */
  reason: 'expire' | 'evict' | 'delete';
}

/** undici connected a socket of the key's pool. */
export interface ConnectionOpenedEvent extends KeyEventBase {
  /** Sockets open for the key now (pool + warm reserve). */
  open: number;
}

/** A socket of the key's pool closed (idle keep-alive timeout, server close, error). */
export interface ConnectionClosedEvent extends KeyEventBase {
  open: number;
  /** Why, as undici reports it (e.g. `UND_ERR_INFO` for an idle close, `UND_ERR_SOCKET`). */
  errorCode: string | undefined;
}

/** A connection attempt of the key's pool failed. */
export interface ConnectionErroredEvent extends KeyEventBase {
  errorCode: string;
  message: string;
}

/** A request through a pooled dispatcher ended. */
export interface RequestCompletedEvent extends KeyEventBase {
  method: string;
  /** The response status, if headers arrived. */
  statusCode: number | undefined;
  /** From dispatch to the end of the body (or the error), ms. */
  durationMs: number;
  /** The error code if the request failed (`RELAY_ERR_POOL_CIRCUIT_OPEN`, `UND_ERR_SOCKET`, `ECONNREFUSED`...). */
  errorCode: string | undefined;
  /** `failure` counted against the circuit; `aborted` by the caller, counted neither way. */
  outcome: 'success' | 'failure' | 'aborted' | 'rejected';
}

/** The key's circuit changed state. */
export interface CircuitEvent extends KeyEventBase {
  from: CircuitState;
  to: CircuitState;
  failures: number;
  openings: number;
  retryAt: number | undefined;
  errorCode: string | undefined;
}

/** An active health check of a key finished. */
export interface HealthCheckedEvent extends KeyEventBase {
  ok: boolean;
  latencyMs: number;
  errorCode: string | undefined;
}

/** `testProxy()` finished. */
export interface ProxyTestedEvent {
  /** The redacted proxy URL. */
  proxy: string;
  target: string;
  ok: boolean;
  latencyMs: number;
  errorCode: string | undefined;
}

/** The warm-up of one key finished (it never throws; failures land here). */
export interface WarmupCompletedEvent extends KeyEventBase {
  ok: boolean;
  /** Sockets opened by this warm-up. */
  opened: number;
  durationMs: number;
  errorCode: string | undefined;
}

/** Every event of a ConnectionPool, by name, with its payload. */
export interface ConnectionPoolEvents {
  'dispatcher-created': [DispatcherCreatedEvent];
  'dispatcher-evicted': [DispatcherEvictedEvent];
  'connection-opened': [ConnectionOpenedEvent];
  'connection-closed': [ConnectionClosedEvent];
  'connection-errored': [ConnectionErroredEvent];
  'request-completed': [RequestCompletedEvent];
  'circuit-opened': [CircuitEvent];
  'circuit-half-opened': [CircuitEvent];
  'circuit-closed': [CircuitEvent];
  'health-checked': [HealthCheckedEvent];
  'proxy-tested': [ProxyTestedEvent];
  'warmup-completed': [WarmupCompletedEvent];
}

/** The name of an event of ConnectionPool. */
export type ConnectionPoolEventName = keyof ConnectionPoolEvents;

/** The `node:diagnostics_channel` channel each event is also published on: `relay:connection-pool:<event>`. */
export function diagnosticsChannelName(event: ConnectionPoolEventName): string {
  return `relay:connection-pool:${event}`;
}

const channels = new Map<ConnectionPoolEventName, diagnosticsChannel.Channel>();

function channelOf(event: ConnectionPoolEventName): diagnosticsChannel.Channel {
  let channel = channels.get(event);
  if (channel === undefined) {
    channel = diagnosticsChannel.channel(diagnosticsChannelName(event));
    channels.set(event, channel);
  }
  return channel;
}

/** Publishes on the event's diagnostics channel when someone subscribes to it (a no-op otherwise). */
export function publishDiagnostics<Name extends ConnectionPoolEventName>(
  event: Name,
  payload: ConnectionPoolEvents[Name][0],
): void {
  const channel = channelOf(event);
  if (channel.hasSubscribers) channel.publish(payload);
}

/** Whether the event's diagnostics channel has a subscriber. */
export function hasDiagnosticsSubscribers(event: ConnectionPoolEventName): boolean {
  return channelOf(event).hasSubscribers;
}
