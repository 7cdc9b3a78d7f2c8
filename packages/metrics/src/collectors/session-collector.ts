import type { RelayMetrics } from '../relay-metrics.js';
import type { Collector, CollectorHooks } from './collector.js';
import type { ObservedSessionEvents, ObservedSessionManager, ObservedSessionStats } from './observed-types.js';
import { oncePerTick } from './per-tick.js';

type Listeners = { [Name in keyof ObservedSessionEvents]: (payload: ObservedSessionEvents[Name]) => void };

/**
 * Sessions that left memory without being ended or expiring: with the memory backend every session
 * this manager created is active, ended, expired or evicted by the `maxSessions` cap, so the remainder
 * is the evictions. Other backends hold sessions other instances created, so it is not computed there.
 */
function unaccountedSessions(stats: ObservedSessionStats): number | undefined {
  if (stats.backend !== 'memory' || stats.activeSessions === undefined) return undefined;
  return stats.created - stats.ended - stats.expired - stats.activeSessions;
}

/** Wires a session manager's events and `stats()` into `metrics`; see `RelayMetrics.collectSessions`. */
export function attachSessionCollector(
  metrics: RelayMetrics,
  hooks: CollectorHooks,
  manager: ObservedSessionManager,
): Collector {
  const { catalogue } = hooks;
  const stats = oncePerTick(() => manager.stats());
  const storeStats = oncePerTick(() => manager.store.stats());
  let { hits: countedHits, misses: countedMisses } = manager.store.stats();
  let countedEvictions = Math.max(0, unaccountedSessions(manager.stats()) ?? 0);

  const listeners: Listeners = {
    'session-created': () => metrics.recordSessionCreated(),
    'session-ended': () => metrics.recordSessionEnded('ended'),
    'session-expired': () => metrics.recordSessionEnded('expired'),
    'batch-synced': () => metrics.recordSyncBatch(),
    'changes-dropped': (event) => metrics.recordDroppedChanges(event.sessionIds.length),
  };

  const pullStats = () => {
    const { hits, misses } = storeStats();
    // The store counts from its creation; only what happened since the last pull is new here.
    metrics.recordSessionCacheLookups({ hits: hits - countedHits, misses: misses - countedMisses });
    countedHits = hits;
    countedMisses = misses;
    const evictions = unaccountedSessions(stats());
    if (evictions !== undefined && evictions > countedEvictions) {
      metrics.recordSessionEnded('evicted', evictions - countedEvictions);
      countedEvictions = evictions;
    }
  };
  const refreshActive = (gauge: typeof catalogue.sessionsActive) => {
    const active = stats().activeSessions;
    if (active !== undefined) gauge.inc(active);
  };
  const refreshUnsynced = (gauge: typeof catalogue.unsyncedChanges) => gauge.inc(stats().unsyncedChanges);
  const refreshDegraded = (gauge: typeof catalogue.storeDegraded) => gauge.inc(stats().degraded ? 1 : 0);

  // Typed per event through Listeners; the cast bridges the generic signature for the loop.
  const on = manager.on as (event: string, listener: (payload: never) => void) => unknown;
  const off = manager.off as (event: string, listener: (payload: never) => void) => unknown;
  for (const [event, listener] of Object.entries(listeners)) on.call(manager, event, listener);
  hooks.statsPulls.add(pullStats);
  catalogue.refreshers.sessionsActive.add(refreshActive);
  catalogue.refreshers.unsyncedChanges.add(refreshUnsynced);
  catalogue.refreshers.storeDegraded.add(refreshDegraded);

  return {
    detach: () => {
      for (const [event, listener] of Object.entries(listeners)) off.call(manager, event, listener);
      hooks.statsPulls.delete(pullStats);
      catalogue.refreshers.sessionsActive.delete(refreshActive);
      catalogue.refreshers.unsyncedChanges.delete(refreshUnsynced);
      catalogue.refreshers.storeDegraded.delete(refreshDegraded);
    },
  };
}
