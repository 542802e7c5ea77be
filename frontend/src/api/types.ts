/**
 * Request and response shapes of the Service Desk API, taken from the server's OpenAPI schema
 * (`npm run gen:types` writes `schema.d.ts` from `frontend/openapi.yaml`). Nothing here is written
 * by hand except names, narrowing where the schema is looser than the server, and the option
 * lists the UI needs at run time (checked against the schema's enums at compile time).
 */
import type { components, operations } from './schema'

type Schemas = components['schemas']
type AssertTrue<T extends true> = T
type SameMembers<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false

export type TicketStatus = Schemas['TicketStatusEnum']
export type TicketPriority = Schemas['TicketPriorityEnum']
export type UserRole = Schemas['RoleEnum']

/** Workflow order, as the status select and filter list them. */
export const TICKET_STATUSES = ['new', 'in_progress', 'on_hold', 'resolved', 'closed'] as const
/** Severity order. */
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const

/** Compile errors here mean the server's enums changed and the lists above must follow. */
export type StatusListIsComplete = AssertTrue<SameMembers<TicketStatus, (typeof TICKET_STATUSES)[number]>>
export type PriorityListIsComplete = AssertTrue<SameMembers<TicketPriority, (typeof TICKET_PRIORITIES)[number]>>

/**
 * A ticket as the server returns it. The schema marks fields with a model default as optional
 * (it derives "required" from the writable side); the server always sends them.
 */
export type Ticket = Schemas['Ticket'] & Required<Pick<Schemas['Ticket'], 'description' | 'status' | 'priority' | 'assignee'>>

/** Body of `POST /api/tickets`; requesters may send only title, description and priority. */
export type TicketCreate = Schemas['TicketRequest']
/** Body of `PUT /api/tickets/{id}`. */
export type TicketReplace = Schemas['TicketRequest']
/** Body of `PATCH /api/tickets/{id}`: only the fields that change. */
export type TicketPatch = Schemas['PatchedTicketRequest']

export type TicketListQuery = NonNullable<operations['tickets_list']['parameters']['query']>
export type TicketOrdering = NonNullable<TicketListQuery['ordering']>[number]

export interface Paginated<T> {
  /** Exact when `count_exact` is true, otherwise the database's estimate (large results). */
  count: number
  count_exact?: boolean
  next?: string | null
  previous?: string | null
  results: T[]
}

export type PaginatedCheck = AssertTrue<Schemas['PaginatedTicketList'] extends Paginated<Schemas['Ticket']> ? true : false>

export type CurrentUser = Schemas['Me']
export type Agent = Schemas['User']
export type LoginRequest = Schemas['CredentialsRequest']

/** One entry of a ticket's activity history (`GET /api/tickets/{id}/history`). */
export type TicketChange = Schemas['TicketChange']
export type TicketChangeAction = Schemas['ActionEnum']
/** The ticket fields whose changes the history records; `''` for entries that are not a field change. */
export type TicketChangeField = '' | 'title' | 'description' | 'status' | 'priority' | 'assignee'

/** A comment on a ticket; `internal` ones are agents' notes that requesters never see. */
export type Comment = Schemas['Comment']
/** Body of `POST /api/tickets/{id}/comments`. */
export type CommentCreate = Schemas['CommentRequest']

export type HistoryPaginatedCheck = AssertTrue<Schemas['PaginatedTicketChangeList'] extends Paginated<TicketChange> ? true : false>
export type CommentPaginatedCheck = AssertTrue<Schemas['PaginatedCommentList'] extends Paginated<Comment> ? true : false>
