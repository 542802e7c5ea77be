import { defineComponent, h } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import AppActionToast from './AppActionToast.vue'
import { useActionToast } from '@/composables/useActionToast'
import { testPlugins } from '@/test/app'

afterEach(() => {
  document.body.innerHTML = ''
})

describe('AppActionToast', () => {
  it('shows the message with its action, and the action runs once and closes the toast', async () => {
    const run = vi.fn()
    const Host = defineComponent({
      setup() {
        const show = useActionToast()
        return () => [
          h('button', { id: 'show', onClick: () => show({ summary: 'Ticket 7 deleted.', action: { label: 'Undo', run } }) }),
          h(AppActionToast),
        ]
      },
    })
    const wrapper = mount(Host, { global: { plugins: testPlugins() as never }, attachTo: document.body })

    await wrapper.get('#show').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('Ticket 7 deleted.')
    const undo = [...document.body.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Undo')
    undo?.click()
    await flushPromises()

    expect(run).toHaveBeenCalledTimes(1)
    expect(document.body.textContent).not.toContain('Ticket 7 deleted.')
    wrapper.unmount()
  })
})
