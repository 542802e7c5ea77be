import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { listDeletedTickets, restoreTicket } from '@/api/tickets'
import { mountApp, REQUESTER } from '@/test/app'
import { makePage, makeTicket } from '@/test/tickets'

vi.mock('@/api/tickets', () => ({
  listDeletedTickets: vi.fn(),
  restoreTicket: vi.fn(),
  listTickets: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })),
}))
vi.mock('@/api/users', () => ({ listAgents: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })) }))

const listMock = vi.mocked(listDeletedTickets)
const restoreMock = vi.mocked(restoreTicket)
let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

describe('TicketDeletedListView', () => {
  it('lists deleted tickets and turns a restored one into a link to it', async () => {
    listMock.mockResolvedValueOnce(makePage([makeTicket({ id: 9, title: 'Старый принтер' })]))
    restoreMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 9 }), etag: '"2"' })
    ;({ wrapper } = await mountApp('/tickets/deleted'))

    expect(wrapper.get('tbody').text()).toContain('Старый принтер')
    await wrapper.get('button[aria-label="Restore ticket 9"]').trigger('click')
    await flushPromises()

    expect(restoreMock).toHaveBeenCalledWith(9)
    const link = wrapper.get('tbody a')
    expect(link.text()).toBe('Open ticket 9')
    expect(link.attributes('href')).toBe('/tickets/9')
  })

  it('says when there are none', async () => {
    listMock.mockResolvedValueOnce(makePage([]))
    ;({ wrapper } = await mountApp('/tickets/deleted'))

    expect(wrapper.text()).toContain('There are no deleted tickets.')
  })

  it('sends a requester to the ticket list without asking the server', async () => {
    const mounted = await mountApp('/tickets/deleted', REQUESTER)
    wrapper = mounted.wrapper

    expect(mounted.router.currentRoute.value.name).toBe('tickets')
    expect(listMock).not.toHaveBeenCalled()
  })
})
