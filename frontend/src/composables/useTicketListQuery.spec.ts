import { describe, expect, it } from 'vitest'
import {
  DEFAULT_LIST_STATE,
  hasActiveFilters,
  lastNumberedPage,
  parseListQuery,
  toListParams,
  toListQuery,
} from './useTicketListQuery'

describe('parseListQuery', () => {
  it('gives the defaults for an empty query', () => {
    expect(parseListQuery({})).toEqual(DEFAULT_LIST_STATE)
  })

  it('reads repeated and single values alike', () => {
    expect(parseListQuery({ status: 'new', priority: ['low', 'critical'] })).toMatchObject({
      status: ['new'],
      priority: ['low', 'critical'],
    })
  })

  it('accepts me, none and a numeric assignee, and drops anything else', () => {
    expect(parseListQuery({ assignee: 'me' }).assignee).toBe('me')
    expect(parseListQuery({ assignee: 'none' }).assignee).toBe('none')
    expect(parseListQuery({ assignee: '12' }).assignee).toBe(12)
    expect(parseListQuery({ assignee: 'bob' }).assignee).toBeNull()
  })

  it('drops duplicates, unknown choices, bad orderings and page sizes', () => {
    expect(
      parseListQuery({ status: ['new', 'new', 'nope'], ordering: '-secret', page: '0', page_size: '1000' }),
    ).toMatchObject({ status: ['new'], ordering: '-created_at', page: 1, pageSize: 25 })
  })

  it('reads a cursor and ignores a page number beside it', () => {
    expect(parseListQuery({ cursor: 'cD0yMDI2', page: '7' })).toMatchObject({ cursor: 'cD0yMDI2', page: 1 })
    expect(parseListQuery({ cursor: '' }).cursor).toBeNull()
  })
})

describe('toListQuery', () => {
  it('leaves defaults out and round-trips through parseListQuery', () => {
    const state = {
      status: ['on_hold' as const],
      priority: [],
      assignee: 'none' as const,
      search: ' принтер ',
      ordering: 'title',
      page: 3,
      cursor: null,
      pageSize: 50,
    }

    const query = toListQuery(state)

    expect(query).toEqual({
      status: ['on_hold'],
      assignee: 'none',
      search: 'принтер',
      ordering: 'title',
      page: '3',
      page_size: '50',
    })
    expect(parseListQuery(query as never)).toEqual({ ...state, search: 'принтер' })
    expect(toListQuery(DEFAULT_LIST_STATE)).toEqual({})
  })

  it('writes a cursor instead of the page, keeping filters, ordering and page size', () => {
    const query = toListQuery({ ...DEFAULT_LIST_STATE, status: ['new'], ordering: 'title', page: 4, cursor: 'cD0y', pageSize: 10 })

    expect(query).toEqual({ status: ['new'], ordering: 'title', cursor: 'cD0y', page_size: '10' })
    expect(parseListQuery(query as never)).toMatchObject({ cursor: 'cD0y', page: 1, pageSize: 10 })
  })
})

describe('toListParams', () => {
  it('maps the state onto the API parameters', () => {
    expect(toListParams({ ...DEFAULT_LIST_STATE, search: '  ', pageSize: 10 })).toEqual({
      status: [],
      priority: [],
      assignee: null,
      search: undefined,
      ordering: '-created_at',
      page: 1,
      page_size: 10,
    })
  })

  it('sends the cursor and no page on a cursor page', () => {
    const params = toListParams({ ...DEFAULT_LIST_STATE, cursor: 'cD0y' })

    expect(params).toMatchObject({ cursor: 'cD0y', page_size: 25 })
    expect(params).not.toHaveProperty('page')
  })
})

describe('lastNumberedPage', () => {
  it('ends page numbers where page × page size reaches 10,000', () => {
    expect([10, 25, 50, 100, 30].map(lastNumberedPage)).toEqual([1000, 400, 200, 100, 333])
  })
})

describe('hasActiveFilters', () => {
  it('counts filters and search but not sort or page', () => {
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, ordering: 'id', page: 4 })).toBe(false)
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, cursor: 'cD0y' })).toBe(false)
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, search: 'x' })).toBe(true)
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, assignee: 'me' })).toBe(true)
  })
})
