import { apiLinkPath, requestLink } from './http'
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

/**
 * The `cursor` parameter of a `next` or `previous` link, so that a view can keep the position in
 * its own URL (reload, back and forward) and send it back unchanged; null for a link without one
 * (such as a link back to the first page). The token itself is never read or built.
 */
export function linkCursor(link: string): string | null {
  return new URL(apiLinkPath(link), window.location.href).searchParams.get('cursor')
}
