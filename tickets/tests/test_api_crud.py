import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.models import Ticket

from .factories import make_ticket


def test_agent_creates_ticket_and_gets_it_back_with_location(agent_client, agent):
    response = agent_client.post(
        "/api/tickets",
        {"title": "Не работает VPN", "description": "С утра не подключается", "priority": "high"},
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert response["Location"].endswith(f"/api/tickets/{ticket.pk}")
    assert response.json() == {
        "id": ticket.pk,
        "title": "Не работает VPN",
        "description": "С утра не подключается",
        "status": "new",
        "priority": "high",
        "assignee": None,
        "assignee_name": None,
        "requester": agent.pk,
        "requester_name": "Иван Смирнов",
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
        "resolved_at": None,
        "version": 1,
    }
    assert ticket.requester == agent


def test_singular_create_path_creates_a_ticket(requester_client, requester):
    response = requester_client.post("/api/ticket", {"title": "Нет доступа к почте"}, format="json")

    assert response.status_code == 201
    assert Ticket.objects.get().requester == requester


def test_create_defaults_to_new_and_medium(requester_client):
    response = requester_client.post("/api/tickets", {"title": "Мышь"}, format="json")

    assert response.json()["status"] == "new"
    assert response.json()["priority"] == "medium"
    assert response.json()["description"] == ""


def test_create_trims_title(requester_client):
    response = requester_client.post("/api/tickets", {"title": "  Монитор мигает  "}, format="json")

    assert response.json()["title"] == "Монитор мигает"
    assert Ticket.objects.get().title == "Монитор мигает"


def test_retrieve_returns_ticket_with_display_names(agent_client, agent, requester):
    ticket = make_ticket(requester=requester, assignee=agent)

    response = agent_client.get(f"/api/tickets/{ticket.pk}")

    assert response.status_code == 200
    assert response.json()["assignee"] == agent.pk
    assert response.json()["assignee_name"] == "Иван Смирнов"
    assert response.json()["requester_name"] == "Анна Петрова"


def test_put_accepts_what_get_returned(agent_client, agent):
    ticket = make_ticket(description="Старое описание")
    body = agent_client.get(f"/api/tickets/{ticket.pk}").json()
    body.update(description="Новое описание", status="in_progress", assignee=agent.pk)

    response = agent_client.put(f"/api/tickets/{ticket.pk}", body, format="json")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.description, ticket.status, ticket.assignee) == (
        "Новое описание",
        "in_progress",
        agent,
    )
    assert response.json()["version"] == 2


def test_put_without_title_is_rejected(agent_client):
    ticket = make_ticket()

    response = agent_client.put(f"/api/tickets/{ticket.pk}", {"status": "closed"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_patch_changes_only_status(agent_client):
    ticket = make_ticket(description="Описание", priority="low")

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "on_hold"}, format="json")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.description) == ("on_hold", "low", "Описание")


def test_patch_with_no_change_keeps_version(agent_client):
    ticket = make_ticket(status="new")

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "new"}, format="json")

    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_agent_can_unassign(agent_client, agent):
    ticket = make_ticket(assignee=agent)

    response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"assignee": None}, format="json")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_delete_answers_204_and_removes_ticket_from_the_list(agent_client, agent):
    ticket = make_ticket()

    response = agent_client.delete(f"/api/tickets/{ticket.pk}")

    assert response.status_code == 204
    assert agent_client.get("/api/tickets").json()["count"] == 0
    assert not Ticket.objects.alive().filter(pk=ticket.pk).exists()
    assert Ticket.objects.get(pk=ticket.pk).deleted_by == agent


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_every_method_gives_404_after_delete(agent_client, method):
    ticket = make_ticket()
    agent_client.delete(f"/api/tickets/{ticket.pk}")

    response = getattr(agent_client, method)(
        f"/api/tickets/{ticket.pk}", {"title": "Снова"}, format="json"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_every_method_works_with_and_without_trailing_slash(agent_client, suffix):
    created = agent_client.post(f"/api/tickets{suffix}", {"title": "Клавиатура"}, format="json")
    url = f"/api/tickets/{created.json()['id']}{suffix}"

    responses = [
        created,
        agent_client.get(f"/api/tickets{suffix}"),
        agent_client.get(url),
        agent_client.put(url, {"title": "Клавиатура залита"}, format="json"),
        agent_client.patch(url, {"priority": "low"}, format="json"),
        agent_client.delete(url),
        agent_client.post(f"/api/ticket{suffix}", {"title": "Ещё одна"}, format="json"),
    ]

    assert [r.status_code for r in responses] == [201, 200, 200, 200, 200, 204, 201]


def test_wrong_method_gives_json_405(agent_client):
    response = agent_client.delete("/api/tickets")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "DELETE" not allowed.'}


def test_singular_path_only_creates(agent_client):
    response = agent_client.get("/api/ticket")

    assert response.status_code == 405


def test_unknown_api_path_gives_json_404(agent_client):
    response = agent_client.get("/api/nothing-here")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_non_numeric_ticket_id_gives_json_404(agent_client):
    response = agent_client.get("/api/tickets/abc")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_path_gives_json_404_for_writes_too(agent, method):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")

    response = getattr(client, method)("/api/nope", {}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
