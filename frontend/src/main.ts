import { createApp } from 'vue'
import { createPinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ConfirmationService from 'primevue/confirmationservice'
import ToastService from 'primevue/toastservice'
import App from './App.vue'
import { setLanguageProvider, setUnauthorizedHandler } from './api/http'
import { currentLocale, detectLocale, i18n, setLocale } from './i18n'
import { createAppRouter } from './router'
import { useSessionStore } from './stores/session'
import { ServiceDeskPreset } from './theme'
import './styles.css'

async function start(): Promise<void> {
  await setLocale(detectLocale())
  setLanguageProvider(currentLocale)

  const app = createApp(App)
  const pinia = createPinia()
  const router = createAppRouter()
  app.use(pinia)
  app.use(i18n)
  app.use(router)
  app.use(PrimeVue, { theme: { preset: ServiceDeskPreset, options: { darkModeSelector: '.app-dark' } } })
  app.use(ToastService)
  app.use(ConfirmationService)

  // A 401 in the middle of work means the session ended: go to login and come back afterwards.
  setUnauthorizedHandler(() => {
    useSessionStore(pinia).clear()
    const current = router.currentRoute.value
    if (!current.meta.public) {
      void router.push({ name: 'login', query: { next: current.fullPath, expired: '1' } })
    }
  })

  app.mount('#app')
}

void start()
