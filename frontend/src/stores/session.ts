import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import * as authApi from '@/api/auth'
import type { CurrentUser, LoginRequest } from '@/api/types'

export type SessionState = 'unknown' | 'loading' | 'ready' | 'error'

/** Who is logged in: the one piece of state that every screen shares. */
export const useSessionStore = defineStore('session', () => {
  const user = ref<CurrentUser | null>(null)
  const state = ref<SessionState>('unknown')
  const loadError = ref<unknown>(null)
  let pending: Promise<void> | null = null

  const isAuthenticated = computed(() => user.value !== null)
  const isAgent = computed(() => user.value?.role === 'agent')

  /** Asks the server once who we are; later calls reuse the answer. */
  function ensureLoaded(): Promise<void> {
    if (state.value === 'ready') return Promise.resolve()
    pending ??= refresh().finally(() => {
      pending = null
    })
    return pending
  }

  async function refresh(): Promise<void> {
    state.value = 'loading'
    try {
      user.value = await authApi.getCurrentUser()
      loadError.value = null
      state.value = 'ready'
    } catch (error) {
      loadError.value = error
      state.value = 'error'
    }
  }

  async function login(credentials: LoginRequest): Promise<CurrentUser> {
    const loggedIn = await authApi.login(credentials)
    user.value = loggedIn
    loadError.value = null
    state.value = 'ready'
    return loggedIn
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  /** Forgets the user locally, e.g. after the server answered 401. */
  function clear(): void {
    user.value = null
    state.value = 'ready'
  }

  return { user, state, loadError, isAuthenticated, isAgent, ensureLoaded, refresh, login, logout, clear }
})
