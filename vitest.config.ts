import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const workspaceProjects = [
  { name: 'connection-pool', root: 'packages/connection-pool' },
  { name: 'session-store', root: 'packages/session-store' },
  { name: 'metrics', root: 'packages/metrics' },
  { name: 'mock-anthropic', root: 'packages/mock-anthropic' },
  { name: 'quota', root: 'packages/quota' },
  { name: 'test-support', root: 'packages/test-support' },
  { name: 'internals', root: 'packages/internals' },
  { name: 'relay', root: 'apps/relay' },
  { name: 'bench', root: 'apps/bench' },
  { name: 'dashboard', root: 'apps/dashboard' },
];

export default defineConfig({
  test: {
    // One Redis check for the whole run: it starts a private server when none answers.
    globalSetup: [fileURLToPath(new URL('./packages/test-support/src/redis-global-setup.ts', import.meta.url))],
    projects: workspaceProjects.map(({ name, root }) => ({
      extends: true,
      test: {
        name,
        root,
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 20_000,
        hookTimeout: 30_000,
      },
    })),
  },
});
