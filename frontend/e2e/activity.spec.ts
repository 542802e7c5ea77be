import { expect, test, type Page } from '@playwright/test'
import {
  AGENT,
  chooseOption,
  createTicketViaApi,
  deleteTicketViaApi,
  REQUESTER,
  rowWith,
  SCREENSHOTS,
  uniqueToken,
} from './support'

const token = uniqueToken()

const history = (page: Page) => page.getByRole('region', { name: 'History' }).getByRole('listitem')
const comments = (page: Page) => page.getByRole('region', { name: 'Comments' }).getByRole('listitem')

test.describe('history and comments of a requester’s ticket', () => {
  test.describe.configure({ mode: 'serial' })
  test.use({ storageState: AGENT.storage })

  let ticketId = 0
  const publicText = `Проверяю настройки VPN ${token}`
  const internalText = `Поставщик отвечает медленно ${token}`

  test.beforeAll(async ({ browser }) => {
    const requester = await browser.newContext({ storageState: REQUESTER.storage })
    ticketId = (await createTicketViaApi(requester, { title: `Не работает VPN ${token}` })).id
    await requester.close()
  })

  test('the timeline tells a status change made in the form', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`)
    await expect(history(page).first()).toContainText(`${REQUESTER.displayName} created the ticket, now`)

    await chooseOption(page, 'Status', 'In progress')
    await page.getByRole('button', { name: 'Save' }).click()

    await expect(page.getByText('Changes saved.')).toBeVisible()
    const latest = history(page).first()
    await expect(latest).toHaveText(new RegExp(`^${AGENT.displayName} changed status from New to In progress, now`))
    const time = latest.locator('time')
    const tooltip = latest.getByRole('tooltip')
    expect((await tooltip.boundingBox())?.width ?? 0).toBeLessThanOrEqual(1)
    await time.focus()
    await expect.poll(async () => (await tooltip.boundingBox())?.width ?? 0).toBeGreaterThan(50)
    await expect(tooltip).toContainText(/^Exact time: .*\d{4}/)
  })

  test('an agent adds a comment and an internal note, and both show in the timeline', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`)

    await page.getByLabel('New comment').fill(publicText)
    await page.getByRole('button', { name: 'Add comment' }).click()
    await expect(comments(page).filter({ hasText: publicText })).toHaveCount(1)
    await expect(page.getByLabel('New comment')).toHaveValue('')
    await expect(history(page).first()).toContainText(`${AGENT.displayName} commented`)

    await page.getByLabel('New comment').fill(internalText)
    await page.getByLabel('Internal note (only agents see it)').check()
    await page.getByRole('button', { name: 'Add comment' }).click()

    const note = comments(page).filter({ hasText: internalText })
    await expect(note).toHaveCount(1)
    await expect(note).toContainText('Internal note')
    await expect(history(page).first()).toContainText(`${AGENT.displayName} added an internal note`)
    await page.screenshot({ path: `${SCREENSHOTS}/ticket-activity.png`, fullPage: true })
  })

  test('the requester sees the comment but not the internal note, and cannot write one', async ({ browser }) => {
    const requester = await browser.newContext({ storageState: REQUESTER.storage })
    const page = await requester.newPage()
    await page.goto(`/tickets/${ticketId}`)

    await expect(comments(page).filter({ hasText: publicText })).toHaveCount(1)
    await expect(page.getByText(internalText)).toHaveCount(0)
    await expect(page.getByText('Internal note')).toHaveCount(0)
    await expect(history(page).filter({ hasText: 'internal note' })).toHaveCount(0)
    await expect(page.getByLabel('Internal note (only agents see it)')).toHaveCount(0)
    await expect(history(page).first()).toContainText(`${AGENT.displayName} commented`)

    await page.getByLabel('New comment').fill(`Спасибо! ${token}`)
    await page.getByRole('button', { name: 'Add comment' }).click()
    await expect(comments(page).filter({ hasText: `Спасибо! ${token}` })).toHaveCount(1)
    await expect(history(page).first()).toContainText(`${REQUESTER.displayName} commented`)
    await requester.close()
  })

  test('an empty comment is refused next to the field', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`)

    await page.getByRole('button', { name: 'Add comment' }).click()

    await expect(page.getByLabel('New comment')).toHaveAccessibleDescription('Enter the text of the comment.')
    await expect(page.getByLabel('New comment')).toBeFocused()
  })
})

test.describe('the timeline in Russian', () => {
  test.use({ storageState: AGENT.storage, locale: 'ru-RU' })

  test('tells a change in Russian with the locale’s labels', async ({ page, browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    const ticket = await createTicketViaApi(agent, { title: `Русская история ${token}` })
    await agent.close()
    await page.goto(`/tickets/${ticket.id}`)

    await chooseOption(page, 'Приоритет', 'Высокий')
    await page.getByRole('button', { name: 'Сохранить' }).click()

    await expect(page.getByRole('region', { name: 'История' }).getByRole('listitem').first()).toHaveText(
      new RegExp(`^${AGENT.displayName}: приоритет изменён с «Средний» на «Высокий», сейчас`),
    )
  })
})

test.describe('deleting and restoring', () => {
  test.use({ storageState: AGENT.storage })

  test('after a delete on the detail screen, Undo brings the ticket back', async ({ page, browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    const ticket = await createTicketViaApi(agent, { title: `Отменить удаление ${token}` })
    await agent.close()
    await page.goto(`/tickets/${ticket.id}`)

    await page.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByText(`Ticket ${ticket.id} deleted.`)).toBeVisible()
    await page.getByRole('button', { name: 'Undo' }).click()

    await expect(page.getByText(`Ticket ${ticket.id} restored.`)).toBeVisible()
    await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`))
    await expect(page.getByRole('heading', { level: 1 })).toContainText(ticket.title)
    await expect(history(page).first()).toContainText(`${AGENT.displayName} restored the ticket`)
    await expect(history(page).nth(1)).toContainText(`${AGENT.displayName} deleted the ticket`)
  })

  test('after a delete from the table, Undo puts the row back', async ({ page, browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    const ticket = await createTicketViaApi(agent, { title: `Отменить в таблице ${token}` })
    await agent.close()
    await page.goto(`/?search=${encodeURIComponent(ticket.title)}`)
    await expect(rowWith(page, ticket.title)).toHaveCount(1)

    await page.getByRole('button', { name: `Delete ticket ${ticket.id}` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(rowWith(page, ticket.title)).toHaveCount(0)
    await page.getByRole('button', { name: 'Undo' }).click()

    await expect(page.getByText(`Ticket ${ticket.id} restored.`)).toBeVisible()
    await expect(rowWith(page, ticket.title)).toHaveCount(1)
  })

  test('an agent restores a deleted ticket from the deleted tickets list', async ({ page, browser }) => {
    const agent = await browser.newContext({ storageState: AGENT.storage })
    const ticket = await createTicketViaApi(agent, { title: `Восстановить из списка ${token}` })
    await deleteTicketViaApi(agent, ticket.id)
    await agent.close()

    await page.goto('/')
    await page.getByRole('main').getByRole('link', { name: 'Deleted tickets' }).click()
    await expect(page.getByRole('heading', { name: 'Deleted tickets', level: 1 })).toBeVisible()
    await expect(rowWith(page, ticket.title)).toHaveCount(1)
    await page.getByRole('button', { name: `Restore ticket ${ticket.id}` }).click()

    await expect(page.getByText(`Ticket ${ticket.id} restored.`)).toBeVisible()
    await page.getByRole('link', { name: `Open ticket ${ticket.id}` }).click()
    await expect(page.getByRole('heading', { level: 1 })).toContainText(ticket.title)
    await page.goto('/tickets/deleted')
    await expect(page.getByRole('heading', { name: 'Deleted tickets', level: 1 })).toBeVisible()
    await expect(rowWith(page, ticket.title)).toHaveCount(0)
  })
})

test.describe('a requester and deleted tickets', () => {
  test.use({ storageState: REQUESTER.storage })

  test('sees no link to them and is sent back to the list', async ({ page }) => {
    await page.goto('/')
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()
    await expect(page.getByRole('link', { name: 'Deleted tickets' })).toHaveCount(0)

    await page.goto('/tickets/deleted')

    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()
  })
})
