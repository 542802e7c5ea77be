import { describe, expect, it } from 'vitest'
import { detectLocale } from './index'
import en from './locales/en.json'
import ru from './locales/ru.json'
import { createTestI18n } from '@/test/app'

const noStorage = { getItem: () => null }

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([key, child]) => keys(child, prefix ? `${prefix}.${key}` : key))
}

describe('detectLocale', () => {
  it('picks Russian for any ru* browser language', () => {
    expect(detectLocale(['ru-RU', 'en-US'], noStorage)).toBe('ru')
    expect(detectLocale(['ru'], noStorage)).toBe('ru')
  })

  it('follows the first supported browser language, English otherwise', () => {
    expect(detectLocale(['en-GB', 'ru-RU'], noStorage)).toBe('en')
    expect(detectLocale(['de-DE', 'ru'], noStorage)).toBe('ru')
    expect(detectLocale(['fr-FR'], noStorage)).toBe('en')
  })

  it('prefers the language saved by the switcher', () => {
    expect(detectLocale(['ru-RU'], { getItem: () => 'en' })).toBe('en')
  })

  it('ignores a saved value it does not support', () => {
    expect(detectLocale(['ru-RU'], { getItem: () => 'de' })).toBe('ru')
  })
})

describe('locale files', () => {
  it('have the same keys in Russian and English', () => {
    expect(keys(ru).sort()).toEqual(keys(en).sort())
  })

  it('label statuses and priorities as the server does', () => {
    expect(ru.tickets.status).toMatchObject({
      new: 'Новое',
      in_progress: 'В работе',
      on_hold: 'Приостановлено',
      resolved: 'Решено',
      closed: 'Закрыто',
    })
    expect(ru.tickets.priority).toMatchObject({ low: 'Низкий', medium: 'Средний', high: 'Высокий', critical: 'Критический' })
    expect(en.tickets.status).toMatchObject({
      new: 'New',
      in_progress: 'In progress',
      on_hold: 'On hold',
      resolved: 'Resolved',
      closed: 'Closed',
    })
    expect(en.tickets.priority).toMatchObject({ low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' })
  })
})

describe('ticket totals', () => {
  it('take the Russian noun form that each number needs, after "около" too', () => {
    const { t } = createTestI18n('ru').global
    const total = (count: number) => t('tickets.total', { count: String(count) }, count)
    const about = (count: number) => t('tickets.totalApprox', { count: String(count) }, count)

    expect([1, 2, 5, 11, 21, 22, 25, 111, 0].map(total)).toEqual([
      '1 обращение',
      '2 обращения',
      '5 обращений',
      '11 обращений',
      '21 обращение',
      '22 обращения',
      '25 обращений',
      '111 обращений',
      '0 обращений',
    ])
    expect([21, 22, 125000].map(about)).toEqual(['около 21 обращения', 'около 22 обращений', 'около 125000 обращений'])
  })

  it('say ticket or tickets in English', () => {
    const { t } = createTestI18n('en').global

    expect(t('tickets.total', { count: '1' }, 1)).toBe('1 ticket')
    expect(t('tickets.total', { count: '0' }, 0)).toBe('0 tickets')
    expect(t('tickets.totalApprox', { count: '125,000' }, 125000)).toBe('about 125,000 tickets')
  })
})
