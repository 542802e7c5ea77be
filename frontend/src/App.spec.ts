import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory } from 'vue-router'
import App from './App.vue'
import { getCurrentUser } from '@/api/auth'
import { NetworkError } from '@/api/http'
import { createAppRouter } from '@/router'
import { testPlugins } from '@/test/app'
import { useSessionStore } from '@/stores/session'

vi.mock('@/api/auth', () => ({ getCurrentUser: vi.fn(), login: vi.fn(), logout: vi.fn() }))
vi.mock('@/api/tickets', () => ({ listTickets: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })) }))

const meMock = vi.mocked(getCurrentUser)
let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

async function mountAt(path: string) {
  const plugins = testPlugins(null)
  const session = useSessionStore()
  session.state = 'unknown'
  const router = createAppRouter(createMemoryHistory())
  await router.push(path)
  await router.isReady()
  wrapper = mount(App, { global: { plugins: [...plugins, router] as never }, attachTo: document.body })
  await flushPromises()
  return router
}

describe('App', () => {
  it('sends an anonymous visitor to login, remembering where they were going', async () => {
    meMock.mockResolvedValueOnce(null)

    const router = await mountAt('/tickets/7?tab=x')

    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.next).toBe('/tickets/7?tab=x')
    expect(document.title).toBe('Sign in · Service Desk')
  })

  it('says when the server cannot be reached at start, and retrying continues to login', async () => {
    meMock.mockRejectedValueOnce(new NetworkError(new TypeError('Failed to fetch'))).mockResolvedValueOnce(null)

    const router = await mountAt('/')

    expect(wrapper?.get('[role="alert"]').text()).toContain('The server cannot be reached.')
    const retry = wrapper?.findAll('button').find((button) => button.text() === 'Try again')
    await retry?.trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
  })
})
