import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  ApiError,
  buildUrl,
  ConflictError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  request,
  ServerError,
  setLanguageProvider,
  setUnauthorizedHandler,
  ThrottledError,
  UnauthorizedError,
  ValidationError,
} from './http'
import { emptyResponse, jsonResponse, recorded, stubFetch } from '@/test/fetch'

afterEach(() => {
  setUnauthorizedHandler(null)
  setLanguageProvider(null)
})

describe('buildUrl', () => {
  it('repeats array params and skips empty values', () => {
    const url = buildUrl('/tickets', { status: ['new', 'on_hold'], search: '', page: 2, assignee: null })

    expect(url).toBe('/api/tickets?status=new&status=on_hold&page=2')
  })

  it('encodes Cyrillic and reserved characters', () => {
    expect(buildUrl('/tickets', { search: 'принтер & co' })).toBe(
      '/api/tickets?search=%D0%BF%D1%80%D0%B8%D0%BD%D1%82%D0%B5%D1%80+%26+co',
    )
  })
})

describe('request', () => {
  it('sends same-origin credentials and asks for JSON', async () => {
    const fetchMock = stubFetch(jsonResponse({ ok: true }))

    const response = await request<{ ok: boolean }>('/things')

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('GET')
    expect(sent.url).toBe('/api/things')
    expect(sent.credentials).toBe('same-origin')
    expect(sent.headers.accept).toBe('application/json')
    expect(sent.headers['x-csrftoken']).toBeUndefined()
    expect(response.data).toEqual({ ok: true })
  })

  it('sends the CSRF cookie value on unsafe methods', async () => {
    document.cookie = 'csrftoken=abc123'
    const fetchMock = stubFetch(jsonResponse({}, { status: 201 }), jsonResponse({}), jsonResponse({}), emptyResponse())

    await request('/things', { method: 'POST', body: {} })
    await request('/things/1', { method: 'PUT', body: {} })
    await request('/things/1', { method: 'PATCH', body: {} })
    await request('/things/1', { method: 'DELETE' })

    for (const call of [0, 1, 2, 3]) expect(recorded(fetchMock, call).headers['x-csrftoken']).toBe('abc123')
  })

  it('sends a JSON body with its content type', async () => {
    const fetchMock = stubFetch(jsonResponse({}, { status: 201 }))

    await request('/things', { method: 'POST', body: { title: 'Принтер' } })

    const sent = recorded(fetchMock)
    expect(sent.headers['content-type']).toBe('application/json')
    expect(sent.body).toEqual({ title: 'Принтер' })
  })

  it('sends If-Match and returns the ETag of the answer', async () => {
    const fetchMock = stubFetch(jsonResponse({ id: 1 }, { headers: { ETag: '"3"' } }))

    const response = await request('/things/1', { method: 'PATCH', body: {}, ifMatch: '"2"' })

    expect(recorded(fetchMock).headers['if-match']).toBe('"2"')
    expect(response.etag).toBe('"3"')
  })

  it('sends the UI language as Accept-Language', async () => {
    setLanguageProvider(() => 'ru')
    const fetchMock = stubFetch(jsonResponse({}))

    await request('/things')

    expect(recorded(fetchMock).headers['accept-language']).toBe('ru')
  })

  it('returns undefined data for 204', async () => {
    stubFetch(emptyResponse(204))

    const response = await request('/things/1', { method: 'DELETE' })

    expect(response.status).toBe(204)
    expect(response.data).toBeUndefined()
  })

  it('maps 400 to ValidationError with field and non-field messages', async () => {
    stubFetch(
      jsonResponse(
        { title: ['This field may not be blank.'], assignee: 'Not an agent.', non_field_errors: ['Bad combination.'] },
        { status: 400 },
      ),
    )

    const error = await request('/things', { method: 'POST', body: {} }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ValidationError)
    const validation = error as ValidationError
    expect(validation.status).toBe(400)
    expect(validation.fieldErrors).toEqual({
      title: ['This field may not be blank.'],
      assignee: ['Not an agent.'],
    })
    expect(validation.nonFieldErrors).toEqual(['Bad combination.'])
  })

  it('maps a 400 with only detail to a non-field message', async () => {
    stubFetch(jsonResponse({ detail: 'JSON parse error' }, { status: 400 }))

    const error = (await request('/things').catch((e: unknown) => e)) as ValidationError

    expect(error.detail).toBe('JSON parse error')
    expect(error.message).toBe('JSON parse error')
    expect(error.nonFieldErrors).toEqual(['JSON parse error'])
    expect(error.fieldErrors).toEqual({})
  })

  it('maps 401 to UnauthorizedError and calls the unauthorized handler', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    stubFetch(jsonResponse({ detail: 'Authentication credentials were not provided.' }, { status: 401 }))

    const error = await request('/things').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(UnauthorizedError)
    expect((error as UnauthorizedError).detail).toBe('Authentication credentials were not provided.')
    expect(handler).toHaveBeenCalledWith(error)
  })

  it('does not call the unauthorized handler when the caller opts out', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    stubFetch(jsonResponse({ detail: 'no' }, { status: 401 }))

    await expect(request('/auth/me', { authRedirect: false })).rejects.toBeInstanceOf(UnauthorizedError)
    expect(handler).not.toHaveBeenCalled()
  })

  it('maps 403 to ForbiddenError with the detail', async () => {
    stubFetch(jsonResponse({ detail: 'You do not have permission to perform this action.' }, { status: 403 }))

    const error = await request('/things').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ForbiddenError)
    expect((error as ForbiddenError).message).toBe('You do not have permission to perform this action.')
  })

  it('maps 404 to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(request('/things/9')).rejects.toBeInstanceOf(NotFoundError)
  })

  it('maps 412 to ConflictError carrying the current resource and its ETag', async () => {
    stubFetch(jsonResponse({ id: 1, version: 5 }, { status: 412, headers: { ETag: '"5"' } }))

    const error = await request('/things/1', { method: 'PATCH', body: {}, ifMatch: '"4"' }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).current).toEqual({ id: 1, version: 5 })
    expect((error as ConflictError).etag).toBe('"5"')
  })

  it('maps 429 to ThrottledError with Retry-After', async () => {
    stubFetch(jsonResponse({ detail: 'Request was throttled.' }, { status: 429, headers: { 'Retry-After': '42' } }))

    const error = await request('/auth/login', { method: 'POST', body: {} }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ThrottledError)
    expect((error as ThrottledError).retryAfter).toBe(42)
  })

  it.each([500, 502, 503])('maps %i to ServerError even with an HTML body', async (status) => {
    stubFetch(new Response('<h1>Server Error</h1>', { status, headers: { 'Content-Type': 'text/html' } }))

    const error = await request('/things').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ServerError)
    expect((error as ServerError).status).toBe(status)
    expect((error as ServerError).message).toBe(`HTTP ${status}`)
  })

  it('maps other statuses to a plain ApiError', async () => {
    stubFetch(jsonResponse({ detail: 'Method "PUT" not allowed.' }, { status: 405 }))

    const error = await request('/things', { method: 'PUT', body: {} }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(405)
  })

  it('maps a failed fetch to NetworkError', async () => {
    stubFetch(new TypeError('Failed to fetch'))

    const error = await request('/things').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).cause).toBeInstanceOf(TypeError)
  })

  it('lets an abort through untouched', async () => {
    stubFetch(new DOMException('The operation was aborted.', 'AbortError'))

    const error = await request('/things').catch((e: unknown) => e)

    expect(error).not.toBeInstanceOf(NetworkError)
    expect((error as Error).name).toBe('AbortError')
  })
})
