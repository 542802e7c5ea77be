import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.spec.ts'],
      root: fileURLToPath(new URL('./', import.meta.url)),
      restoreMocks: true,
      testTimeout: 20_000,
      unstubGlobals: true,
      setupFiles: ['src/test/setup.ts'],
    },
  }),
)
