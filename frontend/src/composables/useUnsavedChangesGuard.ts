import { onBeforeUnmount, onMounted } from 'vue'
import { onBeforeRouteLeave, onBeforeRouteUpdate } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { useConfirmAsync } from './useConfirmAsync'

/** Asks before an in-app navigation, reload or tab close would throw away unsaved edits. */
export function useUnsavedChangesGuard(isDirty: () => boolean) {
  const { t } = useI18n()
  const confirmAsync = useConfirmAsync()

  const ask = () =>
    !isDirty() ||
    confirmAsync({
      header: t('unsaved.header'),
      message: t('unsaved.message'),
      acceptLabel: t('unsaved.leave'),
      rejectLabel: t('unsaved.stay'),
      danger: true,
    })

  onBeforeRouteLeave(ask)
  onBeforeRouteUpdate((to, from) => (to.path === from.path ? true : ask()))

  function onBeforeUnload(event: BeforeUnloadEvent) {
    if (!isDirty()) return
    event.preventDefault()
    event.returnValue = ''
  }

  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
}
