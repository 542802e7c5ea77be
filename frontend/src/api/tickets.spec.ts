import { describe, expect, it } from 'vitest'
import { ConflictError, ForbiddenError, NetworkError, NotFoundError, ServerError, ValidationError } from './http'
import {
  createTicket,
  deleteTicket,
  getTicket,
  listDeletedTickets,
  listTickets,
  replaceTicket,
  restoreTicket,
  updateTicket,
} from './tickets'
import type { Ticket } from './types'
import { emptyResponse, jsonResponse, recorded, stubFetch } from '@/test/fetch'

function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 7,
    title: 'Принтер не печатает',
    description: 'Третий этаж',
    status: 'new',
    priority: 'medium',
    assignee: null,
    assignee_name: null,
    requester: 3,
    requester_name: 'Анна Петрова',
    created_at: '2026-11-20T09:30:00Z',
    updated_at: '2026-11-20T09:30:00Z',
    resolved_at: null,
    version: 1,
    ...overrides,
  }
}

const emptyPage = { count: 0, next: null, previous: null, results: [] }

describe('listTickets', () => {
  it('sends GET /api/tickets without a query when no params are given', async () => {
    const fetchMock = stubFetch(jsonResponse(emptyPage))

    const page = await listTickets()

    expect(recorded(fetchMock).method).toBe('GET')
    expect(recorded(fetchMock).url).toBe('/api/tickets')
    expect(page).toEqual(emptyPage)
  })

  it('sends repeated status and priority params with assignee, search, ordering and page', async () => {
    const fetchMock = stubFetch(jsonResponse(emptyPage))

    await listTickets({
      status: ['new', 'in_progress'],
      priority: ['high', 'critical'],
      assignee: 'me',
      search: ' принтер ',
      ordering: '-created_at',
      page: 2,
      page_size: 50,
    })

    const url = new URL(recorded(fetchMock).url, 'http://localhost')
    expect(url.pathname).toBe('/api/tickets')
    expect(url.searchParams.getAll('status')).toEqual(['new', 'in_progress'])
    expect(url.searchParams.getAll('priority')).toEqual(['high', 'critical'])
    expect(url.searchParams.get('assignee')).toBe('me')
    expect(url.searchParams.get('search')).toBe('принтер')
    expect(url.searchParams.get('ordering')).toBe('-created_at')
    expect(url.searchParams.get('page')).toBe('2')
    expect(url.searchParams.get('page_size')).toBe('50')
  })

  it('sends a cursor instead of a page, with the filters', async () => {
    const fetchMock = stubFetch(jsonResponse(emptyPage))

    await listTickets({ status: ['new'], ordering: 'title', cursor: 'cD0yMDI2LTExLTIw', page_size: 10 })

    expect(recorded(fetchMock).url).toBe('/api/tickets?status=new&ordering=title&cursor=cD0yMDI2LTExLTIw&page_size=10')
  })

  it('maps a page number beyond the numbered pages to ValidationError on page', async () => {
    stubFetch(jsonResponse({ page: ['Page numbers end at 400 for 25 per page: follow the next link.'] }, { status: 400 }))

    const error = (await listTickets({ page: 401 }).catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(Object.keys(error.fieldErrors)).toEqual(['page'])
  })

  it('sends a numeric assignee and none', async () => {
    const fetchMock = stubFetch(jsonResponse(emptyPage), jsonResponse(emptyPage))

    await listTickets({ assignee: 12 })
    await listTickets({ assignee: 'none' })

    expect(recorded(fetchMock, 0).url).toBe('/api/tickets?assignee=12')
    expect(recorded(fetchMock, 1).url).toBe('/api/tickets?assignee=none')
  })

  it('returns the page with its results', async () => {
    const ticket = makeTicket()
    stubFetch(jsonResponse({ count: 1, next: null, previous: null, results: [ticket] }))

    const page = await listTickets()

    expect(page.count).toBe(1)
    expect(page.results).toEqual([ticket])
  })

  it('maps an invalid filter to ValidationError naming the parameter', async () => {
    stubFetch(jsonResponse({ status: ['Select a valid choice. bogus is not one of the available choices.'] }, { status: 400 }))

    const error = (await listTickets().catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(Object.keys(error.fieldErrors)).toEqual(['status'])
  })

  it('maps a page past the end to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Invalid page.' }, { status: 404 }))

    await expect(listTickets({ page: 99 })).rejects.toBeInstanceOf(NotFoundError)
  })

  it('maps a network failure to NetworkError', async () => {
    stubFetch(new TypeError('Failed to fetch'))

    await expect(listTickets()).rejects.toBeInstanceOf(NetworkError)
  })
})

describe('getTicket', () => {
  it('sends GET /api/tickets/{id} and returns the ticket with its ETag', async () => {
    const ticket = makeTicket()
    const fetchMock = stubFetch(jsonResponse(ticket, { headers: { ETag: '"1"' } }))

    const result = await getTicket(7)

    expect(recorded(fetchMock).method).toBe('GET')
    expect(recorded(fetchMock).url).toBe('/api/tickets/7')
    expect(result).toEqual({ ticket, etag: '"1"' })
  })

  it('maps 404 to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'No Ticket matches the given query.' }, { status: 404 }))

    await expect(getTicket(404)).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('createTicket', () => {
  it('sends POST /api/tickets with the CSRF header and the JSON body', async () => {
    document.cookie = 'csrftoken=token-1'
    const ticket = makeTicket()
    const fetchMock = stubFetch(jsonResponse(ticket, { status: 201, headers: { ETag: '"1"' } }))

    const result = await createTicket({ title: 'Принтер не печатает', description: 'Третий этаж', priority: 'high' })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/api/tickets')
    expect(sent.headers['x-csrftoken']).toBe('token-1')
    expect(sent.headers['content-type']).toBe('application/json')
    expect(sent.body).toEqual({ title: 'Принтер не печатает', description: 'Третий этаж', priority: 'high' })
    expect(result.ticket).toEqual(ticket)
  })

  it('sends the Idempotency-Key when given one', async () => {
    const fetchMock = stubFetch(jsonResponse(makeTicket(), { status: 201 }), jsonResponse(makeTicket(), { status: 201 }))

    await createTicket({ title: 'T' }, { idempotencyKey: 'key-1' })
    await createTicket({ title: 'T' })

    expect(recorded(fetchMock, 0).headers['idempotency-key']).toBe('key-1')
    expect(recorded(fetchMock, 1).headers['idempotency-key']).toBeUndefined()
  })

  it('maps 400 to ValidationError with the field messages', async () => {
    stubFetch(jsonResponse({ title: ['This field may not be blank.'] }, { status: 400 }))

    const error = (await createTicket({ title: ' ' }).catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(error.fieldErrors.title).toEqual(['This field may not be blank.'])
  })

  it('maps 5xx to ServerError', async () => {
    stubFetch(jsonResponse({ detail: 'A server error occurred.' }, { status: 500 }))

    await expect(createTicket({ title: 'x' })).rejects.toBeInstanceOf(ServerError)
  })
})

describe('updateTicket', () => {
  it('sends PATCH /api/tickets/{id} with only the changed fields, CSRF and If-Match', async () => {
    document.cookie = 'csrftoken=token-2'
    const ticket = makeTicket({ status: 'in_progress', version: 2 })
    const fetchMock = stubFetch(jsonResponse(ticket, { headers: { ETag: '"2"' } }))

    const result = await updateTicket(7, { status: 'in_progress' }, { etag: '"1"' })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('PATCH')
    expect(sent.url).toBe('/api/tickets/7')
    expect(sent.body).toEqual({ status: 'in_progress' })
    expect(sent.headers['x-csrftoken']).toBe('token-2')
    expect(sent.headers['if-match']).toBe('"1"')
    expect(result).toEqual({ ticket, etag: '"2"' })
  })

  it('sends no If-Match without an ETag', async () => {
    const fetchMock = stubFetch(jsonResponse(makeTicket()))

    await updateTicket(7, { status: 'closed' })

    expect(recorded(fetchMock).headers['if-match']).toBeUndefined()
  })

  it('maps 412 to ConflictError carrying the current ticket', async () => {
    const current = makeTicket({ title: 'Changed by someone else', version: 3 })
    stubFetch(jsonResponse(current, { status: 412, headers: { ETag: '"3"' } }))

    const error = (await updateTicket(7, { title: 'Mine' }, { etag: '"1"' }).catch((e: unknown) => e)) as ConflictError<Ticket>

    expect(error).toBeInstanceOf(ConflictError)
    expect(error.current).toEqual(current)
    expect(error.etag).toBe('"3"')
  })
})

describe('replaceTicket', () => {
  it('sends PUT /api/tickets/{id} with the full body and If-Match', async () => {
    const ticket = makeTicket()
    const fetchMock = stubFetch(jsonResponse(ticket))
    const body = { title: 'T', description: '', priority: 'low', status: 'new', assignee: null } as const

    await replaceTicket(7, body, { etag: '"1"' })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('PUT')
    expect(sent.url).toBe('/api/tickets/7')
    expect(sent.body).toEqual(body)
    expect(sent.headers['if-match']).toBe('"1"')
  })
})

describe('deleteTicket', () => {
  it('sends DELETE /api/tickets/{id} with CSRF and If-Match and no body', async () => {
    document.cookie = 'csrftoken=token-3'
    const fetchMock = stubFetch(emptyResponse(204))

    await deleteTicket(7, { etag: '"4"' })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('DELETE')
    expect(sent.url).toBe('/api/tickets/7')
    expect(sent.body).toBeUndefined()
    expect(sent.headers['content-type']).toBeUndefined()
    expect(sent.headers['x-csrftoken']).toBe('token-3')
    expect(sent.headers['if-match']).toBe('"4"')
  })

  it('maps 404 for an already deleted ticket to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(deleteTicket(7)).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('listDeletedTickets', () => {
  it('sends GET /api/tickets/deleted with the page and returns the typed page', async () => {
    const ticket = makeTicket({ id: 9 })
    const fetchMock = stubFetch(jsonResponse({ count: 1, count_exact: true, next: null, previous: null, results: [ticket] }))

    const page = await listDeletedTickets({ page: 2, page_size: 10 })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('GET')
    expect(sent.url).toBe('/api/tickets/deleted?page=2&page_size=10')
    expect(page.results).toEqual([ticket])
    expect(page.count_exact).toBe(true)
  })

  it('sends a cursor instead of a page', async () => {
    const fetchMock = stubFetch(jsonResponse(emptyPage))

    await listDeletedTickets({ cursor: 'abc' })

    expect(recorded(fetchMock).url).toBe('/api/tickets/deleted?cursor=abc')
  })

  it('maps 403 for a requester to ForbiddenError', async () => {
    stubFetch(jsonResponse({ detail: 'You do not have permission to perform this action.' }, { status: 403 }))

    await expect(listDeletedTickets()).rejects.toBeInstanceOf(ForbiddenError)
  })
})

describe('restoreTicket', () => {
  it('sends POST /api/tickets/{id}/restore with CSRF and no body, and returns the ticket with its ETag', async () => {
    document.cookie = 'csrftoken=token-4'
    const ticket = makeTicket({ id: 9, version: 5 })
    const fetchMock = stubFetch(jsonResponse(ticket, { headers: { ETag: '"5"' } }))

    const result = await restoreTicket(9)

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/api/tickets/9/restore')
    expect(sent.body).toBeUndefined()
    expect(sent.headers['x-csrftoken']).toBe('token-4')
    expect(result).toEqual({ ticket, etag: '"5"' })
  })

  it('maps 404 for a ticket that is not deleted to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(restoreTicket(9)).rejects.toBeInstanceOf(NotFoundError)
  })
})
