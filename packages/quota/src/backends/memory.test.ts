import * as vitest from 'vitest';
import { quotaBackendTestSuite } from '../testing/quota-backend-test-suite.js';
import { MemoryQuotaBackend } from './memory.js';

// Instances in one process share one memory backend: the factory hands out the namespace's one object.
const byNamespace = new Map<string, MemoryQuotaBackend>();
quotaBackendTestSuite(
  vitest,
  ({ namespace }) => {
    const existing = byNamespace.get(namespace);
    if (existing) return existing;
    const created = new MemoryQuotaBackend();
    byNamespace.set(namespace, created);
    return created;
  },
  { name: 'memory', sharesState: false },
);
