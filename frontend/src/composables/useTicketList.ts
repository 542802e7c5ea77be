import { ref, shallowRef, watch, type Ref } from 'vue'
import { isAbortError } from '@/api/http'
import { listTickets } from '@/api/tickets'
import type { Paginated, Ticket } from '@/api/types'
import { toListParams, type TicketListState } from './useTicketListQuery'

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
