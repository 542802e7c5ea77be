import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { NetworkError, ValidationError } from '@/api/http'
import { createTicket } from '@/api/tickets'
import { mountApp, REQUESTER } from '@/test/app'
import { makeTicket } from '@/test/tickets'

vi.mock('@/api/tickets', () => ({
  createTicket: vi.fn(),
  getTicket: vi.fn(() => new Promise(() => undefined)),
  updateTicket: vi.fn(),
  deleteTicket: vi.fn(),
  listTickets: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })),
}))
vi.mock('@/api/users', () => ({ listAgents: vi.fn() }))

const createMock = vi.mocked(createTicket)
let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

describe('TicketCreateView', () => {
  it('shows the API field errors next to the fields and keeps the typed values', async () => {
    createMock.mockRejectedValueOnce(new ValidationError({ title: ['Ticket with this title already exists.'] }))
    ;({ wrapper } = await mountApp('/tickets/new', REQUESTER))

    await wrapper.get('#ticket-title').setValue('Принтер не печатает')
    await wrapper.get('#ticket-description').setValue('Третий этаж')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(createMock).toHaveBeenCalledWith(
      { title: 'Принтер не печатает', description: 'Третий этаж', priority: 'medium' },
      { idempotencyKey: expect.any(String) },
    )
    expect(wrapper.get('#ticket-title-error').text()).toBe('Ticket with this title already exists.')
    expect((wrapper.get('#ticket-title').element as HTMLInputElement).value).toBe('Принтер не печатает')
    expect((wrapper.get('#ticket-description').element as HTMLTextAreaElement).value).toBe('Третий этаж')
  })

  it('opens the new ticket after a successful save', async () => {
    createMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 42 }), etag: '"1"' })
    let router
    ;({ wrapper, router } = await mountApp('/tickets/new', REQUESTER))

    await wrapper.get('#ticket-title').setValue('Принтер')
    await wrapper.get('form').trigger('submit')

    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/tickets/42'))
  })

  it('retries an unanswered create with the same idempotency key, and a changed form with a new one', async () => {
    createMock.mockRejectedValue(new NetworkError(new TypeError('Failed to fetch')))
    ;({ wrapper } = await mountApp('/tickets/new', REQUESTER))

    await wrapper.get('#ticket-title').setValue('Принтер')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('#ticket-title').setValue('Принтер на третьем этаже')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    const keys = createMock.mock.calls.map(([, options]) => options?.idempotencyKey)
    expect(keys[0]).toBe(keys[1])
    expect(keys[2]).not.toBe(keys[0])
    expect(wrapper.get('[role="alert"]').text()).toContain('The server cannot be reached.')
  })
})
