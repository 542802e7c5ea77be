"""One test per ordering; priority by severity and status by workflow, not alphabetically."""

import pytest

from tickets.models import Ticket

from .factories import make_ticket


def order(client, ordering):
    response = client.get("/api/tickets", {"ordering": ordering})
    assert response.status_code == 200, response.json()
    return [t["id"] for t in response.json()["results"]]


def test_default_order_is_newest_first(agent_client):
    first, second, third = make_ticket(), make_ticket(), make_ticket()

    assert order(agent_client, "") == [third.pk, second.pk, first.pk]


@pytest.mark.parametrize("field", ["id", "created_at", "updated_at"])
def test_ordering_by_time_and_id_both_ways(agent_client, field):
    first, second, third = make_ticket(), make_ticket(), make_ticket()

    assert order(agent_client, field) == [first.pk, second.pk, third.pk]
    assert order(agent_client, f"-{field}") == [third.pk, second.pk, first.pk]


def test_ordering_by_title_both_ways(agent_client):
    b = make_ticket(title="Браузер")
    a = make_ticket(title="Архив")
    v = make_ticket(title="Вирус")

    assert order(agent_client, "title") == [a.pk, b.pk, v.pk]
    assert order(agent_client, "-title") == [v.pk, b.pk, a.pk]


def test_ordering_by_priority_follows_severity(agent_client):
    tickets = {p: make_ticket(priority=p).pk for p in ["high", "low", "critical", "medium"]}

    assert order(agent_client, "priority") == [
        tickets["low"],
        tickets["medium"],
        tickets["high"],
        tickets["critical"],
    ]
    assert order(agent_client, "-priority") == [
        tickets["critical"],
        tickets["high"],
        tickets["medium"],
        tickets["low"],
    ]


def test_ordering_by_status_follows_the_workflow(agent_client):
    tickets = {s: make_ticket(status=s).pk for s in reversed(Ticket.Status.values)}

    assert order(agent_client, "status") == [tickets[s] for s in Ticket.Status.values]
    assert order(agent_client, "-status") == [tickets[s] for s in reversed(Ticket.Status.values)]


def test_ties_are_broken_by_id_in_the_same_direction(agent_client):
    first, second = make_ticket(priority="high"), make_ticket(priority="high")

    assert order(agent_client, "priority") == [first.pk, second.pk]
    assert order(agent_client, "-priority") == [second.pk, first.pk]
