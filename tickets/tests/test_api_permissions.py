"""The role matrix: who may do what to whose ticket."""

import pytest
from rest_framework.authtoken.models import Token

from tickets.models import Ticket

from .conftest import english_client
from .factories import make_agent, make_ticket, make_user

ROLES = ["anonymous", "requester", "other_requester", "agent"]

# (method, path, body, {role: expected status}); {id} is a ticket owned by "requester".
MATRIX = [
    (
        "get",
        "/api/tickets",
        None,
        {"anonymous": 401, "requester": 200, "other_requester": 200, "agent": 200},
    ),
    (
        "post",
        "/api/tickets",
        {"title": "Новая"},
        {"anonymous": 401, "requester": 201, "other_requester": 201, "agent": 201},
    ),
    (
        "post",
        "/api/ticket",
        {"title": "Новая"},
        {"anonymous": 401, "requester": 201, "other_requester": 201, "agent": 201},
    ),
    (
        "get",
        "/api/tickets/{id}",
        None,
        {"anonymous": 401, "requester": 200, "other_requester": 404, "agent": 200},
    ),
    (
        "put",
        "/api/tickets/{id}",
        {"title": "Иначе"},
        {"anonymous": 401, "requester": 200, "other_requester": 404, "agent": 200},
    ),
    (
        "patch",
        "/api/tickets/{id}",
        {"description": "Подробнее"},
        {"anonymous": 401, "requester": 200, "other_requester": 404, "agent": 200},
    ),
    (
        "patch",
        "/api/tickets/{id}",
        {"status": "closed"},
        {"anonymous": 401, "requester": 403, "other_requester": 404, "agent": 200},
    ),
    (
        "patch",
        "/api/tickets/{id}",
        {"priority": "critical"},
        {"anonymous": 401, "requester": 403, "other_requester": 404, "agent": 200},
    ),
    (
        "patch",
        "/api/tickets/{id}",
        {"assignee": "{agent}"},
        {"anonymous": 401, "requester": 403, "other_requester": 404, "agent": 200},
    ),
    (
        "delete",
        "/api/tickets/{id}",
        None,
        {"anonymous": 401, "requester": 403, "other_requester": 404, "agent": 204},
    ),
    (
        "get",
        "/api/users",
        None,
        {"anonymous": 401, "requester": 403, "other_requester": 403, "agent": 200},
    ),
    (
        "get",
        "/api/auth/me",
        None,
        {"anonymous": 401, "requester": 200, "other_requester": 200, "agent": 200},
    ),
    (
        "get",
        "/api/schema",
        None,
        {"anonymous": 200, "requester": 200, "other_requester": 200, "agent": 200},
    ),
    (
        "get",
        "/api/docs",
        None,
        {"anonymous": 200, "requester": 200, "other_requester": 200, "agent": 200},
    ),
    (
        "get",
        "/healthz",
        None,
        {"anonymous": 200, "requester": 200, "other_requester": 200, "agent": 200},
    ),
    (
        "get",
        "/readyz",
        None,
        {"anonymous": 200, "requester": 200, "other_requester": 200, "agent": 200},
    ),
]

CASES = [
    pytest.param(method, path, body, role, expected[role], id=f"{role}-{method}-{path}-{body}")
    for method, path, body, expected in MATRIX
    for role in ROLES
]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_role_matrix(method, path, body, role, expected):
    users = {
        "requester": make_user("requester"),
        "other_requester": make_user("other"),
        "agent": make_agent("agent"),
    }
    ticket = make_ticket(requester=users["requester"])
    if body and body.get("assignee") == "{agent}":
        body = {"assignee": users["agent"].pk}

    client = english_client(users.get(role))
    response = getattr(client, method)(path.format(id=ticket.pk), body, format="json")

    assert response.status_code == expected


def test_anonymous_gets_json_401(anon_client):
    response = anon_client.get("/api/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_requester_lists_only_own_tickets(requester_client, requester, other_requester):
    own = make_ticket(requester=requester, title="Моё")
    make_ticket(requester=other_requester, title="Чужое")

    response = requester_client.get("/api/tickets")

    assert [t["id"] for t in response.json()["results"]] == [own.pk]
    assert response.json()["count"] == 1


def test_requester_cannot_find_other_requesters_ticket_by_search(
    requester_client, requester, other_requester
):
    hidden = make_ticket(requester=other_requester, title="Секретный сервер")

    by_text = requester_client.get("/api/tickets", {"search": "Секретный"})
    by_id = requester_client.get("/api/tickets", {"search": str(hidden.pk)})

    assert by_text.json()["count"] == 0
    assert by_id.json()["count"] == 0


def test_requester_changing_status_gets_clear_message_and_nothing_changes(
    requester_client, requester
):
    ticket = make_ticket(requester=requester)

    response = requester_client.patch(
        f"/api/tickets/{ticket.pk}", {"status": "closed", "title": "Другое"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Requesters cannot change these fields: status."}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.title) == ("new", "Принтер не печатает")


def test_requester_cannot_choose_status_or_assignee_on_create(requester_client, agent):
    response = requester_client.post(
        "/api/tickets",
        {"title": "Сразу решено", "status": "resolved", "assignee": agent.pk},
        format="json",
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Requesters cannot set these fields: assignee, status."}
    assert not Ticket.objects.exists()


def test_requester_may_choose_priority_on_create(requester_client):
    response = requester_client.post(
        "/api/tickets", {"title": "Срочно", "priority": "critical"}, format="json"
    )

    assert response.status_code == 201
    assert Ticket.objects.get().priority == "critical"


def test_requester_can_put_back_what_get_returned_with_edits(requester_client, requester):
    ticket = make_ticket(requester=requester)
    body = requester_client.get(f"/api/tickets/{ticket.pk}").json()
    body["description"] = "Теперь подробнее"

    response = requester_client.put(f"/api/tickets/{ticket.pk}", body, format="json")

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.description == "Теперь подробнее"


def test_requester_cannot_delete_own_ticket(requester_client, requester):
    ticket = make_ticket(requester=requester)

    response = requester_client.delete(f"/api/tickets/{ticket.pk}")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only agents can delete tickets."}
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_superuser_without_staff_flag_is_an_agent(other_requester):
    boss = make_user("boss", is_superuser=True)
    ticket = make_ticket(requester=other_requester)

    response = english_client(boss).get(f"/api/tickets/{ticket.pk}")

    assert response.status_code == 200


def test_deactivated_users_token_stops_working():
    former = make_agent("former")
    token = Token.objects.create(user=former)
    former.is_active = False
    former.save()
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get("/api/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
