import { describe, expect, it } from 'vitest'
import { apiLinkPath, NotFoundError, ValidationError } from './http'
import { getPage } from './pages'
import { jsonResponse, recorded, stubFetch } from '@/test/fetch'

const origin = window.location.origin
const entry = { id: 31, text: 'Картридж заменили' }

describe('getPage', () => {
  it('GETs the next link on this origin as the API wrote it and returns the typed page', async () => {
    const next = `${origin}/api/tickets/7/comments?cursor=cD0yMDI2LTExLTIw&page_size=20`
    const body = { count: 41, count_exact: true, next: null, previous: `${origin}/api/tickets/7/comments?cursor=cj0x`, results: [entry] }
    const fetchMock = stubFetch(jsonResponse(body))

    const page = await getPage<typeof entry>(next)

    const sent = recorded(fetchMock)
    expect(sent.method).toBe('GET')
    expect(sent.url).toBe('/api/tickets/7/comments?cursor=cD0yMDI2LTExLTIw&page_size=20')
    expect(sent.credentials).toBe('same-origin')
    expect(sent.headers.accept).toBe('application/json')
    expect(page).toEqual(body)
  })

  it('keeps repeated filters and encoded values of the link untouched', async () => {
    const next = `${origin}/api/tickets?cursor=bz0xJnA9Mg%3D%3D&ordering=-priority&search=%D0%BF%D1%80&status=new&status=on_hold`
    const fetchMock = stubFetch(jsonResponse({ count: 0, next: null, previous: null, results: [] }))

    await getPage(next)

    expect(recorded(fetchMock).url).toBe(
      '/api/tickets?cursor=bz0xJnA9Mg%3D%3D&ordering=-priority&search=%D0%BF%D1%80&status=new&status=on_hold',
    )
  })

  it('follows a link whose scheme differs from the page (a TLS proxy Django is not told about) to this origin', () => {
    const otherScheme = window.location.protocol === 'https:' ? 'http:' : 'https:'

    expect(apiLinkPath(`${otherScheme}//${window.location.host}/api/users?cursor=abc`)).toBe('/api/users?cursor=abc')
  })

  it.each([
    ['another host', 'https://evil.example/api/tickets?cursor=abc'],
    ['another port', `${window.location.protocol}//${window.location.hostname}:1/api/tickets?cursor=abc`],
    ['a path outside the API', `${origin}/admin/tickets/?cursor=abc`],
    ['a protocol-relative host', '//evil.example/api/tickets'],
    ['a script URL', 'javascript:alert(1)'],
  ])('refuses a link to %s without sending anything', async (_name, link) => {
    const fetchMock = stubFetch()

    await expect(getPage(link)).rejects.toThrow(/Refusing to follow/)

    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('maps a 400 on a stale cursor to ValidationError naming the cursor', async () => {
    stubFetch(jsonResponse({ cursor: ['Invalid cursor'] }, { status: 400 }))

    const error = (await getPage(`${origin}/api/tickets?cursor=zzz`).catch((e: unknown) => e)) as ValidationError

    expect(error).toBeInstanceOf(ValidationError)
    expect(error.fieldErrors).toEqual({ cursor: ['Invalid cursor'] })
  })

  it('maps 404 to NotFoundError', async () => {
    stubFetch(jsonResponse({ detail: 'Not found.' }, { status: 404 }))

    await expect(getPage(`${origin}/api/tickets/8/history?cursor=abc`)).rejects.toBeInstanceOf(NotFoundError)
  })
})
