import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:8000'

// Django serves the built app: assets live under its STATIC_URL and index.html is its fallback page.
export default defineConfig({
  base: '/static/',
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': backend,
      '/admin': backend,
      '/static/admin': backend,
      '/static/rest_framework': backend,
      '/static/drf_spectacular_sidecar': backend,
    },
  },
})
