import { describe, expect, it } from 'vitest'
import { ForbiddenError, NotFoundError, ValidationError } from './http'
import { createComment, listComments } from './comments'
import type { Comment } from './types'
import { jsonResponse, recorded, stubFetch } from '@/test/fetch'

function makeComment(overrides: Partial<Comment> = {}): Comment {
  return {
    id: 11,
    ticket: 7,
    author: 3,
    author_name: 'Анна Петрова',
    created_at: '2026-11-20T09:40:00Z',
    text: 'Бумага всё ещё застревает.',
    internal: false,
    ...overrides,
  }
}

describe('listComments', () => {
  it('sends GET /api/tickets/{id}/comments with the page and returns the typed page', async () => {
    const comment = makeComment()
    const fetchMock = stubFetch(jsonResponse({ count: 1, count_exact: true, next: null, previous: null, results: [comment] }))

    const page = await listComments(7, { page: 3 })

    expect(recorded(fetchMock).method).toBe('GET')
    expect(recorded(fetchMock).url).toBe('/api/tickets/7/comments?page=3')
    expect(page.results).toEqual([comment])
  })

  it('sends a cursor instead of a page', async () => {
    const fetchMock = stubFetch(jsonResponse({ count: 0, next: null, previous: null, results: [] }))

    await listComments(7, { cursor: 'cj0x' })

    expect(recorded(fetchMock).url).toBe('/api/tickets/7/comments?cursor=cj0x')
  })

  it('maps 404 to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(listComments(7)).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('createComment', () => {
  it('sends POST /api/tickets/{id}/comments with CSRF and the JSON body, and returns the comment', async () => {
    document.cookie = 'csrftoken=token-5'
    const comment = makeComment({ internal: true })
    const fetchMock = stubFetch(jsonResponse(comment, { status: 201 }))

    const result = await createComment(7, { text: 'Бумага всё ещё застревает.', internal: true })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/api/tickets/7/comments')
    expect(sent.headers['x-csrftoken']).toBe('token-5')
    expect(sent.headers['content-type']).toBe('application/json')
    expect(sent.body).toEqual({ text: 'Бумага всё ещё застревает.', internal: true })
    expect(result).toEqual(comment)
  })

  it('maps 400 to ValidationError with the text messages', async () => {
    stubFetch(jsonResponse({ text: ['This field may not be blank.'] }, { status: 400 }))

    const error = (await createComment(7, { text: ' ', internal: false }).catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(error.fieldErrors.text).toEqual(['This field may not be blank.'])
  })

  it('maps 403 for a requester asking for an internal note to ForbiddenError', async () => {
    stubFetch(jsonResponse({ detail: 'Only agents may write internal notes.' }, { status: 403 }))

    const error = (await createComment(7, { text: 'x', internal: true }).catch((e: unknown) => e)) as ForbiddenError

    expect(error).toBeInstanceOf(ForbiddenError)
    expect(error.detail).toBe('Only agents may write internal notes.')
  })
})
