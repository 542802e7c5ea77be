import { afterEach, describe, expect, it, vi } from 'vitest'
import { getPage } from '@/api/pages'
import type { Paginated } from '@/api/types'
import { usePagedItems } from './usePagedItems'

vi.mock('@/api/pages', () => ({ getPage: vi.fn() }))
const getPageMock = vi.mocked(getPage)

interface Entry {
  id: number
  text: string
}

const NEXT = 'http://localhost:3000/api/tickets/7/comments?cursor=cD0y'
const AFTER = 'http://localhost:3000/api/tickets/7/comments?cursor=cD0z'

function page(results: Entry[], next: string | null = null, count = 5): Paginated<Entry> {
  return { count, count_exact: true, next, previous: null, results }
}

afterEach(() => vi.clearAllMocks())

describe('usePagedItems', () => {
  it('reads the first page from its loader and every further page from the next link', async () => {
    const loadFirst = vi.fn(async () => page([{ id: 1, text: 'один' }, { id: 2, text: 'два' }], NEXT))
    getPageMock
      .mockResolvedValueOnce(page([{ id: 3, text: 'три' }], AFTER))
      .mockResolvedValueOnce(page([{ id: 4, text: 'четыре' }]))
    const list = usePagedItems<Entry>(loadFirst)

    await list.reload()
    expect(list.hasMore.value).toBe(true)
    await list.loadMore()
    await list.loadMore()

    expect(loadFirst).toHaveBeenCalledTimes(1)
    expect(getPageMock.mock.calls.map(([link]) => link)).toEqual([NEXT, AFTER])
    expect(list.items.value.map((item) => item.id)).toEqual([1, 2, 3, 4])
    expect(list.hasMore.value).toBe(false)
    expect(list.count.value).toBe(5)
  })

  it('shows an entry that moved onto the next page only once', async () => {
    const list = usePagedItems<Entry>(async () => page([{ id: 1, text: 'один' }, { id: 2, text: 'два' }], NEXT))
    getPageMock.mockResolvedValueOnce(page([{ id: 2, text: 'два' }, { id: 3, text: 'три' }]))

    await list.reload()
    await list.loadMore()

    expect(list.items.value.map((item) => item.id)).toEqual([1, 2, 3])
  })

  it('does nothing on "more" when the last answer had no next link', async () => {
    const list = usePagedItems<Entry>(async () => page([{ id: 1, text: 'один' }]))

    await list.reload()
    await list.loadMore()

    expect(getPageMock).not.toHaveBeenCalled()
    expect(list.items.value).toHaveLength(1)
  })

  it('keeps the items and the next link after a failed "more", so a retry asks for the same page', async () => {
    const list = usePagedItems<Entry>(async () => page([{ id: 1, text: 'один' }], NEXT))
    const failure = new Error('offline')
    getPageMock.mockRejectedValueOnce(failure).mockResolvedValueOnce(page([{ id: 2, text: 'два' }]))

    await list.reload()
    await list.loadMore()
    expect(list.error.value).toBe(failure)
    expect(list.items.value).toHaveLength(1)
    await list.loadMore()

    expect(getPageMock.mock.calls.map(([link]) => link)).toEqual([NEXT, NEXT])
    expect(list.items.value.map((item) => item.id)).toEqual([1, 2])
    expect(list.error.value).toBeNull()
  })

  it('starts again from the first page on reload, dropping the old next link', async () => {
    const loadFirst = vi
      .fn<(signal: AbortSignal) => Promise<Paginated<Entry>>>()
      .mockResolvedValueOnce(page([{ id: 1, text: 'один' }], NEXT))
      .mockResolvedValueOnce(page([{ id: 9, text: 'новый' }]))
    const list = usePagedItems<Entry>(loadFirst)

    await list.reload()
    await list.reload()
    await list.loadMore()

    expect(list.items.value.map((item) => item.id)).toEqual([9])
    expect(getPageMock).not.toHaveBeenCalled()
  })
})
