"""Creating and changing a ticket writes the ticket and its history together."""

import datetime

import pytest
from rest_framework import serializers

from tickets.models import Ticket, TicketChange
from tickets.serializers import TicketSerializer
from tickets.services import TicketNotFound, VersionConflict, ticket_create, ticket_update

from .factories import make_ticket, make_user


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


DONE_AT = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("start", "status", "resolved_at"),
    [
        ({}, "resolved", "now"),
        ({"status": "resolved", "resolved_at": DONE_AT}, "closed", DONE_AT),
        ({"status": "resolved", "resolved_at": None}, "closed", "now"),
        ({"status": "closed", "resolved_at": DONE_AT}, "in_progress", None),
        ({"status": "in_progress"}, "on_hold", None),
    ],
)
def test_resolved_at_is_set_on_resolving_kept_while_done_and_cleared_on_reopening(
    requester, agent, start, status, resolved_at
):
    ticket = make_ticket(requester=requester, **start)

    updated = ticket_update(ticket_id=ticket.pk, by=agent, changes={"status": status})

    stored = Ticket.objects.get(pk=ticket.pk)
    if resolved_at == "now":
        assert stored.resolved_at is not None and stored.resolved_at != DONE_AT
    else:
        assert stored.resolved_at == resolved_at
    assert updated.resolved_at == stored.resolved_at


def test_a_change_to_the_same_values_writes_nothing(requester, agent):
    ticket = make_ticket(requester=requester)

    ticket_update(ticket_id=ticket.pk, by=agent, changes={"title": ticket.title})

    assert Ticket.objects.get(pk=ticket.pk).version == 1
    assert not TicketChange.objects.filter(ticket=ticket, action="changed").exists()


def test_a_change_keeps_the_order_of_the_fields_in_the_history(requester, agent):
    ticket = make_ticket(requester=requester)

    ticket_update(
        ticket_id=ticket.pk,
        by=agent,
        changes={"priority": "high", "title": "Сканер", "status": "on_hold"},
    )

    entries = TicketChange.objects.filter(ticket=ticket, action="changed").order_by("id")
    assert [e.field for e in entries] == ["priority", "title", "status"]


def test_a_change_at_another_version_writes_nothing(requester, agent):
    ticket = make_ticket(requester=requester)

    with pytest.raises(VersionConflict):
        ticket_update(
            ticket_id=ticket.pk, by=agent, changes={"title": "Сканер"}, expected_version=2
        )

    assert Ticket.objects.get(pk=ticket.pk).title == "Принтер не печатает"
    assert not TicketChange.objects.filter(ticket=ticket, action="changed").exists()


def test_a_requester_cannot_change_a_ticket_outside_their_scope(requester):
    theirs = make_ticket(requester=make_user("other"))

    with pytest.raises(TicketNotFound):
        ticket_update(
            ticket_id=theirs.pk,
            by=requester,
            changes={"title": "Сканер"},
            scope=Ticket.objects.visible_to(requester),
        )

    assert Ticket.objects.get(pk=theirs.pk).title == "Принтер не печатает"


@pytest.mark.parametrize("assigned", [True, False])
def test_the_representation_is_what_the_serializers_own_fields_give(requester, agent, assigned):
    ticket = make_ticket(requester=requester, assignee=agent if assigned else None)
    ticket_update(ticket_id=ticket.pk, by=agent, changes={"status": "resolved"})
    shown = Ticket.objects.for_display().get(pk=ticket.pk)
    serializer = TicketSerializer(shown)

    generic = serializers.ModelSerializer.to_representation(serializer, shown)

    assert serializer.data == generic
