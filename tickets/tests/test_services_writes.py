"""Creating and changing a ticket writes the ticket and its history together."""

import datetime
from typing import Any

import pytest
from django.db import connection

from tickets import listing
from tickets.models import Ticket, TicketChange
from tickets.serializers import ticket_representation
from tickets.services import ticket_create, ticket_update, ticket_update_at_once

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


# A change in one statement (PostgreSQL) must leave what ticket_update leaves: the same fields,
# version, resolved_at and history entries, in the same order.

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement change is PostgreSQL's"
)
DONE_AT = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def _at_once(ticket: Ticket, by: Any, changes: dict[str, Any], version: int | None = None) -> Any:
    scope = lambda: Ticket.objects.visible_to(by)  # noqa: E731
    return ticket_update_at_once(
        ticket_id=ticket.pk,
        by=by,
        changes=changes,
        expected_version=version,
        scope=scope,
        scope_key=(by.pk, by.is_staff),
    )


def _state(ticket_id: int) -> tuple[Any, ...]:
    stored = Ticket.objects.get(pk=ticket_id)
    entries = TicketChange.objects.filter(ticket_id=ticket_id, action="changed").order_by("id")
    return (
        stored.title,
        stored.description,
        stored.status,
        stored.priority,
        stored.assignee_id,
        stored.resolved_at if stored.resolved_at == DONE_AT else stored.resolved_at is not None,
        stored.version,
        [(e.field, e.old_value, e.new_value, e.actor_id) for e in entries],
    )


@on_postgres
@pytest.mark.parametrize(
    ("start", "changes"),
    [
        ({}, {"description": "Пустые листы"}),
        ({}, {"title": "Принтер не печатает", "description": "Пустые листы"}),  # title the same
        ({}, {"title": "Принтер не печатает"}),  # nothing differs
        ({}, {"status": "resolved", "title": "Сканер", "priority": "high"}),
        ({"status": "resolved", "resolved_at": DONE_AT}, {"status": "closed"}),
        ({"status": "resolved", "resolved_at": None}, {"status": "closed"}),
        ({"status": "closed", "resolved_at": DONE_AT}, {"status": "in_progress"}),
        ({"status": "in_progress"}, {"status": "on_hold"}),
        ({"status": "closed", "resolved_at": DONE_AT}, {"status": "closed", "title": "Сканер"}),
        ({}, {"assignee": "agent"}),
        ({"assignee": "agent"}, {"assignee": None, "priority": "critical"}),
    ],
)
def test_one_statement_changes_a_ticket_as_ticket_update_does(requester, agent, start, changes):
    people = {"agent": agent, None: None}
    start = {k: people[v] if k == "assignee" else v for k, v in start.items()}
    changes = {k: people[v] if k == "assignee" else v for k, v in changes.items()}
    one, other = (make_ticket(requester=requester, **start) for _ in range(2))

    row = _at_once(one, agent, changes)
    ticket_update(ticket_id=other.pk, by=agent, changes=changes)

    assert _state(one.pk) == _state(other.pk)
    assert row is not None
    shown = listing.representation(row)
    stored = Ticket.objects.select_related("assignee", "requester").get(pk=one.pk)
    assert shown == ticket_representation(stored)


@on_postgres
def test_one_statement_keeps_the_order_of_the_changes_in_the_history(requester, agent):
    ticket = make_ticket(requester=requester)

    _at_once(ticket, agent, {"priority": "high", "title": "Сканер", "status": "on_hold"})

    entries = TicketChange.objects.filter(ticket=ticket, action="changed").order_by("id")
    assert [e.field for e in entries] == ["priority", "title", "status"]
    assert {e.created_at for e in entries} == {Ticket.objects.get(pk=ticket.pk).updated_at}


@on_postgres
def test_one_statement_writes_only_at_the_expected_version(requester, agent):
    ticket = make_ticket(requester=requester)

    assert _at_once(ticket, agent, {"title": "Сканер"}, version=2) is None
    assert Ticket.objects.get(pk=ticket.pk).version == 1
    row = _at_once(ticket, agent, {"title": "Сканер"}, version=1)
    assert listing.representation(row)["version"] == 2
    unchanged = _at_once(ticket, agent, {"title": "Сканер"}, version=2)
    assert listing.representation(unchanged)["version"] == 2  # the same title: nothing written


@on_postgres
def test_one_statement_leaves_what_needs_a_read_to_ticket_update(requester, agent):
    mine = make_ticket(requester=requester)
    theirs = make_ticket(requester=make_user("other"))
    gone = make_ticket(requester=requester, deleted_at=DONE_AT)

    # A requester may send an agent's field unchanged; only the ticket can tell.
    assert _at_once(mine, requester, {"status": "new", "title": "Сканер"}) is None
    assert _at_once(mine, requester, {}) is None
    assert _at_once(theirs, requester, {"title": "Сканер"}) is None
    assert _at_once(gone, agent, {"title": "Сканер"}) is None
    assert Ticket.objects.filter(title="Сканер").count() == 0
    assert TicketChange.objects.filter(action="changed").count() == 0
    assert _at_once(mine, requester, {"title": "Сканер"}) is not None
