import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test'

export const PASSWORD = process.env.E2E_PASSWORD ?? 'e2e-Secret-4821'

export interface E2EUser {
  username: string
  displayName: string
  storage: string
}

// The users e2e/start-server.sh creates.
export const AGENT: E2EUser = { username: 'e2e_agent', displayName: 'Ольга Смирнова', storage: 'test-results/.auth/agent.json' }
export const REQUESTER: E2EUser = {
  username: 'e2e_requester',
  displayName: 'Анна Петрова',
  storage: 'test-results/.auth/requester.json',
}
export const OTHER_REQUESTER: E2EUser = {
  username: 'e2e_other',
  displayName: 'Иван Соколов',
  storage: 'test-results/.auth/other.json',
}

export const SCREENSHOTS = 'test-results/screenshots'

/** A marker unique to this run, so tests can find their own tickets in a shared database. */
export function uniqueToken(): string {
  return `E2E${Date.now().toString(36).toUpperCase()}`
}

export async function signIn(page: Page, user: E2EUser): Promise<void> {
  await page.getByLabel('Username').fill(user.username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByTestId('current-user')).toContainText(user.displayName)
}

/** Opens a PrimeVue Select by its accessible name and picks one option. */
export async function chooseOption(page: Page, combobox: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: combobox, exact: true }).click()
  await page.getByRole('option', { name: option, exact: true }).click()
}

/** Toggles options of a PrimeVue MultiSelect, then closes it. */
export async function toggleOptions(page: Page, combobox: string, options: string[]): Promise<void> {
  const box = page.getByRole('combobox', { name: combobox, exact: true })
  await box.focus()
  await box.press('Enter')
  const list = page.getByRole('listbox')
  await expect(list).toBeVisible()
  for (const option of options) await list.getByRole('option', { name: option, exact: true }).click()
  await page.keyboard.press('Escape')
  await expect(list).toBeHidden()
}

export function rowWith(page: Page, text: string) {
  return page.getByRole('row').filter({ hasText: text })
}

/** Creates a ticket through the API as the context's user (for data a test only needs to exist). */
export async function createTicketViaApi(
  context: BrowserContext,
  body: { title: string; description?: string; priority?: string },
): Promise<{ id: number; title: string }> {
  const request: APIRequestContext = context.request
  const csrf = (await context.cookies()).find((cookie) => cookie.name === 'csrftoken')?.value ?? ''
  const response = await request.post('/api/tickets', { data: body, headers: { 'X-CSRFToken': csrf } })
  expect(response.status(), await response.text()).toBe(201)
  return (await response.json()) as { id: number; title: string }
}

/** Changes a ticket through the API as the context's user, as another person working at the same time would. */
export async function patchTicketViaApi(context: BrowserContext, id: number, body: Record<string, unknown>): Promise<void> {
  const csrf = (await context.cookies()).find((cookie) => cookie.name === 'csrftoken')?.value ?? ''
  const response = await context.request.patch(`/api/tickets/${id}`, { data: body, headers: { 'X-CSRFToken': csrf } })
  expect(response.status(), await response.text()).toBe(200)
}

/** The superuser e2e/start-server.sh creates for the Django admin. */
export const ADMIN = { username: 'e2e_admin', password: PASSWORD }

async function csrfOf(context: BrowserContext): Promise<string> {
  return (await context.cookies()).find((cookie) => cookie.name === 'csrftoken')?.value ?? ''
}

/** Deletes a ticket through the API as the context's user. */
export async function deleteTicketViaApi(context: BrowserContext, id: number): Promise<void> {
  const response = await context.request.delete(`/api/tickets/${id}`, { headers: { 'X-CSRFToken': await csrfOf(context) } })
  expect(response.status(), await response.text()).toBe(204)
}

/** Comments on a ticket through the API as the context's user. */
export async function commentViaApi(context: BrowserContext, id: number, text: string, internal = false): Promise<void> {
  const response = await context.request.post(`/api/tickets/${id}/comments`, {
    data: { text, internal },
    headers: { 'X-CSRFToken': await csrfOf(context) },
  })
  expect(response.status(), await response.text()).toBe(201)
}
