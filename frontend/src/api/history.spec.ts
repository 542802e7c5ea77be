import { describe, expect, it } from 'vitest'
import { NotFoundError } from './http'
import { listHistory } from './history'
import type { TicketChange } from './types'
import { jsonResponse, recorded, stubFetch } from '@/test/fetch'

const change: TicketChange = {
  id: 31,
  created_at: '2026-11-20T09:35:00Z',
  actor: 3,
  actor_name: 'Анна Петрова',
  action: 'changed',
  field: 'status',
  old_value: 'new',
  new_value: 'in_progress',
  old_label: 'Новое',
  new_label: 'В работе',
  comment: null,
  internal: false,
}

describe('listHistory', () => {
  it('sends GET /api/tickets/{id}/history without a query for the first page', async () => {
    const fetchMock = stubFetch(jsonResponse({ count: 0, count_exact: true, next: null, previous: null, results: [] }))

    await listHistory(7)

    expect(recorded(fetchMock).method).toBe('GET')
    expect(recorded(fetchMock).url).toBe('/api/tickets/7/history')
  })

  it('sends page and page_size and returns the typed entries', async () => {
    const body = { count: 21, count_exact: true, next: null, previous: '/api/tickets/7/history?page=1', results: [change] }
    const fetchMock = stubFetch(jsonResponse(body))

    const page = await listHistory(7, { page: 2, page_size: 20 })

    expect(recorded(fetchMock).url).toBe('/api/tickets/7/history?page=2&page_size=20')
    expect(page.results[0]).toEqual(change)
    expect(page.count).toBe(21)
  })

  it('sends a cursor instead of a page', async () => {
    const fetchMock = stubFetch(jsonResponse({ count: 0, next: null, previous: null, results: [] }))

    await listHistory(7, { cursor: 'cj0x', page_size: 20 })

    expect(recorded(fetchMock).url).toBe('/api/tickets/7/history?cursor=cj0x&page_size=20')
  })

  it('maps 404 for a ticket that is gone or not visible to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(listHistory(8)).rejects.toBeInstanceOf(NotFoundError)
  })
})
