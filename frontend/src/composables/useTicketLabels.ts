import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { TICKET_PRIORITIES, TICKET_STATUSES, type TicketPriority, type TicketStatus } from '@/api/types'

type TagSeverity = 'secondary' | 'info' | 'success' | 'warn' | 'danger' | 'contrast'

const STATUS_SEVERITY: Record<TicketStatus, TagSeverity> = {
  new: 'info',
  in_progress: 'warn',
  on_hold: 'secondary',
  resolved: 'success',
  closed: 'contrast',
}

const PRIORITY_SEVERITY: Record<TicketPriority, TagSeverity> = {
  low: 'secondary',
  medium: 'info',
  high: 'warn',
  critical: 'danger',
}

/** Translated labels and option lists for ticket statuses and priorities (they match the server's). */
export function useTicketLabels() {
  const { t } = useI18n()

  const statusLabel = (status: TicketStatus) => t(`tickets.status.${status}`)
  const priorityLabel = (priority: TicketPriority) => t(`tickets.priority.${priority}`)

  const statusOptions = computed(() => TICKET_STATUSES.map((value) => ({ value, label: statusLabel(value) })))
  const priorityOptions = computed(() => TICKET_PRIORITIES.map((value) => ({ value, label: priorityLabel(value) })))

  return {
    statusLabel,
    priorityLabel,
    statusOptions,
    priorityOptions,
    statusSeverity: (status: TicketStatus) => STATUS_SEVERITY[status],
    prioritySeverity: (priority: TicketPriority) => PRIORITY_SEVERITY[priority],
  }
}
