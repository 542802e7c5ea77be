"""Optimistic concurrency: ETags on reads and writes, If-Match on writes, 412 when stale."""

import pytest

from tickets.models import Ticket, TicketChange

from .factories import make_ticket


def test_get_answers_with_the_version_as_etag(agent_client):
    ticket = make_ticket()

    response = agent_client.get(f"/api/tickets/{ticket.pk}")

    assert response["ETag"] == '"1"'


def test_create_answers_with_an_etag(agent_client):
    response = agent_client.post("/api/tickets", {"title": "Новое"}, format="json")

    assert response["ETag"] == '"1"'


@pytest.mark.parametrize("method", ["put", "patch"])
def test_write_with_matching_if_match_succeeds_and_returns_new_etag(agent_client, method):
    ticket = make_ticket()

    response = getattr(agent_client, method)(
        f"/api/tickets/{ticket.pk}", {"title": "Обновлено"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize("method", ["put", "patch"])
def test_stale_if_match_is_412_with_the_current_ticket_and_nothing_written(agent_client, method):
    ticket = make_ticket(title="Исходный")
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "Чужая правка"}, format="json")

    response = getattr(agent_client, method)(
        f"/api/tickets/{ticket.pk}", {"title": "Моя правка"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 412
    assert response.json()["title"] == "Чужая правка"
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version) == ("Чужая правка", 2)
    assert TicketChange.objects.filter(ticket=ticket, new_value="Моя правка").count() == 0


def test_stale_if_match_on_delete_is_412_and_keeps_the_ticket(agent_client):
    ticket = make_ticket()
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"priority": "high"}, format="json")

    response = agent_client.delete(f"/api/tickets/{ticket.pk}", HTTP_IF_MATCH='"1"')

    assert response.status_code == 412
    assert response.json()["priority"] == "high"
    assert Ticket.objects.alive().filter(pk=ticket.pk).exists()


def test_delete_with_matching_if_match_succeeds(agent_client):
    ticket = make_ticket()

    response = agent_client.delete(f"/api/tickets/{ticket.pk}", HTTP_IF_MATCH='"1"')

    assert response.status_code == 204


@pytest.mark.parametrize("header", ['W/"1"', "1", '"1", "7"', "*"])
def test_if_match_accepts_weak_bare_listed_and_star_forms(agent_client, header):
    ticket = make_ticket()

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"title": "Да"}, format="json", HTTP_IF_MATCH=header
    )

    assert response.status_code == 200


def test_garbage_if_match_never_matches(agent_client):
    ticket = make_ticket()

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"title": "Нет"}, format="json", HTTP_IF_MATCH='"abc"'
    )

    assert response.status_code == 412


def test_write_without_if_match_still_works(agent_client):
    ticket = make_ticket()

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "Без"}, format="json")

    assert response.status_code == 200
