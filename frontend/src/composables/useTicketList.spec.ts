import { describe, expect, it } from 'vitest'
import type { Paginated } from '@/api/types'
import { ticketPager } from './useTicketList'
import { DEFAULT_LIST_STATE, type TicketListState } from './useTicketListQuery'

const NEXT = 'http://localhost:3000/api/tickets?cursor=bj0x'
const PREVIOUS = 'http://localhost:3000/api/tickets?cursor=cD0x'

function answer(count: number, overrides: Partial<Paginated<unknown>> = {}): Paginated<unknown> {
  return { count, count_exact: true, next: NEXT, previous: PREVIOUS, results: [], ...overrides }
}

function at(patch: Partial<TicketListState>): TicketListState {
  return { ...DEFAULT_LIST_STATE, ...patch }
}

describe('ticketPager', () => {
  it('shows every page of a short exact list and knows its last page', () => {
    expect(ticketPager(at({ page: 1 }), answer(60, { previous: null }))).toEqual({
      current: 1,
      pages: [1, 2, 3],
      last: 3,
      hasPrevious: false,
      hasNext: true,
    })
  })

  it('shows five numbers around the current page', () => {
    expect(ticketPager(at({ page: 7 }), answer(1000)).pages).toEqual([5, 6, 7, 8, 9])
    expect(ticketPager(at({ page: 2 }), answer(1000)).pages).toEqual([1, 2, 3, 4, 5])
    expect(ticketPager(at({ page: 40 }), answer(1000)).pages).toEqual([36, 37, 38, 39, 40])
  })

  it('offers no last page and stops the numbers at the limit when the count is an estimate', () => {
    const pager = ticketPager(at({ page: 399 }), answer(125_000, { count_exact: false }))

    expect(pager.pages).toEqual([396, 397, 398, 399, 400])
    expect(pager.last).toBeNull()
  })

  it('ends the numbers at an estimate that is short of the limit, but never before the current page', () => {
    expect(ticketPager(at({ page: 1, pageSize: 100 }), answer(2500, { count_exact: false })).pages).toEqual([1, 2, 3, 4, 5])
    expect(ticketPager(at({ page: 25, pageSize: 100 }), answer(2500, { count_exact: false })).pages).toEqual([21, 22, 23, 24, 25])
    expect(ticketPager(at({ page: 27, pageSize: 100 }), answer(2500, { count_exact: false })).pages).toEqual([23, 24, 25, 26, 27])
  })

  it('offers no last page that a page number cannot open', () => {
    const pager = ticketPager(at({ page: 1000, pageSize: 10 }), answer(20_000))

    expect(pager.pages).toEqual([996, 997, 998, 999, 1000])
    expect(pager.last).toBeNull()
  })

  it('shows no page numbers on a cursor page, only the links the answer has', () => {
    expect(ticketPager(at({ cursor: 'bj0x' }), answer(125_000, { count_exact: false, next: null }))).toEqual({
      current: null,
      pages: [],
      last: null,
      hasPrevious: true,
      hasNext: false,
    })
  })

  it('offers nothing to follow before the first answer', () => {
    expect(ticketPager(at({}), null)).toEqual({ current: 1, pages: [], last: null, hasPrevious: false, hasNext: false })
  })
})
