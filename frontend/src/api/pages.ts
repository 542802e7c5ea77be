import { requestLink } from './http'
import type { Paginated } from './types'

/**
 * The page a list answer's `next` or `previous` link points at. The link is followed as the API
 * wrote it (its cursor, filters, ordering and page size), never rebuilt; only links to this
 * site's API are followed.
 */
export async function getPage<T>(link: string, options: { signal?: AbortSignal } = {}): Promise<Paginated<T>> {
  const { data } = await requestLink<Paginated<T>>(link, { signal: options.signal })
  return data
}
