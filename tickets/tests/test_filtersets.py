"""One test per filter of the ticket list, plus the 400s for values that make no sense."""

import datetime

import pytest
from django.utils import timezone

from tickets.models import Ticket

from .factories import make_agent, make_ticket


def ids(response):
    assert response.status_code == 200, response.json()
    return sorted(t["id"] for t in response.json()["results"])


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day))


def test_status_filter_takes_one_value(agent_client):
    new = make_ticket(status="new")
    make_ticket(status="closed")

    assert ids(agent_client.get("/api/tickets?status=new")) == [new.pk]


def test_status_filter_repeats_for_several_values(agent_client):
    new = make_ticket(status="new")
    working = make_ticket(status="in_progress")
    make_ticket(status="closed")

    response = agent_client.get("/api/tickets?status=new&status=in_progress")

    assert ids(response) == [new.pk, working.pk]


def test_priority_filter_repeats_for_several_values(agent_client):
    high = make_ticket(priority="high")
    critical = make_ticket(priority="critical")
    make_ticket(priority="low")

    assert ids(agent_client.get("/api/tickets?priority=high&priority=critical")) == [
        high.pk,
        critical.pk,
    ]


def test_assignee_filter_takes_a_user_id(agent_client):
    colleague = make_agent("colleague")
    theirs = make_ticket(assignee=colleague)
    make_ticket()

    assert ids(agent_client.get(f"/api/tickets?assignee={colleague.pk}")) == [theirs.pk]


def test_assignee_me_means_the_caller(agent_client, agent):
    mine = make_ticket(assignee=agent)
    make_ticket(assignee=make_agent("colleague"))

    assert ids(agent_client.get("/api/tickets?assignee=me")) == [mine.pk]


def test_assignee_none_means_unassigned(agent_client, agent):
    unassigned = make_ticket()
    make_ticket(assignee=agent)

    assert ids(agent_client.get("/api/tickets?assignee=none")) == [unassigned.pk]


def test_requester_filter_takes_an_id(agent_client, requester, other_requester):
    theirs = make_ticket(requester=other_requester)
    make_ticket(requester=requester)

    assert ids(agent_client.get(f"/api/tickets?requester={other_requester.pk}")) == [theirs.pk]


def test_requester_me_means_the_caller(agent_client, agent, requester):
    mine = make_ticket(requester=agent)
    make_ticket(requester=requester)

    assert ids(agent_client.get("/api/tickets?requester=me")) == [mine.pk]


def test_created_after_includes_the_whole_day(agent_client):
    old = make_ticket()
    recent = make_ticket()
    Ticket.objects.filter(pk=old.pk).update(created_at=at("2026-01-09T23:59:59"))
    Ticket.objects.filter(pk=recent.pk).update(created_at=at("2026-01-10T00:00:00"))

    assert ids(agent_client.get("/api/tickets?created_after=2026-01-10")) == [recent.pk]


def test_created_after_in_update_order_lists_every_ticket_since_then(agent_client):
    # Pages of this list also bound updated_at by the date: nothing is updated before it is
    # created, so that must leave out no ticket.
    older, first, second = make_ticket(), make_ticket(), make_ticket()
    for ticket, created, updated in (
        (older, "2026-01-01T00:00:00", "2026-03-01T00:00:00"),
        (first, "2026-02-01T00:00:00", "2026-02-01T00:00:00"),
        (second, "2026-02-01T08:00:00", "2026-02-03T00:00:00"),
    ):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=at(created), updated_at=at(updated))

    response = agent_client.get("/api/tickets?created_after=2026-02-01&ordering=updated_at")

    assert [t["id"] for t in response.json()["results"]] == [first.pk, second.pk]
    assert (response.json()["count"], response.json()["count_exact"]) == (2, True)


def test_created_before_includes_the_whole_day(agent_client):
    same_day = make_ticket()
    next_day = make_ticket()
    Ticket.objects.filter(pk=same_day.pk).update(created_at=at("2026-01-10T23:59:59"))
    Ticket.objects.filter(pk=next_day.pk).update(created_at=at("2026-01-11T00:00:00"))

    assert ids(agent_client.get("/api/tickets?created_before=2026-01-10")) == [same_day.pk]


def test_created_range_accepts_date_times(agent_client):
    inside = make_ticket()
    outside = make_ticket()
    Ticket.objects.filter(pk=inside.pk).update(created_at=at("2026-03-01T12:00:00"))
    Ticket.objects.filter(pk=outside.pk).update(created_at=at("2026-03-01T18:00:00"))

    response = agent_client.get(
        "/api/tickets",
        {"created_after": "2026-03-01T10:00:00Z", "created_before": "2026-03-01T13:00:00Z"},
    )

    assert ids(response) == [inside.pk]


def test_filters_combine(agent_client, agent):
    match = make_ticket(status="new", priority="high", assignee=agent)
    make_ticket(status="new", priority="high")
    make_ticket(status="closed", priority="high", assignee=agent)

    response = agent_client.get("/api/tickets?status=new&priority=high&assignee=me")

    assert ids(response) == [match.pk]


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        (
            "status=done",
            "status",
            "done is not a valid choice. Allowed values: new, in_progress, on_hold, resolved, "
            "closed.",
        ),
        (
            "priority=urgent",
            "priority",
            "urgent is not a valid choice. Allowed values: low, medium, high, critical.",
        ),
        ("assignee=nobody", "assignee", "Expected a user id or one of: me, none."),
        ("requester=none", "requester", "Expected a user id or one of: me."),
        (
            "created_after=yesterday",
            "created_after",
            "Enter an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ).",
        ),
        (
            "created_before=2026-02-30",
            "created_before",
            "Enter an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ).",
        ),
        (
            "ordering=colour",
            "ordering",
            "Select a valid choice. colour is not one of the available choices.",
        ),
    ],
)
def test_invalid_filter_value_is_a_400_naming_the_parameter(
    agent_client, query, parameter, message
):
    response = agent_client.get(f"/api/tickets?{query}")

    assert response.status_code == 400
    assert response.json() == {parameter: [message]}
