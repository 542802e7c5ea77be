import { request, UnauthorizedError } from './http'
import type { CurrentUser, LoginRequest } from './types'

/** The logged-in user, or null for an anonymous visitor. Also makes the server set `csrftoken`. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  try {
    const { data } = await request<CurrentUser>('/auth/me', { authRedirect: false })
    return data
  } catch (error) {
    if (error instanceof UnauthorizedError) return null
    throw error
  }
}

export async function login(credentials: LoginRequest): Promise<CurrentUser> {
  const { data } = await request<CurrentUser>('/auth/login', {
    method: 'POST',
    body: credentials,
    authRedirect: false,
  })
  return data
}

export async function logout(): Promise<void> {
  await request<void>('/auth/logout', { method: 'POST', authRedirect: false })
}
