import type { Ticket, TicketCreate, TicketPatch, TicketPriority, TicketStatus, UserRole } from '@/api/types'

/** What the ticket form edits; the API's writable fields, nothing more. */
export interface TicketFormValues {
  title: string
  description: string
  priority: TicketPriority
  status: TicketStatus
  assignee: number | null
}

export type TicketFormField = keyof TicketFormValues

export const TICKET_FORM_FIELDS: readonly TicketFormField[] = ['title', 'description', 'priority', 'status', 'assignee']
export const TITLE_MAX_LENGTH = 200
export const DESCRIPTION_MAX_LENGTH = 20000

export const EMPTY_TICKET_FORM: Readonly<TicketFormValues> = Object.freeze({
  title: '',
  description: '',
  priority: 'medium',
  status: 'new',
  assignee: null,
})

/**
 * The fields a role may set (issue 2): requesters give title, description and priority when they
 * create, and may change only title and description afterwards; agents may set everything.
 */
export function editableFields(role: UserRole | undefined, mode: 'create' | 'edit'): readonly TicketFormField[] {
  if (role === 'agent') return TICKET_FORM_FIELDS
  return mode === 'create' ? ['title', 'description', 'priority'] : ['title', 'description']
}

export function formValuesFromTicket(ticket: Ticket): TicketFormValues {
  return {
    title: ticket.title,
    description: ticket.description,
    priority: ticket.priority,
    status: ticket.status,
    assignee: ticket.assignee,
  }
}

export function createPayload(values: TicketFormValues, editable: readonly TicketFormField[]): TicketCreate {
  const payload: TicketCreate = { title: values.title }
  if (editable.includes('description')) payload.description = values.description
  if (editable.includes('priority')) payload.priority = values.priority
  if (editable.includes('status')) payload.status = values.status
  if (editable.includes('assignee')) payload.assignee = values.assignee
  return payload
}

/** Only what changed and may be changed, so a PATCH never overwrites fields nobody touched. */
export function changedFields(
  initial: TicketFormValues,
  values: TicketFormValues,
  editable: readonly TicketFormField[],
): TicketPatch {
  const patch: Record<string, unknown> = {}
  for (const field of editable) {
    if (values[field] !== initial[field]) patch[field] = values[field]
  }
  return patch as TicketPatch
}
