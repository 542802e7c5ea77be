import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { listHistory } from '@/api/history'
import { getPage } from '@/api/pages'
import type { TicketChange } from '@/api/types'
import TicketActivityHistory from './TicketActivityHistory.vue'
import { createTestI18n, testPlugins } from '@/test/app'

vi.mock('@/api/history', () => ({ listHistory: vi.fn() }))
vi.mock('@/api/pages', () => ({ getPage: vi.fn() }))
const listMock = vi.mocked(listHistory)
const getPageMock = vi.mocked(getPage)

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()

function change(overrides: Partial<TicketChange>): TicketChange {
  return {
    id: 1,
    created_at: minutesAgo(5),
    actor: 3,
    actor_name: 'Анна Петрова',
    action: 'changed',
    field: '',
    old_value: null,
    new_value: null,
    old_label: null,
    new_label: null,
    comment: null,
    internal: false,
    ...overrides,
  }
}

const page = (results: TicketChange[], next: string | null = null) => ({ count: results.length, count_exact: true, next, previous: null, results })

function mountHistory(locale: 'en' | 'ru' = 'en', props = { ticketId: 7, version: 1, refreshKey: 0 }) {
  const [pinia, , primevue, toast, confirm] = testPlugins()
  return mount(TicketActivityHistory, { props, global: { plugins: [pinia, createTestI18n(locale), primevue, toast, confirm] as never } })
}

afterEach(() => vi.clearAllMocks())

describe('TicketActivityHistory', () => {
  it('tells each kind of change as a sentence with its relative time', async () => {
    listMock.mockResolvedValueOnce(
      page([
        change({ id: 6, action: 'changed', field: 'status', old_value: 'new', new_value: 'in_progress', old_label: 'Новое', new_label: 'В работе' }),
        change({ id: 5, field: 'assignee', old_value: null, new_value: 1, new_label: 'Ольга Смирнова' }),
        change({ id: 4, field: 'description', old_value: 'x'.repeat(120), new_value: 'y'.repeat(135) }),
        change({ id: 3, action: 'commented', comment: 9, internal: true, actor_name: 'Ольга Смирнова' }),
        change({ id: 2, action: 'restored' }),
        change({ id: 1, action: 'created', created_at: minutesAgo(60 * 24 * 3) }),
      ]),
    )

    const wrapper = mountHistory()
    await flushPromises()

    const lines = wrapper.findAll('li').map((li) => li.text())
    expect(lines[0]).toMatch(/^Анна Петрова changed status from New to In progress, 5 minutes agoExact time: /)
    expect(lines[1]).toContain('Анна Петрова assigned the ticket to Ольга Смирнова')
    expect(lines[2]).toContain('Анна Петрова edited the description (120 → 135 characters)')
    expect(lines[2]).not.toContain('yyyy')
    expect(lines[3]).toContain('Ольга Смирнова added an internal note')
    expect(lines[4]).toContain('Анна Петрова restored the ticket')
    expect(lines[5]).toContain('Анна Петрова created the ticket, 3 days ago')
    expect(wrapper.find('time').attributes('tabindex')).toBe('0')
  })

  it('speaks Russian with the locale’s own labels and relative time', async () => {
    listMock.mockResolvedValueOnce(
      page([change({ field: 'status', old_value: 'new', new_value: 'in_progress', old_label: 'New', new_label: 'In progress' })]),
    )

    const wrapper = mountHistory('ru')
    await flushPromises()

    expect(wrapper.get('li').text()).toContain('Анна Петрова: статус изменён с «Новое» на «В работе», 5 минут назад')
  })

  it('appends the page of the next link on "Show older"', async () => {
    const next = 'http://localhost:3000/api/tickets/7/history?cursor=cD0y&page_size=20'
    listMock.mockResolvedValueOnce(page([change({ id: 2, action: 'restored' })], next))
    getPageMock.mockResolvedValueOnce(page([change({ id: 1, action: 'created' })]))
    const wrapper = mountHistory()
    await flushPromises()

    await wrapper.get('button').trigger('click')
    await flushPromises()

    expect(listMock).toHaveBeenCalledTimes(1)
    expect(getPageMock).toHaveBeenCalledWith(next, expect.anything())
    expect(wrapper.findAll('li')).toHaveLength(2)
    expect(wrapper.find('button').exists()).toBe(false)
  })

  it('reads the first page again when the ticket version or the refresh key changes', async () => {
    listMock.mockResolvedValue(page([change({ action: 'created' })]))
    const wrapper = mountHistory()
    await flushPromises()

    await wrapper.setProps({ version: 2 })
    await flushPromises()
    await wrapper.setProps({ refreshKey: 1 })
    await flushPromises()

    expect(listMock).toHaveBeenCalledTimes(3)
    expect(listMock).toHaveBeenLastCalledWith(7, { page_size: 20 }, expect.anything())
  })
})
