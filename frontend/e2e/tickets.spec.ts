import { expect, test, type Page } from '@playwright/test'
import {
  AGENT,
  chooseOption,
  createTicketViaApi,
  OTHER_REQUESTER,
  PASSWORD,
  patchTicketViaApi,
  REQUESTER,
  rowWith,
  SCREENSHOTS,
  signIn,
  toggleOptions,
  uniqueToken,
} from './support'

const token = uniqueToken()
const title = `Принтер не печатает ${token}`

test.describe('an agent works a ticket from creation to deletion', () => {
  test.describe.configure({ mode: 'serial' })
  test.use({ storageState: AGENT.storage })

  let ticketId = 0

  test('creates a ticket through the form', async ({ page }) => {
    await page.goto('/')
    await page.getByRole('main').getByRole('link', { name: 'New ticket' }).click()

    await expect(page.getByRole('heading', { name: 'New ticket', level: 1 })).toBeVisible()
    await page.getByLabel('Title').fill(title)
    await page.getByLabel('Description').fill('Третий этаж, кабинет 301: бумага застревает.')
    await chooseOption(page, 'Priority', 'High')
    await page.getByRole('button', { name: 'Create ticket' }).click()

    await expect(page).toHaveURL(/\/tickets\/\d+$/)
    ticketId = Number(/(\d+)$/.exec(page.url())?.[1])
    await expect(page.getByRole('heading', { level: 1 })).toContainText(title)
    await expect(page.getByText(`Ticket ${ticketId} created.`)).toBeVisible()
  })

  test('finds it by search, debounced, with the search kept in the URL', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByRole('table')).toBeVisible()
    const listRequests: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/tickets') listRequests.push(request.url())
    })

    await page.getByRole('searchbox', { name: 'Search' }).pressSequentially(token.toLowerCase(), { delay: 40 })

    await expect(page).toHaveURL(new RegExp(`search=${token.toLowerCase()}`))
    await expect(rowWith(page, title)).toHaveCount(1)
    await expect(page.getByRole('row')).toHaveCount(2)
    expect(listRequests.length).toBeLessThanOrEqual(2)

    await page.reload()
    await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(token.toLowerCase())
    await expect(rowWith(page, title)).toHaveCount(1)
  })

  test('finds it by status and priority filters; reload and back restore them', async ({ page }) => {
    await page.goto('/')

    await toggleOptions(page, 'Status', ['New'])
    await toggleOptions(page, 'Priority', ['High', 'Critical'])

    await expect(page).toHaveURL(/status=new/)
    await expect(page).toHaveURL(/priority=high&priority=critical/)
    await expect(rowWith(page, title)).toHaveCount(1)

    await page.reload()
    await expect(page.getByRole('search', { name: 'Filters' })).toContainText('New')
    await expect(rowWith(page, title)).toHaveCount(1)

    await page.getByRole('searchbox', { name: 'Search' }).fill(token)
    await expect(page).toHaveURL(new RegExp(`search=${token}`))
    await toggleOptions(page, 'Status', ['New'])
    await expect(page).not.toHaveURL(/status=/)
    await toggleOptions(page, 'Status', ['Closed'])
    await expect(page).toHaveURL(/status=closed/)
    await expect(page.getByText('No tickets match these filters.')).toBeVisible()

    await page.goBack()
    await expect(page).not.toHaveURL(/status=/)
    await page.goBack()
    await expect(page).toHaveURL(/status=new/)
    await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue(token)
    await expect(rowWith(page, title)).toHaveCount(1)

    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect(page).not.toHaveURL(/status=|priority=/)
  })

  test('changes its status through the select in the row', async ({ page }) => {
    await page.goto(`/?search=${token}`)
    const select = page.getByRole('combobox', { name: `Status of ticket ${ticketId}` })
    await expect(select).toHaveText('New')

    await chooseOption(page, `Status of ticket ${ticketId}`, 'In progress')

    await expect(page.getByText(`Ticket ${ticketId}: status is now “In progress”.`)).toBeVisible()
    await page.reload()
    await expect(select).toHaveText('In progress')
    await page.screenshot({ path: `${SCREENSHOTS}/ticket-table.png`, fullPage: true })
  })

  test('edits its description on the detail screen and the change survives a reload', async ({ page }) => {
    const description = `Заменили картридж, проверяем. ${token}`
    await page.goto(`/tickets/${ticketId}`)

    await page.getByLabel('Description').fill(description)
    await page.getByRole('button', { name: 'Save' }).click()

    await expect(page.getByText('Changes saved.')).toBeVisible()
    await page.reload()
    await expect(page.getByLabel('Description')).toHaveValue(description)
    await expect(page.getByRole('region', { name: 'Details' })).toContainText('In progress')
    await page.screenshot({ path: `${SCREENSHOTS}/ticket-detail.png`, fullPage: true })
  })

  test('warns when someone else saved the ticket meanwhile, and can save on top of it', async ({ page, browser }) => {
    await page.goto(`/tickets/${ticketId}`)
    await expect(page.getByLabel('Description')).toHaveValue(/Заменили картридж/)
    const colleague = await browser.newContext({ storageState: AGENT.storage })
    await patchTicketViaApi(colleague, ticketId, { priority: 'critical' })
    await colleague.close()

    await page.getByLabel('Description').fill(`Моя правка ${token}`)
    await page.getByRole('button', { name: 'Save' }).click()

    await expect(page.getByRole('alert').filter({ hasText: 'Someone else changed this ticket' })).toBeVisible()
    await page.getByRole('button', { name: 'Keep my changes and save over theirs' }).click()
    await expect(page.getByText('Changes saved.')).toBeVisible()
    await expect(page.getByLabel('Description')).toHaveValue(`Моя правка ${token}`)
    await expect(page.getByRole('region', { name: 'Details' })).toContainText('Critical')
  })

  test('asks before leaving with unsaved changes', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`)
    await page.getByLabel('Title').fill(`${title} (draft)`)

    await page.getByRole('navigation').getByRole('link', { name: 'Tickets' }).click()
    const dialog = page.getByRole('alertdialog')
    await expect(dialog).toContainText('You have unsaved changes.')
    await dialog.getByRole('button', { name: 'Stay' }).click()

    await expect(page).toHaveURL(new RegExp(`/tickets/${ticketId}$`))
    await expect(page.getByLabel('Title')).toHaveValue(`${title} (draft)`)
  })

  test('deletes it after a confirmation naming it, and it is gone', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`)

    await page.getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('alertdialog')
    await expect(dialog).toContainText(`Delete ticket ${ticketId} “${title}”?`)
    await dialog.getByRole('button', { name: 'Delete' }).click()

    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByText(`Ticket ${ticketId} deleted.`)).toBeVisible()
    await page.getByRole('searchbox', { name: 'Search' }).fill(token)
    await expect(page.getByText('No tickets match these filters.')).toBeVisible()
    await page.goto(`/tickets/${ticketId}`)
    await expect(page.getByText(`Ticket ${ticketId} does not exist or has been deleted.`)).toBeVisible()
  })
})

test.describe('the pager', () => {
  test.describe.configure({ mode: 'serial' })
  test.use({ storageState: AGENT.storage })

  const pagerToken = `${token}P`
  const rows = (page: Page) => page.getByRole('row').filter({ hasText: pagerToken })
  const pager = (page: Page) => page.getByRole('navigation', { name: 'Pages of the ticket list' })

  test.beforeAll(async ({ browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    for (let number = 1; number <= 12; number += 1) {
      await createTicketViaApi(agent, { title: `Пачка ${pagerToken} №${number}` })
    }
    await agent.close()
  })

  test('numbers the pages, and Next and Previous follow the API’s links by keyboard', async ({ page }) => {
    await page.goto(`/?search=${pagerToken}&page_size=10`)

    // Exact under the keyset-page API (small lists); the page-number API estimates search counts.
    await expect(page.getByText(/^(about )?1\d tickets$/)).toBeVisible()
    await expect(rows(page)).toHaveCount(10)
    await expect(pager(page).getByRole('button', { name: 'Page 1' })).toHaveAttribute('aria-current', 'page')
    await expect(pager(page).getByRole('button', { name: /^Page \d+$/ })).toHaveCount(2)

    await pager(page).getByRole('button', { name: 'Page 2' }).click()
    await expect(page).toHaveURL(/page=2/)
    await expect(rows(page)).toHaveCount(2)
    await expect(pager(page).getByRole('button', { name: 'Page 2' })).toHaveAttribute('aria-current', 'page')
    await expect(pager(page).getByRole('button', { name: 'Next page' })).toBeDisabled()

    await pager(page).getByRole('button', { name: 'First page' }).click()
    await expect(page).not.toHaveURL(/page=|cursor=/)
    await pager(page).getByRole('button', { name: 'Next page' }).focus()
    await page.keyboard.press('Enter')

    await expect(page).toHaveURL(/cursor=/)
    await expect(page).not.toHaveURL(/[?&]page=/)
    await expect(rows(page)).toHaveCount(2)
    await expect(pager(page).locator('[aria-current="page"]')).toHaveCount(0)
    const cursorPage = page.url()
    await page.reload()
    await expect(rows(page)).toHaveCount(2)
    expect(page.url()).toBe(cursorPage)

    await pager(page).getByRole('button', { name: 'Previous page' }).click()
    await expect(rows(page)).toHaveCount(10)
    await expect(rows(page).first()).toContainText('№12')
    await page.goBack()
    await expect(page).toHaveURL(cursorPage)
    await expect(rows(page)).toHaveCount(2)

    await pager(page).getByRole('button', { name: 'First page' }).click()
    await expect(page).not.toHaveURL(/cursor=/)
    await expect(pager(page).getByRole('button', { name: 'Page 1' })).toHaveAttribute('aria-current', 'page')
  })

  test('a bookmarked page number past the numbered pages falls back to page 1 and says so', async ({ page }) => {
    await page.goto(`/?search=${pagerToken}&page_size=100&page=101`)

    await expect(page.getByText('Page 101 cannot be opened by its number (numbers go up to 100), so here is the first page.')).toBeVisible()
    await expect(page).not.toHaveURL(/page=101/)
    await expect(rows(page)).toHaveCount(12)
  })
})

test.describe('a requester', () => {
  test.use({ storageState: REQUESTER.storage })

  test('sees only own tickets and none of the agent controls', async ({ page, browser }) => {
    const other = await browser.newContext({ storageState: OTHER_REQUESTER.storage })
    const foreign = await createTicketViaApi(other, { title: `Чужая заявка ${token}` })
    await other.close()
    const agent = await browser.newContext({ storageState: AGENT.storage })
    const agents = await createTicketViaApi(agent, { title: `Заявка специалиста ${token}` })
    await agent.close()

    await page.goto('/tickets/new')
    await expect(page.getByRole('combobox', { name: 'Status', exact: true })).toHaveCount(0)
    await expect(page.getByRole('combobox', { name: 'Assignee', exact: true })).toHaveCount(0)
    await page.getByLabel('Title').fill(`Моя заявка ${token}`)
    await page.getByRole('button', { name: 'Create ticket' }).click()
    await expect(page).toHaveURL(/\/tickets\/\d+$/)
    await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0)

    await page.goto(`/?search=${token}`)
    await expect(rowWith(page, `Моя заявка ${token}`)).toHaveCount(1)
    await expect(rowWith(page, foreign.title)).toHaveCount(0)
    await expect(rowWith(page, agents.title)).toHaveCount(0)
    await expect(page.getByRole('combobox', { name: /^Status of ticket/ })).toHaveCount(0)
    await expect(page.getByRole('button', { name: /^Delete ticket/ })).toHaveCount(0)
    await expect(page.getByRole('combobox', { name: 'Assignee', exact: true })).toHaveCount(0)

    await page.goto(`/tickets/${foreign.id}`)
    await expect(page.getByText(`Ticket ${foreign.id} does not exist or has been deleted.`)).toBeVisible()
  })
})

test.describe('language', () => {
  test.use({ storageState: AGENT.storage, locale: 'ru-RU' })

  test('follows a Russian browser and keeps the language chosen in the switcher', async ({ page }) => {
    await page.goto('/')

    await expect(page.getByRole('heading', { name: 'Обращения', level: 1 })).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
    await page.getByRole('combobox', { name: 'Статус', exact: true }).press('Enter')
    await expect(page.getByRole('option', { name: 'Приостановлено', exact: true })).toBeVisible()
    await page.keyboard.press('Escape')
    await page.screenshot({ path: `${SCREENSHOTS}/ticket-table-ru.png` })

    await chooseOption(page, 'Язык', 'English')

    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await page.reload()
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()
  })
})

test.describe('sessions and failures', () => {
  test('an anonymous visit goes to login and comes back to the same view; sign out ends it', async ({ page }) => {
    await page.goto('/?status=new&ordering=priority')

    await expect(page).toHaveURL(/\/login\?next=/)
    await signIn(page, AGENT)

    await expect(page).toHaveURL(/\/\?status=new&ordering=priority$/)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
  })

  test('a person can sign in and filter the table by keyboard alone', async ({ page }) => {
    await page.goto('/no-such-page')
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
    await page.keyboard.press('Tab')
    await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('main')).toBeFocused()

    await page.goto('/login')
    await expect(page.getByLabel('Username')).toBeFocused()
    await page.keyboard.type(REQUESTER.username)
    await page.keyboard.press('Tab')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()

    const status = page.getByRole('combobox', { name: 'Status', exact: true })
    await status.focus()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('listbox')).toBeVisible()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Escape')

    await expect(page).toHaveURL(/status=/)
    await expect(page.getByRole('listbox')).toBeHidden()
  })

  test.describe('with the API unreachable', () => {
    test.use({ storageState: AGENT.storage })

    test('the list says so and recovers on retry', async ({ page }) => {
      await page.route('**/api/tickets?**', (route) => route.abort('connectionrefused'))
      await page.route('**/api/tickets', (route) => route.abort('connectionrefused'))
      await page.goto('/')

      await expect(page.getByRole('alert')).toContainText('The server cannot be reached.')

      await page.unrouteAll()
      await page.getByRole('button', { name: 'Try again' }).click()
      await expect(page.getByRole('table')).toBeVisible()
      await expect(page.getByRole('alert')).toHaveCount(0)
    })
  })

  test.describe('on a phone-width screen', () => {
    test.use({ storageState: AGENT.storage, viewport: { width: 390, height: 844 } })

    test('the table stacks each ticket into labelled lines', async ({ page, browser }) => {
      const agent = await browser.newContext({ storageState: AGENT.storage })
      const ticket = await createTicketViaApi(agent, { title: `Телефон ${token}` })
      await agent.close()

      await page.goto(`/?search=${token}`)

      const row = rowWith(page, ticket.title)
      await expect(row).toBeVisible()
      const box = await row.boundingBox()
      expect(box?.width ?? 0).toBeLessThanOrEqual(390)
      await page.screenshot({ path: `${SCREENSHOTS}/ticket-table-phone.png`, fullPage: true })
    })
  })
})
