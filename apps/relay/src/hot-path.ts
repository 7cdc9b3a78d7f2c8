// The per-request steps of issues #11 and #12 that the bench measures in-process (`@relay/server/hot-path`; the
// relay is private, so this entry exists for `apps/bench/src/scenarios/hot-path.ts` only).

export { AuthenticationBackoff } from './http/authentication-backoff.js';
export { scanBody } from './http/body-scanner.js';
export { ClientBodyBudget } from './http/client-body-budget.js';
export { ClientSessionCap } from './http/client-session-cap.js';
export { identifySession } from './sessions/session-id.js';
export { scopedSessionId } from './sessions/session-scope.js';
export { SseEventFramer } from './streaming/sse-event-framer.js';
export { isWellFormedEvent } from './streaming/sse-event-shape.js';
export { SseUsageReader } from './streaming/sse-usage-reader.js';
export { UpstreamExchange } from './upstream/upstream-exchange.js';
export { clientResponseHeaders, upstreamRequestHeaders } from './upstream/upstream-headers.js';
