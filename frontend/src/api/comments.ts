import { request } from './http'
import type { PageParams } from './history'
import type { Comment, CommentCreate, Paginated } from './types'

/** A ticket's comments, oldest first; requesters get no internal notes. */
export async function listComments(
  ticketId: number,
  params: PageParams = {},
  options: { signal?: AbortSignal } = {},
): Promise<Paginated<Comment>> {
  const { data } = await request<Paginated<Comment>>(`/tickets/${ticketId}/comments`, {
    query: { page: params.page, cursor: params.cursor, page_size: params.page_size },
    signal: options.signal,
  })
  return data
}

/**
 * Adds a comment. A text outside 1..10,000 characters is a ValidationError on `text`; a requester
 * asking for an internal note gets a ForbiddenError.
 */
export async function createComment(ticketId: number, payload: CommentCreate): Promise<Comment> {
  const { data } = await request<Comment>(`/tickets/${ticketId}/comments`, { method: 'POST', body: payload })
  return data
}
