import { ref, shallowRef, watch, type Ref } from 'vue'
import { listAgents } from '@/api/users'
import type { Agent } from '@/api/types'

/** Active agents for assignee pickers; loaded only when `enabled` (requesters may not list them). */
export function useAgents(enabled: Ref<boolean>) {
  const agents = shallowRef<Agent[]>([])
  const loading = ref(false)
  const error = shallowRef<unknown>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      agents.value = (await listAgents({ page_size: 100 })).results
    } catch (caught) {
      error.value = caught
    } finally {
      loading.value = false
    }
  }

  watch(
    enabled,
    (on) => {
      if (on) void load()
      else agents.value = []
    },
    { immediate: true },
  )

  return { agents, loading, error, reload: load }
}
