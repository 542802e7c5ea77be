import pytest

from .factories import make_ticket


@pytest.mark.parametrize("status", ["resolved", "closed"])
def test_resolving_or_closing_sets_resolved_at(agent_client, status):
    ticket = make_ticket()

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": status}, format="json")

    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    assert response.json()["resolved_at"] is not None


def test_reopening_clears_resolved_at(agent_client):
    ticket = make_ticket()
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "resolved"}, format="json")

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"status": "in_progress"}, format="json"
    )

    ticket.refresh_from_db()
    assert ticket.resolved_at is None
    assert response.json()["resolved_at"] is None


def test_closing_a_resolved_ticket_keeps_its_resolution_time(agent_client):
    ticket = make_ticket()
    resolved = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"status": "resolved"}, format="json"
    ).json()

    closed = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"status": "closed"}, format="json"
    ).json()

    assert closed["resolved_at"] == resolved["resolved_at"]


def test_creating_a_resolved_ticket_sets_resolved_at(agent_client):
    response = agent_client.post(
        "/api/tickets", {"title": "Уже решено", "status": "resolved"}, format="json"
    )

    assert response.json()["resolved_at"] is not None


def test_other_changes_do_not_touch_resolved_at(agent_client):
    ticket = make_ticket()

    agent_client.patch(f"/api/tickets/{ticket.pk}", {"priority": "high"}, format="json")

    ticket.refresh_from_db()
    assert ticket.resolved_at is None


def test_every_write_bumps_version_and_updated_at(agent_client):
    ticket = make_ticket()
    before = ticket.updated_at

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "Новый"}, format="json")

    ticket.refresh_from_db()
    assert ticket.version == 2
    assert ticket.updated_at > before
    assert response["ETag"] == '"2"'
