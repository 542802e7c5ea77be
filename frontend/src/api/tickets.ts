import { request } from './http'
import type { PageParams } from './history'
import type { Paginated, Ticket, TicketCreate, TicketPatch, TicketPriority, TicketReplace, TicketStatus } from './types'

/** Filters, search, sort and page of `GET /api/tickets`; arrays become repeated parameters. */
export interface TicketListParams {
  status?: readonly TicketStatus[]
  priority?: readonly TicketPriority[]
  /** A user id, `me`, or `none` for unassigned. */
  assignee?: number | 'me' | 'none' | null
  search?: string
  ordering?: string
  /** 1-based, for random access while `page × page_size` is at most 10,000; not sent with `cursor`. */
  page?: number
  /** An opaque position from a `next` or `previous` link; sent instead of `page`. */
  cursor?: string
  page_size?: number
}

/** A ticket together with the `ETag` of the version it was read or written as. */
export interface VersionedTicket {
  ticket: Ticket
  etag: string | null
}

export interface WriteOptions {
  /** The ETag the change is based on; a stale one makes the server answer 412 (ConflictError). */
  etag?: string | null
  signal?: AbortSignal
}

export async function listTickets(
  params: TicketListParams = {},
  options: { signal?: AbortSignal } = {},
): Promise<Paginated<Ticket>> {
  const { data } = await request<Paginated<Ticket>>('/tickets', {
    query: {
      status: params.status,
      priority: params.priority,
      assignee: params.assignee,
      search: params.search?.trim(),
      ordering: params.ordering,
      page: params.page,
      cursor: params.cursor,
      page_size: params.page_size,
    },
    signal: options.signal,
  })
  return data
}

export async function getTicket(id: number, options: { signal?: AbortSignal } = {}): Promise<VersionedTicket> {
  const { data, etag } = await request<Ticket>(`/tickets/${id}`, { signal: options.signal })
  return { ticket: data, etag }
}

/**
 * Files a ticket. With an `idempotencyKey`, a retry after a lost answer returns the ticket the
 * first attempt created instead of filing it twice (the same key with another body is a 422).
 */
export async function createTicket(
  payload: TicketCreate,
  options: { idempotencyKey?: string } = {},
): Promise<VersionedTicket> {
  const { data, etag } = await request<Ticket>('/tickets', {
    method: 'POST',
    body: payload,
    headers: options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : undefined,
  })
  return { ticket: data, etag }
}

export async function replaceTicket(
  id: number,
  payload: TicketReplace,
  options: WriteOptions = {},
): Promise<VersionedTicket> {
  const { data, etag } = await request<Ticket>(`/tickets/${id}`, {
    method: 'PUT',
    body: payload,
    ifMatch: options.etag,
    signal: options.signal,
  })
  return { ticket: data, etag }
}

export async function updateTicket(id: number, patch: TicketPatch, options: WriteOptions = {}): Promise<VersionedTicket> {
  const { data, etag } = await request<Ticket>(`/tickets/${id}`, {
    method: 'PATCH',
    body: patch,
    ifMatch: options.etag,
    signal: options.signal,
  })
  return { ticket: data, etag }
}

export async function deleteTicket(id: number, options: WriteOptions = {}): Promise<void> {
  await request<void>(`/tickets/${id}`, { method: 'DELETE', ifMatch: options.etag, signal: options.signal })
}

/** Deleted tickets, most recently deleted first (agents only; requesters get a ForbiddenError). */
export async function listDeletedTickets(
  params: PageParams = {},
  options: { signal?: AbortSignal } = {},
): Promise<Paginated<Ticket>> {
  const { data } = await request<Paginated<Ticket>>('/tickets/deleted', {
    query: { page: params.page, cursor: params.cursor, page_size: params.page_size },
    signal: options.signal,
  })
  return data
}

/** Brings a deleted ticket back with its id and history (agents only). */
export async function restoreTicket(id: number): Promise<VersionedTicket> {
  const { data, etag } = await request<Ticket>(`/tickets/${id}/restore`, { method: 'POST' })
  return { ticket: data, etag }
}
