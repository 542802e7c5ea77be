import { describe, expect, it } from 'vitest'
import { detectLocale } from './index'
import en from './locales/en.json'
import ru from './locales/ru.json'

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
