import { nextTick } from 'vue'
import { createI18n } from 'vue-i18n'
import type en from './locales/en.json'

/** The shape of every locale file; English is the reference. */
export type MessageSchema = typeof en

export const SUPPORTED_LOCALES = ['ru', 'en'] as const
export type AppLocale = (typeof SUPPORTED_LOCALES)[number]

const STORAGE_KEY = 'service-desk.locale'

const dateTimeFormat = {
  short: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  long: { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' },
} as const

const russianForms = new Intl.PluralRules('ru')

/**
 * Russian nouns after a number take one of three forms (1 обращение, 3 обращения, 5 обращений);
 * a message lists them in that order, separated by `|`. vue-i18n's default rule knows only the
 * English two.
 */
export const PLURAL_RULES = {
  ru: (choice: number, choicesLength: number): number => {
    if (choicesLength < 3) return Math.min(choice === 1 ? 0 : 1, choicesLength - 1)
    const form = russianForms.select(Math.abs(choice))
    return form === 'one' ? 0 : form === 'few' ? 1 : 2
  },
}

/** Dates as each locale writes them (`d(value, 'short')`). */
export const DATETIME_FORMATS = { ru: dateTimeFormat, en: dateTimeFormat }

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: 'ru',
  fallbackLocale: 'en',
  messages: {} as Record<AppLocale, MessageSchema>,
  datetimeFormats: DATETIME_FORMATS,
  pluralRules: PLURAL_RULES,
  numberFormats: { ru: { integer: { maximumFractionDigits: 0 } }, en: { integer: { maximumFractionDigits: 0 } } },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: import.meta.env.DEV,
})

export function isSupportedLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

/** The saved choice first; otherwise Russian for any `ru*` browser language, English for the rest. */
export function detectLocale(
  languages: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language],
  storage: Pick<Storage, 'getItem'> | null = typeof localStorage === 'undefined' ? null : localStorage,
): AppLocale {
  const saved = safeGet(storage)
  if (isSupportedLocale(saved)) return saved
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0]
    if (base === 'ru') return 'ru'
    if (base === 'en') return 'en'
  }
  return 'en'
}

const loaders: Record<AppLocale, () => Promise<{ default: MessageSchema }>> = {
  ru: () => import('./locales/ru.json'),
  en: () => import('./locales/en.json'),
}

/** Loads the locale's messages once, switches to it, and remembers the choice when asked to. */
export async function setLocale(locale: AppLocale, options: { remember?: boolean } = {}): Promise<void> {
  if (!i18n.global.availableLocales.includes(locale)) {
    const messages = await loaders[locale]()
    i18n.global.setLocaleMessage(locale, messages.default)
  }
  i18n.global.locale.value = locale
  if (options.remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale)
    } catch {
      // Private mode or disabled storage: the choice lasts for this page only.
    }
  }
  if (typeof document !== 'undefined') document.documentElement.lang = locale
  await nextTick()
}

export function currentLocale(): AppLocale {
  return i18n.global.locale.value
}

function safeGet(storage: Pick<Storage, 'getItem'> | null): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null
  }
}
