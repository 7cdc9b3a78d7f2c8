export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitSnapshot,
  type CircuitState,
  type CircuitTransition,
} from './circuit-breaker.js';
export {
  ConnectionPool,
  type ReportedOutcome,
  type RouteOptions,
  type WarmupResult,
  type WarmupTarget,
} from './connection-pool.js';
export {
  createDispatcherKey,
  type DispatcherKey,
  type ProxyEndpoint,
  type ProxyProtocol,
  parseProxy,
  redactProxyUrl,
} from './dispatcher-key.js';
export {
  CircuitOpenError,
  ConnectionPoolError,
  type ConnectionPoolErrorCode,
  errorCode,
  HealthCheckStatusError,
  HealthCheckTimeoutError,
  InvalidOptionError,
  PoolClosedError,
  ProxyAuthError,
  ProxyError,
  ProxyProtocolError,
  ProxyTargetUnreachableError,
  ProxyTimeoutError,
  ProxyUnreachableError,
  TargetUnreachableError,
  TlsHandshakeError,
} from './errors.js';
export {
  type CircuitEvent,
  type ConnectionClosedEvent,
  type ConnectionErroredEvent,
  type ConnectionOpenedEvent,
  type ConnectionPoolEventName,
  type ConnectionPoolEvents,
  type DispatcherCreatedEvent,
  type DispatcherEvictedEvent,
  diagnosticsChannelName,
  type HealthCheckedEvent,
  type KeyEventBase,
  type ProxyTestedEvent,
  type RequestCompletedEvent,
  type WarmupCompletedEvent,
} from './events.js';
export type { HealthCheckResult } from './health-checker.js';
export type { LatencySummary } from './latency-window.js';
export type {
  ConnectionPoolOptions,
  HealthOptions,
  HealthProbeOptions,
  ResolvedPoolOptions,
  TlsOptions,
} from './pool-options.js';
export { type ProxyTestResult, type TestProxyOptions, testProxy } from './proxy/test-proxy.js';
export type { ConnectionCounts, ConnectionPoolStats, DispatcherStats } from './stats.js';
