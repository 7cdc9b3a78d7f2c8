export { MemoryQuotaBackend, type MemoryQuotaBackendOptions } from './backends/memory.js';
export type {
  BatchMark,
  Grant,
  QuotaBackend,
  RateSpec,
  UsageCounters,
  UsageDelta,
  UsageQuery,
  UsageRow,
} from './backends/quota-backend.js';
export { RedisQuotaBackend, type RedisQuotaBackendOptions } from './backends/redis.js';
export type { RedisSource } from './backends/redis-connection.js';
export {
  QuotaClosedError,
  QuotaError,
  QuotaInvalidArgumentError,
  QuotaInvalidOptionError,
  QuotaUnavailableError,
} from './errors.js';
export {
  UsageLedger,
  type UsageLedgerOptions,
  type UsageLedgerStats,
  type UsageRecord,
} from './ledger/usage-ledger.js';
export { type BudgetWindow, dayId, parseBudgetWindow, type WindowSpan, windowSpan } from './limits/budget-window.js';
export type { Budget, KeyLimits, LimitKind } from './limits/key-limits.js';
export {
  type LimitUsage,
  type QuotaAdmission,
  QuotaLimiter,
  type QuotaLimiterOptions,
  type QuotaLimiterStats,
  type QuotaRefusal,
} from './limits/quota-limiter.js';
export { claudePrices, type ModelPrice, modelPrice, priceTableDate } from './pricing/price-table.js';
export { costMicroUsd, type PricedUsage, Pricing, type PricingOptions } from './pricing/pricing.js';
export { readUsage, type TokenUsage, totalTokens } from './pricing/token-usage.js';

/** The name this package is published under. */
export const packageName = '@relay/quota';
