import { describe, expect, it, vi } from 'vitest'
import { getCurrentUser, login, logout } from './auth'
import { NetworkError, setUnauthorizedHandler, ThrottledError, ValidationError } from './http'
import { emptyResponse, jsonResponse, recorded, stubFetch } from '@/test/fetch'

const agent = { id: 1, username: 'olga', display_name: 'Ольга Смирнова', role: 'agent' }

describe('getCurrentUser', () => {
  it('sends GET /api/auth/me and returns the user', async () => {
    const fetchMock = stubFetch(jsonResponse(agent))

    const user = await getCurrentUser()

    expect(recorded(fetchMock).method).toBe('GET')
    expect(recorded(fetchMock).url).toBe('/api/auth/me')
    expect(user).toEqual(agent)
  })

  it('returns null for an anonymous visitor without calling the 401 handler', async () => {
    const handler = vi.fn()
    setUnauthorizedHandler(handler)
    stubFetch(jsonResponse({ detail: 'Authentication credentials were not provided.' }, { status: 401 }))

    const user = await getCurrentUser()

    expect(user).toBeNull()
    expect(handler).not.toHaveBeenCalled()
    setUnauthorizedHandler(null)
  })

  it('maps a network failure to NetworkError', async () => {
    stubFetch(new TypeError('Failed to fetch'))

    await expect(getCurrentUser()).rejects.toBeInstanceOf(NetworkError)
  })
})

describe('login', () => {
  it('sends POST /api/auth/login with the credentials and the CSRF header', async () => {
    document.cookie = 'csrftoken=login-token'
    const fetchMock = stubFetch(jsonResponse(agent))

    const user = await login({ username: 'olga', password: 's3cret' })

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('POST')
    expect(sent.url).toBe('/api/auth/login')
    expect(sent.body).toEqual({ username: 'olga', password: 's3cret' })
    expect(sent.headers['x-csrftoken']).toBe('login-token')
    expect(user).toEqual(agent)
  })

  it('maps wrong credentials to ValidationError', async () => {
    stubFetch(jsonResponse({ non_field_errors: ['Invalid username or password.'] }, { status: 400 }))

    const error = (await login({ username: 'olga', password: 'x' }).catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(error.nonFieldErrors).toEqual(['Invalid username or password.'])
  })

  it('maps too many attempts to ThrottledError', async () => {
    stubFetch(jsonResponse({ detail: 'Request was throttled.' }, { status: 429 }))

    await expect(login({ username: 'olga', password: 'x' })).rejects.toBeInstanceOf(ThrottledError)
  })
})

describe('logout', () => {
  it('sends POST /api/auth/logout with the CSRF header', async () => {
    document.cookie = 'csrftoken=bye'
    const fetchMock = stubFetch(emptyResponse(204))

    await logout()

    expect(recorded(fetchMock).method).toBe('POST')
    expect(recorded(fetchMock).url).toBe('/api/auth/logout')
    expect(recorded(fetchMock).headers['x-csrftoken']).toBe('bye')
  })
})
