import { vi, type Mock } from 'vitest'

export interface RecordedRequest {
  url: string
  method: string
  headers: Record<string, string>
  body: unknown
  credentials: RequestCredentials | undefined
}

export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  })
}

export function emptyResponse(status = 204, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers })
}

/** Replaces global fetch with a mock answering the given responses in order. */
export function stubFetch(...responses: Array<Response | Error | DOMException>): Mock<typeof fetch> {
  const mock = vi.fn<typeof fetch>()
  for (const response of responses) {
    if (response instanceof Response) mock.mockResolvedValueOnce(response)
    else mock.mockRejectedValueOnce(response)
  }
  vi.stubGlobal('fetch', mock)
  return mock
}

export function recorded(mock: Mock<typeof fetch>, call = 0): RecordedRequest {
  const args = mock.mock.calls[call]
  if (!args) throw new Error(`fetch was not called ${call + 1} time(s)`)
  const [input, init = {}] = args
  const headers = Object.fromEntries(new Headers(init.headers).entries())
  return {
    url: String(input),
    method: init.method ?? 'GET',
    headers,
    body: typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : init.body,
    credentials: init.credentials,
  }
}
