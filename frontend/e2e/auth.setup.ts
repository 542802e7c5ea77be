import { expect, test as setup } from '@playwright/test'
import { AGENT, OTHER_REQUESTER, REQUESTER, signIn } from './support'

// Each user signs in once through the real login form; the other tests reuse the session.
for (const user of [AGENT, REQUESTER, OTHER_REQUESTER]) {
  setup(`${user.username} signs in through the login form`, async ({ page }) => {
    await page.goto('/')

    await expect(page).toHaveURL(/\/login$/)
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible()
    await signIn(page, user)

    await expect(page).toHaveURL(/\/$/)
    await expect(page.getByRole('heading', { name: 'Tickets', level: 1 })).toBeVisible()
    await page.context().storageState({ path: user.storage })
  })
}
