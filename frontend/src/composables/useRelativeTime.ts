import { computed, onBeforeUnmount, onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'

const UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
]

/** "5 minutes ago" in the given locale: `now` under 45 seconds or in the future, else the largest unit that fits, rounded. */
export function formatRelativeTime(date: Date, now: Date, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  // Past times only: a server clock slightly ahead of this one must not say "in 2 minutes".
  const seconds = Math.min(0, (date.getTime() - now.getTime()) / 1000)
  if (Math.abs(seconds) < 45) return format.format(0, 'second')
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size * 0.95 || unit === 'minute') return format.format(Math.round(seconds / size), unit)
  }
  return format.format(Math.round(seconds / 60), 'minute')
}

/** Relative times in the current locale that keep up with the clock while the screen is open. */
export function useRelativeTime(tickMs = 30_000) {
  const { locale, d } = useI18n()
  const now = ref(new Date())
  let timer: ReturnType<typeof setInterval> | undefined

  onMounted(() => {
    timer = setInterval(() => {
      now.value = new Date()
    }, tickMs)
  })
  onBeforeUnmount(() => clearInterval(timer))

  const relative = computed(() => (value: string) => formatRelativeTime(new Date(value), now.value, locale.value))
  const exact = (value: string) => d(new Date(value), 'long')

  return { relative, exact, now }
}
