import { computed, ref, shallowRef } from 'vue'
import { isAbortError } from '@/api/http'
import { getPage } from '@/api/pages'
import type { Paginated } from '@/api/types'

type FirstPageLoader<T> = (signal: AbortSignal) => Promise<Paginated<T>>

/**
 * A list read page by page and shown as one growing list ("show older", "show more"): the first
 * page from `loadFirstPage`, every further one from the previous answer's `next` link. Items are
 * kept unique by id, so entries that shift between pages while someone adds new ones show once.
 */
export function usePagedItems<T extends { id: number }>(loadFirstPage: FirstPageLoader<T>) {
  const items = shallowRef<T[]>([])
  const count = ref(0)
  const hasMore = ref(false)
  const loading = ref(false)
  const error = shallowRef<unknown>(null)
  let nextLink: string | null = null
  let controller: AbortController | null = null

  async function fetchPage(load: FirstPageLoader<T>, replace: boolean): Promise<void> {
    controller?.abort()
    const current = new AbortController()
    controller = current
    loading.value = true
    error.value = null
    try {
      const result = await load(current.signal)
      const base = replace ? [] : items.value
      const seen = new Set(base.map((item) => item.id))
      items.value = [...base, ...result.results.filter((item) => !seen.has(item.id))]
      count.value = result.count
      nextLink = result.next ?? null
      hasMore.value = nextLink !== null
    } catch (caught) {
      if (isAbortError(caught)) return
      error.value = caught
    } finally {
      if (controller === current) {
        loading.value = false
        controller = null
      }
    }
  }

  /** Starts again from the first page (after a change that adds entries). */
  const reload = () => fetchPage(loadFirstPage, true)
  /** Appends the page the last answer's `next` link points at (nothing when there is none). */
  async function loadMore(): Promise<void> {
    const link = nextLink
    if (link === null) return
    await fetchPage((signal) => getPage<T>(link, { signal }), false)
  }

  /** Adds an item the user just created without reading the list again. */
  function append(item: T): void {
    if (items.value.some((existing) => existing.id === item.id)) return
    items.value = [...items.value, item]
    count.value += 1
  }

  const isEmpty = computed(() => !loading.value && !error.value && items.value.length === 0)

  return { items, count, hasMore, loading, error, isEmpty, reload, loadMore, append }
}
