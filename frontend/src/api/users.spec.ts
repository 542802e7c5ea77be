import { describe, expect, it } from 'vitest'
import { ForbiddenError } from './http'
import { listAgents } from './users'
import { jsonResponse, recorded, stubFetch } from '@/test/fetch'

describe('listAgents', () => {
  it('sends GET /api/users with search and page size', async () => {
    const page = { count: 1, next: null, previous: null, results: [{ id: 2, username: 'olga', display_name: 'Ольга' }] }
    const fetchMock = stubFetch(jsonResponse(page))

    const result = await listAgents({ search: 'ольга', page_size: 100 })

    const url = new URL(recorded(fetchMock).url, 'http://localhost')
    expect(recorded(fetchMock).method).toBe('GET')
    expect(url.pathname).toBe('/api/users')
    expect(url.searchParams.get('search')).toBe('ольга')
    expect(url.searchParams.get('page_size')).toBe('100')
    expect(result).toEqual(page)
  })

  it('sends a cursor instead of a page', async () => {
    const fetchMock = stubFetch(jsonResponse({ count: 0, next: null, previous: null, results: [] }))

    await listAgents({ cursor: 'cj0x', page_size: 100 })

    expect(recorded(fetchMock).url).toBe('/api/users?cursor=cj0x&page_size=100')
  })

  it('maps a requester asking to ForbiddenError', async () => {
    stubFetch(jsonResponse({ detail: 'You do not have permission to perform this action.' }, { status: 403 }))

    await expect(listAgents()).rejects.toBeInstanceOf(ForbiddenError)
  })
})
