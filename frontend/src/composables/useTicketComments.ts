import { listComments } from '@/api/comments'
import type { Comment } from '@/api/types'
import { usePagedItems } from './usePagedItems'

export const COMMENT_MAX_LENGTH = 10_000

/** A ticket's comments, oldest first, with "show more" appending the next page. */
export function useTicketComments(ticketId: () => number) {
  return usePagedItems<Comment>((signal) => listComments(ticketId(), {}, { signal }))
}
