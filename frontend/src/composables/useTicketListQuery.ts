import { computed } from 'vue'
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router'
import type { TicketListParams } from '@/api/tickets'
import {
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketOrdering,
  type TicketPriority,
  type TicketStatus,
} from '@/api/types'

export type AssigneeFilter = 'me' | 'none' | number | null

export const ORDERING_FIELDS = ['id', 'title', 'status', 'priority', 'created_at', 'updated_at'] as const satisfies readonly TicketOrdering[]
export const DEFAULT_ORDERING: TicketOrdering = '-created_at'
export const PAGE_SIZES = [10, 25, 50, 100] as const
export const DEFAULT_PAGE_SIZE = 25
/** The API opens a page by its number while `page × page_size` is at most this; further on, only links lead. */
export const PAGE_NUMBER_ROWS = 10_000

/** The last page a page number may open at this page size (400 at 25 a page). */
export function lastNumberedPage(pageSize: number): number {
  return Math.max(1, Math.floor(PAGE_NUMBER_ROWS / pageSize))
}

/** Everything the ticket table shows, as kept in the URL so that reload and shared links restore it. */
export interface TicketListState {
  status: TicketStatus[]
  priority: TicketPriority[]
  assignee: AssigneeFilter
  search: string
  ordering: string
  /** The page number; 1 while `cursor` is set. */
  page: number
  /** The opaque position of a `next`/`previous` link, or null on a numbered page. */
  cursor: string | null
  pageSize: number
}

export const DEFAULT_LIST_STATE: Readonly<TicketListState> = Object.freeze({
  status: [],
  priority: [],
  assignee: null,
  search: '',
  ordering: DEFAULT_ORDERING,
  page: 1,
  cursor: null,
  pageSize: DEFAULT_PAGE_SIZE,
})

function all(query: LocationQuery, key: string): string[] {
  const value = query[key]
  const values = Array.isArray(value) ? value : [value]
  return values.filter((item): item is string => typeof item === 'string' && item !== '')
}

function first(query: LocationQuery, key: string): string | undefined {
  return all(query, key)[0]
}

function positiveInt(raw: string | undefined): number | null {
  if (raw === undefined || !/^\d+$/.test(raw)) return null
  const value = Number(raw)
  return value >= 1 ? value : null
}

export function isValidOrdering(value: string): boolean {
  const field = value.startsWith('-') ? value.slice(1) : value
  return (ORDERING_FIELDS as readonly string[]).includes(field)
}

/** Reads the list state from a route query, dropping values the API would refuse. */
export function parseListQuery(query: LocationQuery): TicketListState {
  const statuses = all(query, 'status').filter((v): v is TicketStatus => (TICKET_STATUSES as readonly string[]).includes(v))
  const priorities = all(query, 'priority').filter((v): v is TicketPriority =>
    (TICKET_PRIORITIES as readonly string[]).includes(v),
  )
  const rawAssignee = first(query, 'assignee')
  const assignee: AssigneeFilter =
    rawAssignee === 'me' || rawAssignee === 'none' ? rawAssignee : positiveInt(rawAssignee)
  const ordering = first(query, 'ordering')
  const pageSize = positiveInt(first(query, 'page_size'))
  const cursor = first(query, 'cursor') ?? null
  return {
    status: [...new Set(statuses)],
    priority: [...new Set(priorities)],
    assignee,
    search: first(query, 'search') ?? '',
    ordering: ordering && isValidOrdering(ordering) ? ordering : DEFAULT_ORDERING,
    page: cursor === null ? (positiveInt(first(query, 'page')) ?? 1) : 1,
    cursor,
    pageSize: pageSize && (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : DEFAULT_PAGE_SIZE,
  }
}

/** Writes the list state as a route query, leaving defaults out so that URLs stay short. */
export function toListQuery(state: TicketListState): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (state.status.length) query.status = [...state.status]
  if (state.priority.length) query.priority = [...state.priority]
  if (state.assignee !== null) query.assignee = String(state.assignee)
  if (state.search.trim()) query.search = state.search.trim()
  if (state.ordering !== DEFAULT_ORDERING) query.ordering = state.ordering
  if (state.cursor !== null) query.cursor = state.cursor
  else if (state.page !== 1) query.page = String(state.page)
  if (state.pageSize !== DEFAULT_PAGE_SIZE) query.page_size = String(state.pageSize)
  return query
}

export function toListParams(state: TicketListState): TicketListParams {
  return {
    status: state.status,
    priority: state.priority,
    assignee: state.assignee,
    search: state.search.trim() || undefined,
    ordering: state.ordering,
    ...(state.cursor === null ? { page: state.page } : { cursor: state.cursor }),
    page_size: state.pageSize,
  }
}

export function hasActiveFilters(state: TicketListState): boolean {
  return state.status.length > 0 || state.priority.length > 0 || state.assignee !== null || state.search.trim() !== ''
}

/** The ticket list state bound to the current URL; `update` navigates, so back/forward work. */
export function useTicketListQuery() {
  const route = useRoute()
  const router = useRouter()

  const state = computed(() => parseListQuery(route.query))
  const hasFilters = computed(() => hasActiveFilters(state.value))

  /** Any change but a page change starts again from page 1 (and leaves a cursor page). */
  function update(patch: Partial<TicketListState>, options: { replace?: boolean } = {}) {
    const next: TicketListState = { ...state.value, page: 1, cursor: null, ...patch }
    const location = { query: toListQuery(next) }
    return options.replace ? router.replace(location) : router.push(location)
  }

  function clearFilters() {
    return update({ status: [], priority: [], assignee: null, search: '' })
  }

  return { state, hasFilters, update, clearFilters }
}
