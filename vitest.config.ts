import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Each file gets its own process: tfjs keeps global engine state, and the native backend
    // holds threads that should not be shared between suites.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
