import { describe, expect, it } from 'vitest'
import { DEFAULT_LIST_STATE, hasActiveFilters, parseListQuery, toListParams, toListQuery } from './useTicketListQuery'

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
})

describe('hasActiveFilters', () => {
  it('counts filters and search but not sort or page', () => {
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, ordering: 'id', page: 4 })).toBe(false)
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, search: 'x' })).toBe(true)
    expect(hasActiveFilters({ ...DEFAULT_LIST_STATE, assignee: 'me' })).toBe(true)
  })
})
