import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import Select from 'primevue/select'
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

const NEXT = 'http://localhost:3000/api/tickets?cursor=bj0yMDI2LTExLTE5&status=new'
const AFTER = 'http://localhost:3000/api/tickets?cursor=bj0yMDI2LTExLTE4&status=new'
const BEFORE = 'http://localhost:3000/api/tickets?cursor=cj0xJnA9MjAyNi0xMS0xOA&status=new'

function pageNumbers(w: VueWrapper) {
  return w.findAll('.p-paginator-page').map((button) => button.text())
}

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

  it('puts a page number into the URL, and back restores the previous page', async () => {
    let router
    ;({ wrapper, router } = await mountApp('/?priority=high'))

    await wrapper.get('button[aria-label="Page 2"]').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/?priority=high&page=2')
    expect(lastParams()).toMatchObject({ page: 2, priority: ['high'] })
    expect(wrapper.get('button[aria-current="page"]').text()).toBe('2')

    router.back()
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 0))
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/?priority=high')
    expect(lastParams()).toMatchObject({ page: 1, priority: ['high'] })
  })

  it('shows the page numbers in a labelled navigation landmark, the current one marked', async () => {
    ;({ wrapper } = await mountApp('/?page=3'))

    const nav = wrapper.get('nav[aria-label="Pages of the ticket list"]')
    expect(pageNumbers(wrapper)).toEqual(['1', '2', '3', '4', '5'])
    expect(nav.get('[aria-current="page"]').attributes('aria-label')).toBe('Page 3')
    expect(nav.findAll('[aria-current]')).toHaveLength(1)
    expect(nav.get('button[aria-label="Last page, 5"]').attributes('disabled')).toBeUndefined()
    expect(nav.get('button[aria-label="First page"]').attributes('disabled')).toBeUndefined()
    for (const button of nav.findAll('button')) {
      expect(button.attributes('type')).toBe('button')
      expect(button.attributes('aria-label') ?? button.text()).not.toBe('')
    }
  })

  it('says "N tickets" when the count is exact', async () => {
    ;({ wrapper } = await mountApp('/'))

    expect(wrapper.get('.ticket-list-view__total').text()).toBe('120 tickets')
  })

  it('says "about N tickets" for an estimate, numbers pages to the limit and offers no last page', async () => {
    listMock.mockResolvedValue(makePage([makeTicket()], 125000, { count_exact: false, next: NEXT }))
    ;({ wrapper } = await mountApp('/?page=398'))

    expect(wrapper.get('.ticket-list-view__total').text()).toBe('about 125,000 tickets')
    expect(pageNumbers(wrapper)).toEqual(['396', '397', '398', '399', '400'])
    expect(wrapper.find('button[aria-label^="Last page"]').exists()).toBe(false)
  })

  it('follows the next and previous links with the cursor in the URL, and First page leads back', async () => {
    listMock.mockResolvedValue(makePage([makeTicket()], 125000, { count_exact: false, next: NEXT }))
    let router
    ;({ wrapper, router } = await mountApp('/?status=new&page=400'))

    listMock.mockResolvedValue(makePage([makeTicket({ id: 3 })], 125000, { count_exact: false, next: AFTER, previous: BEFORE }))
    await wrapper.get('button[aria-label="Next page"]').trigger('click')
    await flushPromises()

    expect(router.currentRoute.value.fullPath).toBe('/?status=new&cursor=bj0yMDI2LTExLTE5')
    expect(lastParams()).toEqual({ status: ['new'], priority: [], assignee: null, ordering: '-created_at', cursor: 'bj0yMDI2LTExLTE5', page_size: 25 })
    expect(pageNumbers(wrapper)).toEqual([])
    expect(wrapper.find('[aria-current="page"]').exists()).toBe(false)
    expect(wrapper.get('.ticket-list-view__total').text()).toBe('about 125,000 tickets')

    await wrapper.get('button[aria-label="Next page"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.cursor).toBe('bj0yMDI2LTExLTE4')

    await wrapper.get('button[aria-label="Previous page"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.cursor).toBe('cj0xJnA9MjAyNi0xMS0xOA')
    expect(lastParams()).toMatchObject({ cursor: 'cj0xJnA9MjAyNi0xMS0xOA' })

    router.back()
    await flushPromises()
    await new Promise((resolve) => setTimeout(resolve, 0))
    await flushPromises()
    expect(lastParams()).toMatchObject({ cursor: 'bj0yMDI2LTExLTE4' })

    await wrapper.get('button[aria-label="First page"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/?status=new')
    expect(lastParams()).toMatchObject({ page: 1 })
    expect(lastParams()).not.toHaveProperty('cursor')
  })

  it('follows next from a numbered page too, and a change of filter leaves the cursor page', async () => {
    listMock.mockResolvedValue(makePage([makeTicket()], 120, { next: NEXT }))
    let router
    ;({ wrapper, router } = await mountApp('/?page=2'))

    await wrapper.get('button[aria-label="Next page"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/?cursor=bj0yMDI2LTExLTE5')

    await wrapper.get('#ticket-search').setValue('принтер')
    await new Promise((resolve) => setTimeout(resolve, 450))
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ search: 'принтер' })
  })

  it('disables previous and next where the answer has no link', async () => {
    ;({ wrapper } = await mountApp('/'))

    expect(wrapper.get('button[aria-label="Previous page"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('button[aria-label="Next page"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('button[aria-label="First page"]').attributes('disabled')).toBeDefined()
  })

  it('falls back to the first page and says so when a page number is past the numbered pages', async () => {
    listMock.mockRejectedValueOnce(
      new ValidationError({ page: ['Page numbers end at 400 for 25 tickets a page: follow the next link.'] }),
    )
    let router
    ;({ wrapper, router } = await mountApp('/?priority=high&page=401', AGENT, { toasts: true }))

    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/?priority=high'))
    await flushPromises()
    expect(lastParams()).toMatchObject({ page: 1, priority: ['high'] })
    expect(document.body.textContent).toContain(
      'Page 401 cannot be opened by its number (numbers go up to 400), so here is the first page.',
    )
    expect(wrapper.find('table').exists()).toBe(true)
    router.back()
    await flushPromises()
    expect(router.currentRoute.value.fullPath).not.toContain('page=401')
  })

  it('falls back to the first page and says so when the API no longer accepts a cursor', async () => {
    listMock.mockRejectedValueOnce(new ValidationError({ cursor: ['Invalid cursor'] }))
    let router
    ;({ wrapper, router } = await mountApp('/?cursor=c3RhbGU', AGENT, { toasts: true }))

    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/'))
    await flushPromises()
    expect(document.body.textContent).toContain('That place in the list can no longer be opened, so here is the first page.')
  })

  it('changes the page size from the pager and starts again from page 1', async () => {
    let router
    ;({ wrapper, router } = await mountApp('/?page=3'))

    const pageSize = wrapper.findAllComponents(Select).find((select) => select.classes('p-paginator-rpp-dropdown'))
    expect(pageSize?.find('[aria-label="Rows per page"]').exists()).toBe(true)
    pageSize?.vm.$emit('update:modelValue', 50)
    await flushPromises()

    expect(router.currentRoute.value.query).toEqual({ page_size: '50' })
    expect(lastParams()).toMatchObject({ page: 1, page_size: 50 })
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

    expect(wrapper.text()).toContain('about 125,000 tickets')
  })
})
