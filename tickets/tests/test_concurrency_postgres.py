"""Races between real concurrent requests, each thread on its own PostgreSQL connection."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from tickets.models import Ticket, TicketChange

from .conftest import english_client
from .factories import make_agent, make_ticket

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

THREADS = 8


def run_together(calls: list[Callable[..., Any]]) -> list[Any]:
    """Starts every call at the same moment, one thread (and one connection) each."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_same_if_match_from_many_clients_lets_exactly_one_win():
    agent = make_agent("agent")
    ticket = make_ticket(title="Гонка")
    clients = [english_client(agent) for _ in range(THREADS)]

    responses = run_together(
        [
            lambda c=c, i=i: c.patch(
                f"/api/tickets/{ticket.pk}",
                {"title": f"Победитель {i}"},
                format="json",
                HTTP_IF_MATCH='"1"',
            )
            for i, c in enumerate(clients)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * (THREADS - 1)
    winner = next(r for r in responses if r.status_code == 200).json()["title"]
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version) == (winner, 2)
    assert TicketChange.objects.filter(ticket=ticket, field="title").count() == 1


def test_parallel_patches_of_different_fields_all_take_effect():
    agent = make_agent("agent")
    colleague = make_agent("colleague")
    ticket = make_ticket(title="Старое", description="", priority="low")
    changes = [
        {"title": "Новое"},
        {"description": "Подробности"},
        {"status": "in_progress"},
        {"priority": "critical"},
        {"assignee": colleague.pk},
    ]
    clients = [english_client(agent) for _ in changes]

    responses = run_together(
        [
            lambda c=c, body=body: c.patch(f"/api/tickets/{ticket.pk}", body, format="json")
            for c, body in zip(clients, changes, strict=True)
        ]
    )

    assert [r.status_code for r in responses] == [200] * len(changes)
    ticket.refresh_from_db()
    assert (ticket.title, ticket.description, ticket.status, ticket.priority, ticket.assignee) == (
        "Новое",
        "Подробности",
        "in_progress",
        "critical",
        colleague,
    )
    assert ticket.version == 1 + len(changes)
    recorded = sorted(
        TicketChange.objects.filter(ticket=ticket, action="changed").values_list("field", flat=True)
    )
    assert recorded == ["assignee", "description", "priority", "status", "title"]


def test_parallel_deletes_with_the_same_if_match_delete_once():
    agent = make_agent("agent")
    ticket = make_ticket()
    clients = [english_client(agent) for _ in range(THREADS)]

    responses = run_together(
        [lambda c=c: c.delete(f"/api/tickets/{ticket.pk}", HTTP_IF_MATCH='"1"') for c in clients]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 204
    assert statuses.count(204) == 1
    assert set(statuses[1:]) <= {404, 412}
    assert TicketChange.objects.filter(ticket=ticket, action="deleted").count() == 1
    assert Ticket.objects.deleted().filter(pk=ticket.pk).exists()


def test_concurrent_retries_with_one_idempotency_key_create_one_ticket():
    agent = make_agent("agent")
    clients = [english_client(agent) for _ in range(THREADS)]

    responses = run_together(
        [
            lambda c=c: c.post(
                "/api/tickets", {"title": "Повтор"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
            )
            for c in clients
        ]
    )

    assert [r.status_code for r in responses] == [201] * THREADS
    assert len({r.json()["id"] for r in responses}) == 1
    assert Ticket.objects.count() == 1
