"""Token and session authentication, CSRF, and login throttling."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .factories import PASSWORD, make_agent, make_user


def csrf_client() -> APIClient:
    return APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def test_token_endpoint_returns_a_token_that_authenticates(requester):
    client = APIClient()

    response = client.post(
        "/api/auth/token", {"username": "requester", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=requester).key}
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/tickets").status_code == 200


def test_token_endpoint_rejects_a_wrong_password(requester, anon_client):
    response = anon_client.post(
        "/api/auth/token", {"username": "requester", "password": "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with these credentials."]}
    assert not Token.objects.exists()


def test_token_endpoint_requires_both_fields(anon_client):
    response = anon_client.post("/api/auth/token", {"username": "requester"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": ["This field is required."]}


def test_inactive_user_gets_no_token(anon_client):
    make_user("gone", is_active=False)

    response = anon_client.post(
        "/api/auth/token", {"username": "gone", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400


def test_invalid_token_is_a_401(anon_client):
    anon_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anon_client.get("/api/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_token_can_be_revoked(requester):
    token = Token.objects.create(user=requester)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.delete("/api/auth/token")

    assert response.status_code == 204
    assert not Token.objects.exists()
    assert client.get("/api/tickets").status_code == 401


def test_session_login_needs_the_csrf_token(requester):
    client = csrf_client()

    response = client.post(
        "/api/auth/login", {"username": "requester", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")


def login(client: APIClient, username: str) -> dict:
    client.get("/api/auth/me")
    response = client.post(
        "/api/auth/login",
        {"username": username, "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_session_login_with_csrf_returns_the_user_and_role(requester):
    client = csrf_client()

    body = login(client, "requester")

    assert body == {
        "id": requester.pk,
        "username": "requester",
        "display_name": "Анна Петрова",
        "role": "requester",
    }
    assert client.get("/api/auth/me").json()["role"] == "requester"


def test_me_reports_agents_as_agents(agent):
    client = csrf_client()

    assert login(client, "agent")["role"] == "agent"


def test_me_for_anonymous_is_401_and_sets_the_csrf_cookie():
    client = csrf_client()

    response = client.get("/api/auth/me")

    assert response.status_code == 401
    assert "csrftoken" in response.cookies


def test_session_writes_need_the_csrf_header(requester):
    client = csrf_client()
    login(client, "requester")

    without = client.post("/api/tickets", {"title": "Без CSRF"}, format="json")
    with_token = client.post(
        "/api/tickets",
        {"title": "С CSRF"},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    assert without.status_code == 403
    assert without.json()["detail"].startswith("CSRF Failed")
    assert with_token.status_code == 201


def test_token_writes_need_no_csrf_header(requester):
    token = Token.objects.create(user=requester)
    client = csrf_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.post("/api/tickets", {"title": "Через токен"}, format="json")

    assert response.status_code == 201


def test_logout_ends_the_session(requester):
    client = csrf_client()
    login(client, "requester")

    response = client.post("/api/auth/logout", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    assert response.status_code == 204
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize("endpoint", ["/api/auth/token", "/api/auth/login"])
def test_ten_attempts_a_minute_per_username_then_429(requester, endpoint):
    statuses = []
    for attempt in range(11):
        # A different address each time: only the per-username limit applies.
        client = APIClient(REMOTE_ADDR=f"10.0.0.{attempt + 1}")
        response = client.post(
            endpoint, {"username": "requester", "password": "wrong"}, format="json"
        )
        statuses.append(response.status_code)

    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    assert "Retry-After" in response


def test_throttled_login_answers_json(requester):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(10):
        client.post("/api/auth/token", {"username": "requester", "password": "x"}, format="json")

    response = client.post(
        "/api/auth/token", {"username": "requester", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")


def test_attempts_per_address_are_limited_across_usernames():
    client = APIClient()
    statuses = [
        client.post(
            "/api/auth/token", {"username": f"user{i}", "password": "x"}, format="json"
        ).status_code
        for i in range(31)
    ]

    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429


def test_users_endpoint_lists_active_agents_for_the_picker(agent_client, agent):
    make_agent("zoya", first_name="Зоя", last_name="Козлова")
    make_agent("retired", is_active=False)
    make_user("customer")

    response = agent_client.get("/api/users")

    assert response.status_code == 200
    assert [u["username"] for u in response.json()["results"]] == ["agent", "zoya"]
    assert response.json()["results"][1] == {
        "id": response.json()["results"][1]["id"],
        "username": "zoya",
        "display_name": "Зоя Козлова",
    }


def test_users_endpoint_searches_names_in_any_case(agent_client):
    make_agent("zoya", first_name="Зоя", last_name="Козлова")

    response = agent_client.get("/api/users", {"search": "козл"})

    assert [u["username"] for u in response.json()["results"]] == ["zoya"]


def test_user_search_with_a_null_character_is_a_400_object(agent_client):
    response = agent_client.get("/api/users", {"search": "a\x00b"})

    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
