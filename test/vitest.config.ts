import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // One suite at a time: the browser suites, the capture recordings (tshark against mosquitto)
    // and the timing checks (a 5 MB decode must leave the page responsive) measure a machine
    // with 2 cores; two heavy suites side by side starve each other into false failures.
    maxWorkers: 1,
  },
});
