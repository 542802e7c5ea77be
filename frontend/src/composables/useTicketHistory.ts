import { useI18n } from 'vue-i18n'
import { listHistory } from '@/api/history'
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketChange, type TicketPriority, type TicketStatus } from '@/api/types'
import { usePagedItems } from './usePagedItems'
import { useTicketLabels } from './useTicketLabels'

export const HISTORY_PAGE_SIZE = 20

/** A ticket's history, newest first, with "show older" appending the next page. */
export function useTicketHistory(ticketId: () => number) {
  return usePagedItems<TicketChange>((signal) => listHistory(ticketId(), { page_size: HISTORY_PAGE_SIZE }, { signal }))
}

const isStatus = (value: unknown): value is TicketStatus => (TICKET_STATUSES as readonly unknown[]).includes(value)
const isPriority = (value: unknown): value is TicketPriority => (TICKET_PRIORITIES as readonly unknown[]).includes(value)
const length = (value: unknown) => (typeof value === 'string' ? value.length : 0)

/** Turns a history entry into one sentence in the current language ("Anna changed status from New to In progress"). */
export function useHistorySentence() {
  const { t } = useI18n()
  const { statusLabel, priorityLabel } = useTicketLabels()

  const label = (value: unknown, serverLabel: string | null, field: string): string => {
    if (field === 'status' && isStatus(value)) return statusLabel(value)
    if (field === 'priority' && isPriority(value)) return priorityLabel(value)
    if (serverLabel) return serverLabel
    if (value === null || value === undefined || value === '') return t('tickets.unassigned')
    return String(value)
  }

  function sentence(entry: TicketChange): string {
    const actor = entry.actor_name || t('activity.history.someone')
    switch (entry.action) {
      case 'created':
        return t('activity.history.created', { actor })
      case 'deleted':
        return t('activity.history.deleted', { actor })
      case 'restored':
        return t('activity.history.restored', { actor })
      case 'commented':
        return t(entry.internal ? 'activity.history.commentedInternal' : 'activity.history.commented', { actor })
    }
    const from = label(entry.old_value, entry.old_label, entry.field)
    const to = label(entry.new_value, entry.new_label, entry.field)
    switch (entry.field) {
      case 'status':
      case 'priority':
      case 'title':
        return t(`activity.history.${entry.field}`, { actor, from, to })
      case 'assignee':
        if (entry.old_value === null || entry.old_value === undefined) return t('activity.history.assigneeSet', { actor, to })
        if (entry.new_value === null || entry.new_value === undefined) return t('activity.history.assigneeCleared', { actor, from })
        return t('activity.history.assignee', { actor, from, to })
      case 'description': {
        const before = length(entry.old_value)
        const after = length(entry.new_value)
        if (!before) return t('activity.history.descriptionAdded', { actor, new: after })
        if (!after) return t('activity.history.descriptionRemoved', { actor })
        return t('activity.history.description', { actor, old: before, new: after })
      }
      default:
        return t('activity.history.field', { actor, field: entry.field })
    }
  }

  return { sentence }
}
