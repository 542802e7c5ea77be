import { request } from './http'
import type { Agent, Paginated } from './types'

export interface AgentListParams {
  search?: string
  page?: number
  /** An opaque position from a `next` or `previous` link; sent instead of `page`. */
  cursor?: string
  page_size?: number
}

/** Active agents, for the assignee picker and filter (agents only: requesters get 403). */
export async function listAgents(params: AgentListParams = {}): Promise<Paginated<Agent>> {
  const { data } = await request<Paginated<Agent>>('/users', {
    query: { search: params.search?.trim(), page: params.page, cursor: params.cursor, page_size: params.page_size },
  })
  return data
}
