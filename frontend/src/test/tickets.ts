import type { Paginated, Ticket } from '@/api/types'

export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 7,
    title: 'Принтер не печатает',
    description: 'Третий этаж',
    status: 'new',
    priority: 'medium',
    assignee: null,
    assignee_name: null,
    requester: 2,
    requester_name: 'Анна Петрова',
    created_at: '2026-11-20T09:30:00Z',
    updated_at: '2026-11-20T09:30:00Z',
    resolved_at: null,
    version: 1,
    ...overrides,
  }
}

export function makePage(
  results: Ticket[],
  count = results.length,
  overrides: Partial<Paginated<Ticket>> = {},
): Paginated<Ticket> {
  return { count, count_exact: true, next: null, previous: null, results, ...overrides }
}
