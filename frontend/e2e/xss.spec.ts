import { expect, test, type Page } from '@playwright/test'
import { ADMIN, AGENT, commentViaApi, createTicketViaApi, rowWith, uniqueToken } from './support'

// Markup planted in every text a person can type; none of it may run or be rendered as markup.
const IMG = '<img src=x onerror="window.__xss=1">'
const SCRIPT = '<script>window.__xss=2</script>'
const token = uniqueToken()
const title = `XSS ${token} ${IMG}`
const description = `Описание ${IMG} ${SCRIPT}`
const comment = `Комментарий ${SCRIPT} ${IMG}`

/** Records console errors and CSP violation events of a page (the init script runs outside the page's CSP). */
function watchCsp(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content[- ]Security[- ]Policy/i.test(message.text())) problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
  return problems
}

async function expectNothingRan(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined()
  expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations ?? [])).toEqual([])
}

test.describe('text with HTML and scripts in it', () => {
  test.use({ storageState: AGENT.storage })

  let ticketId = 0

  test.beforeAll(async ({ browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    ticketId = (await createTicketViaApi(agent, { title, description })).id
    await commentViaApi(agent, ticketId, comment)
    await commentViaApi(agent, ticketId, `Заметка ${IMG}`, true)
    await agent.close()
  })

  test.beforeEach(async ({ page }) => {
    await page.addInitScript(() => {
      const violations: string[] = []
      ;(window as { __cspViolations?: string[] }).__cspViolations = violations
      document.addEventListener('securitypolicyviolation', (event) => {
        violations.push(`${event.violatedDirective}: ${event.blockedURI}`)
      })
    })
  })

  test('is shown literally in the table and runs nothing', async ({ page }) => {
    const problems = watchCsp(page)

    await page.goto(`/?search=${token}`)

    await expect(rowWith(page, title)).toHaveCount(1)
    await expect(page.getByRole('table').locator('img')).toHaveCount(0)
    await expectNothingRan(page)
    expect(problems).toEqual([])
  })

  test('is shown literally on the detail screen, its timeline and comments, and runs nothing', async ({ page }) => {
    const problems = watchCsp(page)

    await page.goto(`/tickets/${ticketId}`)

    await expect(page.getByRole('heading', { level: 1 })).toContainText(title)
    await expect(page.getByLabel('Title')).toHaveValue(title)
    await expect(page.getByLabel('Description')).toHaveValue(description)
    const comments = page.getByRole('region', { name: 'Comments' })
    await expect(comments.getByText(comment, { exact: true })).toBeVisible()
    await expect(comments.getByText(`Заметка ${IMG}`, { exact: true })).toBeVisible()
    await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem')).toHaveCount(3)
    await expect(page.getByRole('main').locator('img, script')).toHaveCount(0)

    // The title's change is told with both texts in the timeline.
    await page.getByLabel('Title').fill(`${title} ${SCRIPT}`)
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem').first()).toContainText(
      `renamed the ticket from “${title}” to “${title} ${SCRIPT}”`,
    )
    await expect(page.getByRole('main').locator('img, script')).toHaveCount(0)
    await expectNothingRan(page)
    expect(problems).toEqual([])
  })

  test('is shown literally on the Django admin change page and runs nothing', async ({ browser }) => {
    // A context of its own, without the agent's session: agents are staff but hold no admin permissions.
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } })
    const page = await context.newPage()
    await page.goto(`/admin/login/?next=/admin/tickets/ticket/${ticketId}/change/`)
    await page.locator('#id_username').fill(ADMIN.username)
    await page.locator('#id_password').fill(ADMIN.password)
    await page.locator('input[type="submit"]').click()

    await expect(page).toHaveURL(new RegExp(`/admin/tickets/ticket/${ticketId}/change/`))
    await expect(page.locator('#id_title')).toHaveValue(new RegExp(`^XSS ${token}`))
    await expect(page.locator('#id_title')).toHaveValue(/<img src=x onerror="window.__xss=1">/)
    await expect(page.locator('#id_description')).toHaveValue(description)
    await expect(page.getByText(comment, { exact: false }).first()).toBeVisible()
    await expect(page.locator('#content img[src="x"], #content script:not([src])')).toHaveCount(0)
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined()

    await page.goto(`/admin/tickets/ticket/?q=${token}`)
    await expect(page.getByRole('link', { name: title })).toBeVisible()
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined()
    await context.close()
  })
})
