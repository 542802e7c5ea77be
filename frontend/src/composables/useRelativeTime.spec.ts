import { describe, expect, it } from 'vitest'
import { formatRelativeTime } from './useRelativeTime'

const now = new Date('2026-11-27T12:00:00Z')
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000)

describe('formatRelativeTime', () => {
  it('says now for the last few seconds', () => {
    expect(formatRelativeTime(ago(10), now, 'en')).toBe('now')
    expect(formatRelativeTime(ago(10), now, 'ru')).toBe('сейчас')
  })

  it('counts minutes, hours and days in the locale', () => {
    expect(formatRelativeTime(ago(5 * 60), now, 'en')).toBe('5 minutes ago')
    expect(formatRelativeTime(ago(5 * 60), now, 'ru')).toBe('5 минут назад')
    expect(formatRelativeTime(ago(3 * 3600), now, 'ru')).toBe('3 часа назад')
    expect(formatRelativeTime(ago(24 * 3600), now, 'en')).toBe('yesterday')
    expect(formatRelativeTime(ago(3 * 24 * 3600), now, 'ru')).toBe('3 дня назад')
  })

  it('says now for a time slightly ahead of this clock', () => {
    expect(formatRelativeTime(ago(-120), now, 'en')).toBe('now')
  })

  it('rounds to the largest unit that fits', () => {
    expect(formatRelativeTime(ago(59 * 60), now, 'en')).toBe('1 hour ago')
    expect(formatRelativeTime(ago(400 * 24 * 3600), now, 'en')).toBe('last year')
  })
})
