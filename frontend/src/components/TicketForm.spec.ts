import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import TicketForm from './TicketForm.vue'
import { testPlugins } from '@/test/app'
import { EMPTY_TICKET_FORM, editableFields, type TicketFormValues } from '@/utils/ticketForm'

let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
})

function mountForm(props: Partial<InstanceType<typeof TicketForm>['$props']> = {}) {
  wrapper = mount(TicketForm, {
    props: {
      mode: 'create',
      initial: { ...EMPTY_TICKET_FORM },
      editable: editableFields('agent', 'create'),
      ...props,
    },
    global: { plugins: [...testPlugins()] as never },
    attachTo: document.body,
  })
  return wrapper
}

describe('TicketForm', () => {
  it('shows each API field error next to its field and marks the field invalid', () => {
    const form = mountForm({
      fieldErrors: { title: ['Ensure this field has no more than 200 characters.'], assignee: ['Not an agent.'] },
    })

    const title = form.get('#ticket-title')
    expect(title.attributes('aria-invalid')).toBe('true')
    expect(title.attributes('aria-describedby')).toBe('ticket-title-error')
    expect(form.get('#ticket-title-error').text()).toBe('Ensure this field has no more than 200 characters.')
    expect(form.get('#ticket-assignee-error').text()).toBe('Not an agent.')
    expect(form.get('#ticket-description').attributes('aria-invalid')).toBe('false')
    expect(form.find('#ticket-description-error').exists()).toBe(false)
    expect(form.get('[data-testid="ticket-form-errors"]').text()).toContain('The ticket was not saved.')
  })

  it('lists non-field errors and errors of fields it does not show in the summary', () => {
    const form = mountForm({
      editable: editableFields('requester', 'edit'),
      fieldErrors: { priority: ['Requesters cannot change the priority.'], title: ['Too short.'] },
      nonFieldErrors: ['The ticket is closed.'],
    })

    const summary = form.get('[data-testid="ticket-form-errors"]')
    expect(summary.findAll('li').map((li) => li.text())).toEqual([
      'The ticket is closed.',
      'Requesters cannot change the priority.',
    ])
    expect(form.get('#ticket-title-error').text()).toBe('Too short.')
    expect(form.find('#ticket-priority-error').exists()).toBe(false)
  })

  it('shows only the fields the role may set', () => {
    const requester = mountForm({ editable: editableFields('requester', 'create') })
    expect(requester.find('#ticket-priority-label').exists()).toBe(true)
    expect(requester.find('#ticket-status-label').exists()).toBe(false)
    expect(requester.find('#ticket-assignee-label').exists()).toBe(false)
    requester.unmount()

    const agent = mountForm({ editable: editableFields('agent', 'edit') })
    expect(agent.find('#ticket-status-label').exists()).toBe(true)
    expect(agent.find('#ticket-assignee-label').exists()).toBe(true)
  })

  it('refuses a blank title without submitting', async () => {
    const form = mountForm()

    await form.get('#ticket-title').setValue('   ')
    await form.get('form').trigger('submit')

    expect(form.emitted('submit')).toBeUndefined()
    expect(form.get('#ticket-title-error').text()).toBe('Enter a title.')
    expect(document.activeElement?.id).toBe('ticket-title')
  })

  it('submits the typed values with the title trimmed and reports dirtiness', async () => {
    const form = mountForm()

    await form.get('#ticket-title').setValue('  Нет сети  ')
    await form.get('#ticket-description').setValue('С утра')
    await form.get('form').trigger('submit')

    expect(form.emitted('update:dirty')?.at(-1)).toEqual([true])
    expect(form.emitted('submit')?.[0]).toEqual([
      { ...EMPTY_TICKET_FORM, title: 'Нет сети', description: 'С утра' } satisfies TicketFormValues,
    ])
  })

  it('keeps what was typed when errors arrive after a failed save', async () => {
    const form = mountForm()
    await form.get('#ticket-title').setValue('Принтер')
    await form.get('#ticket-description').setValue('x'.repeat(50))

    await form.setProps({ fieldErrors: { description: ['Too long.'] } })

    expect((form.get('#ticket-title').element as HTMLInputElement).value).toBe('Принтер')
    expect((form.get('#ticket-description').element as HTMLTextAreaElement).value).toBe('x'.repeat(50))
    expect(form.get('#ticket-description-error').text()).toBe('Too long.')
  })
})
