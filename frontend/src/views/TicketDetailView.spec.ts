import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import { ConflictError, NotFoundError, ValidationError } from '@/api/http'
import { createComment } from '@/api/comments'
import { listHistory } from '@/api/history'
import { getTicket, updateTicket } from '@/api/tickets'
import { mountApp, REQUESTER } from '@/test/app'
import { makeTicket } from '@/test/tickets'

vi.mock('@/api/tickets', () => ({
  getTicket: vi.fn(),
  updateTicket: vi.fn(),
  deleteTicket: vi.fn(),
  restoreTicket: vi.fn(),
  listTickets: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })),
}))
const emptyPage = { count: 0, count_exact: true, next: null, previous: null, results: [] }
vi.mock('@/api/history', () => ({ listHistory: vi.fn(async () => emptyPage) }))
vi.mock('@/api/comments', () => ({ listComments: vi.fn(async () => emptyPage), createComment: vi.fn() }))
vi.mock('@/api/users', () => ({ listAgents: vi.fn(async () => ({ count: 0, next: null, previous: null, results: [] })) }))

const getMock = vi.mocked(getTicket)
const updateMock = vi.mocked(updateTicket)
let wrapper: VueWrapper | undefined

afterEach(() => {
  wrapper?.unmount()
  wrapper = undefined
  vi.clearAllMocks()
})

function descriptionValue(w: VueWrapper) {
  return (w.get('#ticket-description').element as HTMLTextAreaElement).value
}

describe('TicketDetailView', () => {
  it('saves only the changed field with the ETag it was read as', async () => {
    getMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7 }), etag: '"1"' })
    updateMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7, description: 'Новое', version: 2 }), etag: '"2"' })
    ;({ wrapper } = await mountApp('/tickets/7'))

    await wrapper.get('#ticket-description').setValue('Новое')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(updateMock).toHaveBeenCalledWith(7, { description: 'Новое' }, { etag: '"1"' })
    expect(descriptionValue(wrapper)).toBe('Новое')
  })

  it('shows the field errors of a refused save and keeps the edit', async () => {
    getMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7 }), etag: '"1"' })
    updateMock.mockRejectedValueOnce(new ValidationError({ description: ['Ensure this field has no more than 20000 characters.'] }))
    ;({ wrapper } = await mountApp('/tickets/7', REQUESTER))

    await wrapper.get('#ticket-description').setValue('Очень длинное описание')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(wrapper.get('#ticket-description-error').text()).toBe('Ensure this field has no more than 20000 characters.')
    expect(descriptionValue(wrapper)).toBe('Очень длинное описание')
  })

  it('on a conflict offers the other version, and taking it replaces the form', async () => {
    getMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7 }), etag: '"1"' })
    const theirs = makeTicket({ id: 7, description: 'Их версия', version: 3 })
    updateMock.mockRejectedValueOnce(new ConflictError(theirs, '"3"'))
    ;({ wrapper } = await mountApp('/tickets/7'))

    await wrapper.get('#ticket-description').setValue('Моя версия')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(wrapper.text()).toContain('Someone else changed this ticket while you were editing it.')
    expect(descriptionValue(wrapper)).toBe('Моя версия')
    const discard = wrapper.findAll('button').find((b) => b.text() === 'Discard my changes and show theirs')
    await discard?.trigger('click')
    await flushPromises()

    expect(descriptionValue(wrapper)).toBe('Их версия')
  })

  it('on a conflict can save the edit on top of the newer version', async () => {
    getMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7 }), etag: '"1"' })
    updateMock
      .mockRejectedValueOnce(new ConflictError(makeTicket({ id: 7, title: 'Их заголовок', version: 3 }), '"3"'))
      .mockResolvedValueOnce({ ticket: makeTicket({ id: 7, title: 'Их заголовок', description: 'Моя версия', version: 4 }), etag: '"4"' })
    ;({ wrapper } = await mountApp('/tickets/7'))

    await wrapper.get('#ticket-description').setValue('Моя версия')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const keep = wrapper.findAll('button').find((b) => b.text() === 'Keep my changes and save over theirs')
    await keep?.trigger('click')
    await flushPromises()

    expect(updateMock).toHaveBeenLastCalledWith(7, { description: 'Моя версия' }, { etag: '"3"' })
    expect(descriptionValue(wrapper)).toBe('Моя версия')
    expect((wrapper.get('#ticket-title').element as HTMLInputElement).value).toBe('Их заголовок')
  })

  it('reads the timeline again after a save and after a new comment', async () => {
    getMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7 }), etag: '"1"' })
    updateMock.mockResolvedValueOnce({ ticket: makeTicket({ id: 7, description: 'Новое', version: 2 }), etag: '"2"' })
    vi.mocked(createComment).mockResolvedValueOnce({
      id: 1,
      ticket: 7,
      author: 1,
      author_name: 'Ольга Смирнова',
      created_at: '2026-11-20T09:40:00Z',
      text: 'Готово',
      internal: false,
    })
    ;({ wrapper } = await mountApp('/tickets/7'))
    expect(vi.mocked(listHistory)).toHaveBeenCalledTimes(1)

    await wrapper.get('#ticket-description').setValue('Новое')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await wrapper.get('#ticket-comment-text').setValue('Готово')
    await wrapper.findAll('form')[1]!.trigger('submit')
    await flushPromises()

    expect(vi.mocked(listHistory)).toHaveBeenCalledTimes(3)
  })

  it('says that a deleted ticket is gone', async () => {
    getMock.mockRejectedValueOnce(new NotFoundError(404, { detail: 'Not found.' }))
    ;({ wrapper } = await mountApp('/tickets/9'))

    expect(wrapper.text()).toContain('Ticket 9 does not exist or has been deleted.')
    expect(wrapper.find('form').exists()).toBe(false)
  })
})
