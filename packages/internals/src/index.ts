// Code the published packages share. Each bundles what it uses into its own dist (tsup `noExternal`, types
// inlined), so that no published package depends on this one, and each keeps its own error classes and codes.
export { clusterSlot } from './cluster-slot.js';
export { type InvalidOptionFactory, type OptionReaders, optionReaders } from './option-readers.js';
export {
  failFastRedisOptions,
  type RedisCommand,
  RedisConnection,
  type RedisConnectionErrors,
  type RedisConnectionOptions,
  type RedisSource,
} from './redis-connection.js';
export type { SuiteTestApi } from './suite-test-api.js';
export { waitUntil } from './wait-until.js';
