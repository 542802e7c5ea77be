"""The role matrix: who may do what to whose ticket."""

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tickets.models import Ticket

from .conftest import english_client
from .factories import PASSWORD, make_agent, make_ticket, make_user

ROLES = ["anonymous", "requester", "other_requester", "agent"]

# Who gets which status, per endpoint: "{id}" is a ticket owned by "requester", "{deleted}" a
# deleted one of theirs. Every operation in the OpenAPI schema must have a row (checked below).
# fmt: off
MATRIX = [
    # method    path                             body                       anon req  other agent
    ("get",    "/api/tickets",                   None,                      401, 200, 200, 200),
    ("post",   "/api/tickets",                   {"title": "Новая"},        401, 201, 201, 201),
    ("post",   "/api/ticket",                    {"title": "Новая"},        401, 201, 201, 201),
    ("get",    "/api/tickets/{id}",              None,                      401, 200, 404, 200),
    ("put",    "/api/tickets/{id}",              {"title": "Иначе"},        401, 200, 404, 200),
    ("patch",  "/api/tickets/{id}",              {"description": "Ещё"},    401, 200, 404, 200),
    ("patch",  "/api/tickets/{id}",              {"status": "closed"},      401, 403, 404, 200),
    ("patch",  "/api/tickets/{id}",              {"priority": "critical"},  401, 403, 404, 200),
    ("patch",  "/api/tickets/{id}",              {"assignee": "{agent}"},   401, 403, 404, 200),
    ("delete", "/api/tickets/{id}",              None,                      401, 403, 404, 204),
    ("get",    "/api/tickets/{id}/history",      None,                      401, 200, 404, 200),
    ("get",    "/api/tickets/{id}/comments",     None,                      401, 200, 404, 200),
    ("post",   "/api/tickets/{id}/comments",     {"text": "Спасибо"},       401, 201, 404, 201),
    ("post",   "/api/tickets/{id}/comments",     {"text": "Заметка", "internal": True},
                                                                            401, 403, 404, 201),
    ("get",    "/api/tickets/deleted",           None,                      401, 403, 403, 200),
    ("post",   "/api/tickets/{deleted}/restore", None,                      401, 403, 403, 200),
    ("get",    "/api/users",                     None,                      401, 403, 403, 200),
    ("get",    "/api/auth/me",                   None,                      401, 200, 200, 200),
    ("post",   "/api/auth/token",                {"username": "agent", "password": PASSWORD},
                                                                            200, 200, 200, 200),
    ("delete", "/api/auth/token",                None,                      401, 204, 204, 204),
    ("post",   "/api/auth/login",                {"username": "agent", "password": PASSWORD},
                                                                            200, 200, 200, 200),
    ("post",   "/api/auth/logout",               None,                      204, 204, 204, 204),
    ("get",    "/api/schema",                    None,                      200, 200, 200, 200),
    ("get",    "/api/docs",                      None,                      200, 200, 200, 200),
    ("get",    "/healthz",                       None,                      200, 200, 200, 200),
    ("get",    "/readyz",                        None,                      200, 200, 200, 200),
]
# fmt: on

CASES = [
    pytest.param(method, path, body, role, expected, id=f"{role}-{method}-{path}-{body}")
    for method, path, body, *statuses in MATRIX
    for role, expected in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CASES)
def test_role_matrix(method, path, body, role, expected):
    users = {
        "requester": make_user("requester"),
        "other_requester": make_user("other"),
        "agent": make_agent("agent"),
    }
    ticket = make_ticket(requester=users["requester"])
    deleted = make_ticket(requester=users["requester"], deleted_at=timezone.now())
    if body and body.get("assignee") == "{agent}":
        body = {"assignee": users["agent"].pk}

    client = english_client(users.get(role))
    response = getattr(client, method)(
        path.format(id=ticket.pk, deleted=deleted.pk), body, format="json"
    )

    assert response.status_code == expected


def test_every_api_operation_has_a_row_in_the_matrix(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method, path.replace("{id}/restore", "{deleted}/restore"))
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    covered = {(method, path) for method, path, *_ in MATRIX}

    assert operations - covered == set()


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
    token = Token.objects.create(user_id=former.pk)
    former.is_active = False
    former.save()
    client = english_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get("/api/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
