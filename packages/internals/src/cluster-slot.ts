import calculateSlot from 'cluster-key-slot';

/** The Redis Cluster slot (0-16383) of a key, honouring hash tags. */
export function clusterSlot(key: string): number {
  return calculateSlot(key);
}
