import { ref, shallowRef, watch, type Ref } from 'vue'
import { isAbortError } from '@/api/http'
import { listTickets } from '@/api/tickets'
import type { Paginated, Ticket } from '@/api/types'
import { lastNumberedPage, toListParams, type TicketListState } from './useTicketListQuery'

/** How many page numbers the pager shows around the current page. */
export const PAGE_LINKS = 5

/** What the pager offers for the page on screen. */
export interface TicketPager {
  /** The page number on screen; null on a page reached through a link (a cursor page). */
  current: number | null
  /** The page numbers to show, around the current page; none on a cursor page. */
  pages: number[]
  /** The last page when the count is exact and its number can be opened; otherwise unknown. */
  last: number | null
  hasPrevious: boolean
  hasNext: boolean
}

/**
 * Page numbers run to the last page, but never past the last one the API opens by number
 * (`lastNumberedPage`); with an estimated count they end at the estimate's last page or that
 * limit, and no last page is offered. Further on, only the answer's next/previous links lead.
 */
export function ticketPager(state: TicketListState, page: Paginated<unknown> | null): TicketPager {
  const limit = lastNumberedPage(state.pageSize)
  const countPages = page ? Math.max(1, Math.ceil(page.count / state.pageSize)) : 1
  const exact = page !== null && page.count_exact !== false
  const onCursor = state.cursor !== null
  const pages: number[] = []
  if (page && !onCursor) {
    const end = Math.min(limit, Math.max(countPages, state.page))
    const start = Math.max(1, Math.min(state.page - Math.floor(PAGE_LINKS / 2), end - PAGE_LINKS + 1))
    for (let number = start; number <= Math.min(end, start + PAGE_LINKS - 1); number += 1) pages.push(number)
  }
  return {
    current: onCursor ? null : state.page,
    pages,
    last: exact && countPages <= limit ? countPages : null,
    hasPrevious: Boolean(page?.previous),
    hasNext: Boolean(page?.next),
  }
}

/** Loads the page of tickets that the list state describes, again whenever it changes. */
export function useTicketList(state: Ref<TicketListState>) {
  const page = shallowRef<Paginated<Ticket> | null>(null)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  let controller: AbortController | null = null

  async function load(): Promise<void> {
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    error.value = null
    try {
      page.value = await listTickets(toListParams(state.value), { signal: current.signal })
    } catch (caught) {
      if (isAbortError(caught)) return
      error.value = caught
    } finally {
      if (controller === current) loading.value = false
    }
  }

  /** Puts a ticket the server just returned into its row without reloading the page. */
  function replaceTicket(ticket: Ticket): void {
    if (!page.value) return
    page.value = {
      ...page.value,
      results: page.value.results.map((row) => (row.id === ticket.id ? ticket : row)),
    }
  }

  watch(() => JSON.stringify(toListParams(state.value)), load, { immediate: true })

  return { page, loading, error, reload: load, replaceTicket }
}
