"""Creating and changing a ticket writes the ticket and its history together."""

from tickets.models import Ticket, TicketChange
from tickets.services import ticket_create, ticket_update


def test_filing_a_ticket_saves_it_with_its_created_entry(requester):
    ticket = ticket_create(by=requester, data={"title": "Сканер", "priority": "critical"})

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.title, stored.version, stored.requester_id) == ("Сканер", 1, requester.pk)
    assert (ticket.priority_rank, ticket.status_rank) == (stored.priority_rank, stored.status_rank)
    assert not ticket._state.adding
    [entry] = TicketChange.objects.filter(ticket=ticket)
    assert (entry.action, entry.actor_id, entry.field) == ("created", requester.pk, "")


def test_a_change_of_two_fields_writes_both_with_an_entry_each(requester, agent):
    ticket = ticket_create(by=requester, data={"title": "Сканер"})

    ticket_update(ticket_id=ticket.pk, by=agent, changes={"status": "resolved", "assignee": agent})

    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.status, stored.assignee_id, stored.version) == ("resolved", agent.pk, 2)
    assert stored.resolved_at is not None and stored.updated_at >= stored.created_at
    entries = TicketChange.objects.filter(ticket=ticket, action="changed").order_by("field")
    assert [(e.field, e.old_value, e.new_value, e.actor_id) for e in entries] == [
        ("assignee", None, agent.pk, agent.pk),
        ("status", "new", "resolved", agent.pk),
    ]
