import { request } from './http'
import type { Paginated, TicketChange } from './types'

/** Where a list starts: a page number, or a cursor from a `next`/`previous` link (never both). */
export interface PageParams {
  page?: number
  cursor?: string
  page_size?: number
}

/** A ticket's activity history, newest first, one page at a time. */
export async function listHistory(
  ticketId: number,
  params: PageParams = {},
  options: { signal?: AbortSignal } = {},
): Promise<Paginated<TicketChange>> {
  const { data } = await request<Paginated<TicketChange>>(`/tickets/${ticketId}/history`, {
    query: { page: params.page, cursor: params.cursor, page_size: params.page_size },
    signal: options.signal,
  })
  return data
}
