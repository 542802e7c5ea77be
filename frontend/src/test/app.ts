import { h, type Component } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import PrimeVue from 'primevue/config'
import ConfirmationService from 'primevue/confirmationservice'
import Toast from 'primevue/toast'
import ToastService from 'primevue/toastservice'
import { createMemoryHistory, RouterView, type Router } from 'vue-router'
import { createI18n } from 'vue-i18n'
import type { CurrentUser } from '@/api/types'
import { DATETIME_FORMATS, PLURAL_RULES } from '@/i18n'
import en from '@/i18n/locales/en.json'
import ru from '@/i18n/locales/ru.json'
import { createAppRouter } from '@/router'
import { useSessionStore } from '@/stores/session'

export const AGENT: CurrentUser = { id: 1, username: 'olga', display_name: 'Ольга Смирнова', role: 'agent' }
export const REQUESTER: CurrentUser = { id: 2, username: 'anna', display_name: 'Анна Петрова', role: 'requester' }

export function createTestI18n(locale: 'en' | 'ru' = 'en') {
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages: { en, ru },
    datetimeFormats: DATETIME_FORMATS,
    pluralRules: PLURAL_RULES,
    missingWarn: false,
    fallbackWarn: false,
  })
}

/** The plugins every component expects, for `mount(..., { global: { plugins } })`. */
export function testPlugins(user: CurrentUser | null = AGENT) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const session = useSessionStore()
  session.user = user
  session.state = 'ready'
  return [pinia, createTestI18n(), [PrimeVue, { theme: 'none' }], ToastService, ConfirmationService] as const
}

/** Mounts the real router (memory history) at `path`, signed in as `user`; `toasts` adds App's Toast. */
export async function mountApp(path: string, user: CurrentUser | null = AGENT, options: { toasts?: boolean } = {}) {
  const plugins = testPlugins(user)
  const router: Router = createAppRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  const root: Component = { render: () => (options.toasts ? [h(RouterView), h(Toast)] : h(RouterView)) }
  const wrapper = mount(root, {
    global: { plugins: [...plugins, router] as never },
    attachTo: document.body,
  })
  await flushPromises()
  return { wrapper, router }
}
