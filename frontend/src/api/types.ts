/**
 * Request and response shapes of the Service Desk API (issue 2), snake_case as on the wire.
 * Written by hand from the contract until the OpenAPI schema exists.
 */

export const TICKET_STATUSES = ['new', 'in_progress', 'on_hold', 'resolved', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]

export interface Ticket {
  id: number
  title: string
  description: string
  status: TicketStatus
  priority: TicketPriority
  assignee: number | null
  assignee_name: string | null
  requester: number
  requester_name: string
  created_at: string
  updated_at: string
  resolved_at: string | null
  version: number
}

/** Body of `POST /api/tickets`; requesters may send only title, description and priority. */
export interface TicketCreate {
  title: string
  description?: string
  priority?: TicketPriority
  status?: TicketStatus
  assignee?: number | null
}

/** Body of `PUT /api/tickets/{id}`: everything writable. */
export interface TicketReplace {
  title: string
  description: string
  priority: TicketPriority
  status: TicketStatus
  assignee: number | null
}

/** Body of `PATCH /api/tickets/{id}`: only the fields that change. */
export type TicketPatch = Partial<TicketReplace>

export interface Paginated<T> {
  count: number
  next: string | null
  previous: string | null
  results: T[]
}

export type UserRole = 'agent' | 'requester'

export interface CurrentUser {
  id: number
  username: string
  display_name: string
  role: UserRole
}

export interface Agent {
  id: number
  username: string
  display_name: string
}

export interface LoginRequest {
  username: string
  password: string
}
