import { describe, expect, it } from 'vitest'
import { changedFields, createPayload, editableFields, formValuesFromTicket } from './ticketForm'
import { makeTicket } from '@/test/tickets'

describe('editableFields', () => {
  it('gives agents every field', () => {
    expect(editableFields('agent', 'edit')).toEqual(['title', 'description', 'priority', 'status', 'assignee'])
  })

  it('lets requesters set priority only when creating', () => {
    expect(editableFields('requester', 'create')).toEqual(['title', 'description', 'priority'])
    expect(editableFields('requester', 'edit')).toEqual(['title', 'description'])
  })
})

describe('createPayload', () => {
  it('sends only what the role may set', () => {
    const values = { title: 'T', description: 'D', priority: 'high', status: 'closed', assignee: 5 } as const

    expect(createPayload(values, editableFields('requester', 'create'))).toEqual({ title: 'T', description: 'D', priority: 'high' })
    expect(createPayload(values, editableFields('agent', 'create'))).toEqual(values)
  })
})

describe('changedFields', () => {
  it('contains only changed fields that may be changed', () => {
    const initial = formValuesFromTicket(makeTicket())

    const patch = changedFields(
      initial,
      { ...initial, description: 'Новое описание', priority: 'critical' },
      editableFields('requester', 'edit'),
    )

    expect(patch).toEqual({ description: 'Новое описание' })
  })

  it('sends an unassignment as null', () => {
    const initial = formValuesFromTicket(makeTicket({ assignee: 3, assignee_name: 'Иван' }))

    expect(changedFields(initial, { ...initial, assignee: null }, editableFields('agent', 'edit'))).toEqual({ assignee: null })
  })
})
