import { useConfirm } from 'primevue/useconfirm'

export interface ConfirmAsyncOptions {
  header: string
  message: string
  acceptLabel: string
  rejectLabel: string
  danger?: boolean
}

/** PrimeVue's confirmation dialog as a promise: true when accepted, false when declined or closed. */
export function useConfirmAsync() {
  const confirm = useConfirm()

  return (options: ConfirmAsyncOptions): Promise<boolean> =>
    new Promise((resolve) => {
      let settled = false
      const settle = (value: boolean) => {
        if (settled) return
        settled = true
        resolve(value)
      }
      confirm.require({
        header: options.header,
        message: options.message,
        acceptLabel: options.acceptLabel,
        rejectLabel: options.rejectLabel,
        defaultFocus: 'reject',
        acceptProps: { severity: options.danger ? 'danger' : 'primary', label: options.acceptLabel },
        rejectProps: { severity: 'secondary', outlined: true, label: options.rejectLabel },
        accept: () => settle(true),
        reject: () => settle(false),
        onHide: () => settle(false),
      })
    })
}
