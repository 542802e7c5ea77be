import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createComment, listComments } from '@/api/comments'
import { NetworkError, ValidationError } from '@/api/http'
import type { Comment, CurrentUser } from '@/api/types'
import TicketActivityComments from './TicketActivityComments.vue'
import { AGENT, REQUESTER, testPlugins } from '@/test/app'

vi.mock('@/api/comments', () => ({ listComments: vi.fn(), createComment: vi.fn() }))
const listMock = vi.mocked(listComments)
const createMock = vi.mocked(createComment)

function makeComment(overrides: Partial<Comment> = {}): Comment {
  return {
    id: 11,
    ticket: 7,
    author: 2,
    author_name: 'Анна Петрова',
    created_at: new Date().toISOString(),
    text: 'Бумага всё ещё застревает.',
    internal: false,
    ...overrides,
  }
}

const page = (results: Comment[]) => ({ count: results.length, count_exact: true, next: null, previous: null, results })

function mountComments(user: CurrentUser) {
  return mount(TicketActivityComments, {
    props: { ticketId: 7, canWriteInternal: user.role === 'agent' },
    global: { plugins: testPlugins(user) as never },
    attachTo: document.body,
  })
}

const textarea = (wrapper: ReturnType<typeof mountComments>) => wrapper.get('#ticket-comment-text').element as HTMLTextAreaElement

afterEach(() => {
  vi.clearAllMocks()
  document.body.innerHTML = ''
})

describe('TicketActivityComments', () => {
  it('lists comments with internal notes marked, as text', async () => {
    listMock.mockResolvedValueOnce(
      page([makeComment(), makeComment({ id: 12, internal: true, author_name: 'Ольга Смирнова', text: '<b>не</b> звонить' })]),
    )

    const wrapper = mountComments(AGENT)
    await flushPromises()

    const items = wrapper.findAll('li')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).not.toContain('Internal note')
    expect(items[1]!.text()).toContain('Internal note')
    expect(items[1]!.find('b').exists()).toBe(false)
    expect(items[1]!.text()).toContain('<b>не</b> звонить')
  })

  it('lets an agent post an internal note and tells the parent', async () => {
    listMock.mockResolvedValueOnce(page([]))
    const created = makeComment({ id: 13, internal: true, text: 'Позвонить поставщику' })
    createMock.mockResolvedValueOnce(created)
    const wrapper = mountComments(AGENT)
    await flushPromises()

    await wrapper.get('#ticket-comment-text').setValue('Позвонить поставщику')
    await wrapper.get('#ticket-comment-internal').setValue(true)
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(createMock).toHaveBeenCalledWith(7, { text: 'Позвонить поставщику', internal: true })
    expect(wrapper.emitted('added')).toEqual([[created]])
    expect(wrapper.findAll('li')).toHaveLength(1)
    expect(textarea(wrapper).value).toBe('')
  })

  it('shows a requester no internal-note checkbox', async () => {
    listMock.mockResolvedValueOnce(page([]))

    const wrapper = mountComments(REQUESTER)
    await flushPromises()

    expect(wrapper.find('#ticket-comment-internal').exists()).toBe(false)
    expect(wrapper.get('label[for="ticket-comment-text"]').text()).toBe('New comment')
  })

  it('refuses an empty comment without asking the server', async () => {
    listMock.mockResolvedValueOnce(page([]))
    const wrapper = mountComments(REQUESTER)
    await flushPromises()

    await wrapper.get('#ticket-comment-text').setValue('   ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(createMock).not.toHaveBeenCalled()
    expect(wrapper.get('#ticket-comment-text-error').text()).toBe('Enter the text of the comment.')
    expect(wrapper.get('#ticket-comment-text').attributes('aria-describedby')).toBe('ticket-comment-text-error')
  })

  it('shows the server’s field error next to the text and keeps what was typed', async () => {
    listMock.mockResolvedValueOnce(page([]))
    createMock.mockRejectedValueOnce(new ValidationError({ text: ['Ensure this field has no more than 10000 characters.'] }))
    const wrapper = mountComments(REQUESTER)
    await flushPromises()

    await wrapper.get('#ticket-comment-text').setValue('Длинный текст')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(wrapper.get('#ticket-comment-text-error').text()).toBe('Ensure this field has no more than 10000 characters.')
    expect(textarea(wrapper).value).toBe('Длинный текст')
  })

  it('keeps what was typed when the server cannot be reached', async () => {
    listMock.mockResolvedValueOnce(page([]))
    createMock.mockRejectedValueOnce(new NetworkError(new TypeError('Failed to fetch')))
    const wrapper = mountComments(REQUESTER)
    await flushPromises()

    await wrapper.get('#ticket-comment-text').setValue('Не потеряйте меня')
    await wrapper.get('form').trigger('submit')
    await flushPromises()

    expect(wrapper.get('[role="alert"]').text()).toContain('The comment was not added: The server cannot be reached.')
    expect(textarea(wrapper).value).toBe('Не потеряйте меня')
  })
})
