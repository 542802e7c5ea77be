import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import TicketTableStatusSelect from './TicketTableStatusSelect.vue'
import { ForbiddenError } from '@/api/http'
import { updateTicket } from '@/api/tickets'
import { testPlugins } from '@/test/app'
import { makeTicket } from '@/test/tickets'

vi.mock('@/api/tickets', () => ({ updateTicket: vi.fn() }))

const updateMock = vi.mocked(updateTicket)
let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

function mountSelect() {
  wrapper = mount(TicketTableStatusSelect, {
    props: { ticket: makeTicket({ id: 7, status: 'new' }) },
    global: { plugins: [...testPlugins()] as never },
  })
  return wrapper
}

describe('TicketTableStatusSelect', () => {
  it('saves the new status at once and hands on the server answer', async () => {
    const saved = makeTicket({ id: 7, status: 'in_progress', version: 2 })
    updateMock.mockResolvedValueOnce({ ticket: saved, etag: '"2"' })
    const select = mountSelect()

    select.findComponent({ name: 'Select' }).vm.$emit('update:modelValue', 'in_progress')
    await flushPromises()

    expect(updateMock).toHaveBeenCalledWith(7, { status: 'in_progress' })
    expect(select.emitted('updated')?.[0]).toEqual([saved])
  })

  it('puts the old status back when the save fails', async () => {
    updateMock.mockRejectedValueOnce(new ForbiddenError(403, { detail: 'Only agents may change the status.' }))
    const select = mountSelect()
    const inner = select.findComponent({ name: 'Select' })

    inner.vm.$emit('update:modelValue', 'closed')
    await flushPromises()

    expect(inner.props('modelValue')).toBe('new')
    expect(select.emitted('updated')).toBeUndefined()
  })
})
