import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { NetworkError, ValidationError } from '@/api/http'
import { listTickets } from '@/api/tickets'
import { AGENT, mountApp, REQUESTER } from '@/test/app'
import { makePage, makeTicket } from '@/test/tickets'

vi.mock('@/api/tickets', () => ({
  listTickets: vi.fn(),
  updateTicket: vi.fn(),
  deleteTicket: vi.fn(),
}))
vi.mock('@/api/users', () => ({
  listAgents: vi.fn(async () => ({ count: 1, next: null, previous: null, results: [{ id: 5, username: 'ivan', display_name: 'Иван' }] })),
}))

const listMock = vi.mocked(listTickets)
let wrapper: VueWrapper | undefined

beforeEach(() => {
  listMock.mockResolvedValue(makePage([makeTicket(), makeTicket({ id: 8, title: 'Нет сети' })], 120))
})

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

function lastParams() {
  return listMock.mock.lastCall?.[0]
}

function headerCell(w: VueWrapper, text: string) {
  const cell = w.findAll('th').find((th) => th.text() === text)
  if (!cell) throw new Error(`no column header ${text}`)
  return cell
}

describe('TicketListView', () => {
  it('loads the tickets that a shared link describes', async () => {
    ;({ wrapper } = await mountApp(
      '/?status=new&status=in_progress&priority=high&assignee=me&search=принтер&ordering=-priority&page=2&page_size=50',
    ))

    expect(listMock).toHaveBeenCalledTimes(1)
    expect(lastParams()).toEqual({
      status: ['new', 'in_progress'],
      priority: ['high'],
      assignee: 'me',
      search: 'принтер',
      ordering: '-priority',
      page: 2,
      page_size: 50,
    })
    expect((wrapper.find('#ticket-search').element as HTMLInputElement).value).toBe('принтер')
  })

  it('ignores values in the URL that the API would refuse', async () => {
    ;({ wrapper } = await mountApp('/?status=bogus&status=closed&ordering=password&page=-3&page_size=7'))

    expect(lastParams()).toMatchObject({ status: ['closed'], ordering: '-created_at', page: 1, page_size: 25 })
  })

  it('puts a column sort into the URL and reloads', async () => {
    let router
    ;({ wrapper, router } = await mountApp('/?status=new'))

    await headerCell(wrapper, 'Priority').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.query).toEqual({ status: ['new'], ordering: 'priority' })
    expect(lastParams()).toMatchObject({ ordering: 'priority', status: ['new'] })

    await headerCell(wrapper, 'Priority').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.query.ordering).toBe('-priority')
  })

  it('puts the page into the URL, and back restores the previous page', async () => {
    let router
    ;({ wrapper, router } = await mountApp('/?priority=high'))

    await wrapper.get('button.p-paginator-next').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/?priority=high&page=2')
    expect(lastParams()).toMatchObject({ page: 2, priority: ['high'] })

    router.back()
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 0))
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/?priority=high')
    expect(lastParams()).toMatchObject({ page: 1, priority: ['high'] })
  })

  it('debounces the search box into one URL change and one request', async () => {
    let router
    ;({ wrapper, router } = await mountApp('/?page=3'))
    listMock.mockClear()

    const input = wrapper.get('#ticket-search')
    for (const text of ['п', 'пр', 'при', 'принтер']) await input.setValue(text)
    expect(listMock).not.toHaveBeenCalled()
    await new Promise((resolve) => setTimeout(resolve, 450))
    await flushPromises()

    expect(router.currentRoute.value.query).toEqual({ search: 'принтер' })
    expect(listMock).toHaveBeenCalledTimes(1)
    expect(lastParams()).toMatchObject({ search: 'принтер', page: 1 })
  })

  it('offers to clear filters when nothing matches, and clearing empties the URL', async () => {
    listMock.mockResolvedValue(makePage([]))
    let router
    ;({ wrapper, router } = await mountApp('/?status=closed&search=zzz&ordering=title'))

    expect(wrapper.text()).toContain('No tickets match these filters.')
    const clear = wrapper.findAll('button').find((button) => button.text() === 'Clear filters')
    await clear?.trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.query).toEqual({ ordering: 'title' })
  })

  it('shows a network failure with a retry instead of an empty table', async () => {
    listMock.mockRejectedValueOnce(new NetworkError(new TypeError('Failed to fetch')))
    ;({ wrapper } = await mountApp('/'))

    expect(wrapper.get('[role="alert"]').text()).toContain('The server cannot be reached.')
    expect(wrapper.find('table').exists()).toBe(false)

    const retry = wrapper.findAll('button').find((button) => button.text() === 'Try again')
    await retry?.trigger('click')
    await flushPromises()

    expect(wrapper.find('table').exists()).toBe(true)
    expect(wrapper.text()).toContain('Нет сети')
  })

  it('shows agents the status select and delete button, and requesters neither', async () => {
    ;({ wrapper } = await mountApp('/', AGENT))
    expect(wrapper.findAll('[aria-label="Status of ticket 7"]').length).toBe(1)
    expect(wrapper.find('[aria-label="Delete ticket 7"]').exists()).toBe(true)
    expect(wrapper.find('#filter-assignee-label').exists()).toBe(true)
    wrapper.unmount()

    ;({ wrapper } = await mountApp('/', REQUESTER))
    expect(wrapper.find('[aria-label="Status of ticket 7"]').exists()).toBe(false)
    expect(wrapper.find('[aria-label="Delete ticket 7"]').exists()).toBe(false)
    expect(wrapper.find('#filter-assignee-label').exists()).toBe(false)
  })

  it('falls back to the first page when the page no longer exists', async () => {
    listMock.mockRejectedValueOnce(new ValidationError({ page: ['There is no page 9: the last page is 1.'] }))
    let router
    ;({ wrapper, router } = await mountApp('/?status=new&page=9'))

    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/?status=new'))
    await flushPromises()
    expect(lastParams()).toMatchObject({ page: 1, status: ['new'] })
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('says when the total is an estimate', async () => {
    listMock.mockResolvedValue({ ...makePage([makeTicket()], 125000), count_exact: false })
    ;({ wrapper } = await mountApp('/'))

    expect(wrapper.text()).toContain('Tickets found: about 125,000')
  })
})
