import { useToast } from 'primevue/usetoast'

export const ACTION_TOAST_GROUP = 'action'

/** What AppActionToast shows beside the message: one button and what it does. */
export interface ToastAction {
  label: string
  run: () => void | Promise<void>
}

/** A toast with one action button ("Ticket 7 deleted. [Undo]"); the button closes the toast. */
export function useActionToast() {
  const toast = useToast()

  return (options: { summary: string; action: ToastAction; life?: number }): void => {
    toast.add({
      group: ACTION_TOAST_GROUP,
      severity: 'success',
      summary: options.summary,
      detail: options.action,
      life: options.life ?? 10_000,
    })
  }
}
