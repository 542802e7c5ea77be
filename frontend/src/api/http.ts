/**
 * The one fetch wrapper of the app: base URL, JSON, session cookies, CSRF, ETags, and the mapping
 * of every failure to a typed error that views can show without looking at status codes.
 */

export const API_BASE = '/api'

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export type QueryValue = string | number | boolean | null | undefined
export type QueryParams = Record<string, QueryValue | readonly QueryValue[]>

export interface RequestOptions {
  method?: HttpMethod
  query?: QueryParams
  body?: unknown
  /** Sent as `If-Match` so the server can refuse a write based on a stale version. */
  ifMatch?: string | null
  /** Extra request headers (e.g. `Idempotency-Key`). */
  headers?: Record<string, string>
  signal?: AbortSignal
  /** False for the calls that decide about the session themselves (login, me). */
  authRedirect?: boolean
}

export interface ApiResponse<T> {
  data: T
  status: number
  etag: string | null
}

export type FieldErrors = Record<string, string[]>

/** Any answer from the API outside 2xx. */
export class ApiError extends Error {
  readonly status: number
  readonly detail: string | null
  readonly body: unknown

  constructor(status: number, body: unknown, message?: string) {
    const detail = extractDetail(body)
    super(message ?? detail ?? `HTTP ${status}`)
    this.name = new.target.name
    this.status = status
    this.detail = detail
    this.body = body
  }
}

/** 400: the input was refused; messages per field plus those that belong to no field. */
export class ValidationError extends ApiError {
  readonly fieldErrors: FieldErrors
  readonly nonFieldErrors: string[]

  constructor(body: unknown) {
    super(400, body)
    const { fieldErrors, nonFieldErrors } = splitValidationBody(body)
    this.fieldErrors = fieldErrors
    this.nonFieldErrors = nonFieldErrors
  }
}

/** 401: no session (or it expired). */
export class UnauthorizedError extends ApiError {}

/** 403: logged in, but the role may not do this (or the CSRF token was refused). */
export class ForbiddenError extends ApiError {}

/** 404: missing, deleted, or not visible to this user. */
export class NotFoundError extends ApiError {}

/** 412: the `If-Match` version is stale; the body is the current state of the resource. */
export class ConflictError<T = unknown> extends ApiError {
  readonly current: T
  readonly etag: string | null

  constructor(body: T, etag: string | null) {
    super(412, body, 'Precondition failed')
    this.current = body
    this.etag = etag
  }
}

/** 429: too many requests; `retryAfter` in seconds when the server says. */
export class ThrottledError extends ApiError {
  readonly retryAfter: number | null

  constructor(body: unknown, retryAfter: number | null) {
    super(429, body)
    this.retryAfter = retryAfter
  }
}

/** 5xx: the server failed; nothing the user typed is to blame. */
export class ServerError extends ApiError {}

/** The request never got an answer: offline, DNS, server down, connection reset. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('Network request failed', { cause })
    this.name = 'NetworkError'
  }
}

type UnauthorizedHandler = (error: UnauthorizedError) => void
let unauthorizedHandler: UnauthorizedHandler | null = null
let languageProvider: (() => string | null) | null = null

/** Called on every 401 of a request that did not opt out (the session expired under the user). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler
}

/** The UI language, sent as `Accept-Language` so that server messages match the screen. */
export function setLanguageProvider(provider: (() => string | null) | null): void {
  languageProvider = provider
}

export function getCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

export function buildUrl(path: string, query?: QueryParams): string {
  const params = new URLSearchParams()
  for (const [key, raw] of Object.entries(query ?? {})) {
    const values: readonly QueryValue[] = Array.isArray(raw) ? raw : [raw as QueryValue]
    for (const value of values) {
      if (value === undefined || value === null || value === '') continue
      params.append(key, String(value))
    }
  }
  const search = params.toString()
  return `${API_BASE}${path}${search ? `?${search}` : ''}`
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  return send<T>(buildUrl(path, options.query), options)
}

/**
 * The API's own link (a page's `next` or `previous`) as a path on this origin, or an error for
 * anything else: a link to another host or outside the API is never followed. The scheme is not
 * compared: behind a TLS proxy that Django is not told about, the API writes `http://` links for
 * an `https://` page, and the path is requested from this origin whatever the link says.
 */
export function apiLinkPath(link: string): string {
  const here = window.location
  let url: URL
  try {
    url = new URL(link, here.href)
  } catch {
    throw new Error(`Not a URL: ${link}`)
  }
  const isHttp = url.protocol === 'http:' || url.protocol === 'https:'
  if (!isHttp || url.host !== here.host || !url.pathname.startsWith(`${API_BASE}/`) || url.username || url.password) {
    throw new Error(`Refusing to follow a link outside this site's API: ${link}`)
  }
  return `${url.pathname}${url.search}`
}

/** GETs a link the API returned (see `apiLinkPath`), with the same headers and errors as `request`. */
export async function requestLink<T>(
  link: string,
  options: Pick<RequestOptions, 'signal' | 'authRedirect'> = {},
): Promise<ApiResponse<T>> {
  return send<T>(apiLinkPath(link), { ...options, method: 'GET' })
}

async function send<T>(url: string, options: RequestOptions): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET'
  const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' }
  const language = languageProvider?.()
  if (language) headers['Accept-Language'] = language
  if (options.body !== undefined) headers['Content-Type'] = 'application/json'
  if (UNSAFE_METHODS.has(method)) {
    const csrfToken = getCookie('csrftoken')
    if (csrfToken) headers['X-CSRFToken'] = csrfToken
  }
  if (options.ifMatch) headers['If-Match'] = options.ifMatch

  let response: Response
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    })
  } catch (error) {
    if (isAbortError(error)) throw error
    throw new NetworkError(error)
  }

  const body = await readBody(response)
  const etag = response.headers.get('ETag')
  if (response.ok) {
    return { data: body as T, status: response.status, etag }
  }
  const error = toError(response, body, etag)
  if (error instanceof UnauthorizedError && options.authRedirect !== false) {
    unauthorizedHandler?.(error)
  }
  throw error
}

function toError(response: Response, body: unknown, etag: string | null): ApiError {
  const status = response.status
  switch (status) {
    case 400:
      return new ValidationError(body)
    case 401:
      return new UnauthorizedError(status, body)
    case 403:
      return new ForbiddenError(status, body)
    case 404:
      return new NotFoundError(status, body)
    case 412:
      return new ConflictError(body, etag)
    case 429:
      return new ThrottledError(body, parseRetryAfter(response.headers.get('Retry-After')))
    default:
      return status >= 500 ? new ServerError(status, body) : new ApiError(status, body)
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined
  const text = await response.text()
  if (!text) return undefined
  const type = response.headers.get('Content-Type') ?? ''
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown
    } catch {
      return text
    }
  }
  return text
}

function extractDetail(body: unknown): string | null {
  if (isRecord(body) && typeof body.detail === 'string') return body.detail
  return null
}

function splitValidationBody(body: unknown): { fieldErrors: FieldErrors; nonFieldErrors: string[] } {
  const fieldErrors: FieldErrors = {}
  const nonFieldErrors: string[] = []
  if (!isRecord(body)) {
    if (typeof body === 'string' && body.trim()) nonFieldErrors.push(body.trim())
    else if (Array.isArray(body)) nonFieldErrors.push(...flattenMessages(body))
    return { fieldErrors, nonFieldErrors }
  }
  for (const [key, value] of Object.entries(body)) {
    const messages = flattenMessages(value)
    if (key === 'non_field_errors' || key === 'detail') nonFieldErrors.push(...messages)
    else if (messages.length) fieldErrors[key] = messages
  }
  return { fieldErrors, nonFieldErrors }
}

function flattenMessages(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(flattenMessages)
  if (isRecord(value)) return Object.values(value).flatMap(flattenMessages)
  return value === undefined || value === null ? [] : [String(value)]
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = Number(value)
  return Number.isFinite(seconds) ? seconds : null
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** An aborted request is the caller's own decision, not a network failure. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError'
}
