// The quota pieces the bench measures in-process (`@relay/server/quota`; the relay is private), with the
// @relay/quota parts they are composed of, so that the bench builds them as the relay does.

export { MemoryQuotaBackend, QuotaLimiter, UsageLedger } from '@relay/quota';
export { emptyUsage, type TokenUsage } from '../streaming/token-usage.js';
export { KeyAdmission } from './key-admission.js';
export { UsageBilling } from './usage-billing.js';
