import { ref, shallowRef, watch, type Ref } from 'vue'
import { getTicket, type VersionedTicket } from '@/api/tickets'
import type { Ticket } from '@/api/types'

/** One ticket with the ETag it was read as, reloaded when the id changes. */
export function useTicket(id: Ref<number>) {
  const ticket = shallowRef<Ticket | null>(null)
  const etag = ref<string | null>(null)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)

  function set(versioned: VersionedTicket): void {
    ticket.value = versioned.ticket
    etag.value = versioned.etag
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      set(await getTicket(id.value))
    } catch (caught) {
      error.value = caught
      ticket.value = null
    } finally {
      loading.value = false
    }
  }

  watch(id, load, { immediate: true })

  return { ticket, etag, loading, error, load, set }
}
