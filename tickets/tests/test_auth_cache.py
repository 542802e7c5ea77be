"""Authenticated requests find their user in the cache, and changes apply at once."""

import time

from django.core.cache import caches
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets import authentication

from .factories import PASSWORD


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_token_requests_need_no_query_for_the_user_once_cached(
    requester, django_assert_num_queries
):
    client = token_client(requester)
    client.get("/api/auth/me")

    with django_assert_num_queries(0):
        response = client.get("/api/auth/me")

    assert response.json()["username"] == "requester"


def test_session_requests_need_no_query_for_the_user_once_cached(
    requester, django_assert_max_num_queries
):
    client = APIClient()
    client.login(username="requester", password=PASSWORD)
    client.get("/api/auth/me")

    with django_assert_max_num_queries(1):  # the session row only
        response = client.get("/api/auth/me")

    assert response.json()["username"] == "requester"


def test_revoked_token_stops_working_at_once(requester):
    client = token_client(requester)
    client.get("/api/auth/me")

    client.delete("/api/auth/token")

    assert client.get("/api/auth/me").status_code == 401


def test_deactivated_user_is_locked_out_at_once(requester):
    client = token_client(requester)
    client.get("/api/auth/me")

    requester.is_active = False
    requester.save()

    assert client.get("/api/auth/me").status_code == 401


def test_role_change_applies_at_once(requester):
    client = token_client(requester)
    assert client.get("/api/auth/me").json()["role"] == "requester"

    requester.is_staff = True
    requester.save()

    assert client.get("/api/auth/me").json()["role"] == "agent"


def revoke_elsewhere(user):
    """What another process's revocation leaves here: no row, no shared entry, no signal."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token WHERE user_id = %s", [user.pk])
    caches["default"].clear()


def test_a_process_serves_a_steady_client_without_the_shared_cache(requester, monkeypatch):
    client = token_client(requester)
    client.get("/api/auth/me")
    calls = []
    monkeypatch.setattr(caches["default"], "get", lambda *a, **k: calls.append(a))

    response = client.get("/api/auth/me")

    assert response.json()["username"] == "requester"
    assert calls == []


def test_changes_made_by_another_process_apply_within_the_local_cache_time(
    requester, monkeypatch, settings
):
    settings.AUTH_LOCAL_CACHE_SECONDS = 5
    client = token_client(requester)
    client.get("/api/auth/me")
    # Another process revokes the token: the table and the shared cache lose it, while this
    # process, which got no signal, keeps its own copy until it expires.
    key = Token.objects.get(user=requester).key
    revoke_elsewhere(requester)
    assert client.get("/api/auth/me").status_code == 200

    now = time.monotonic()
    monkeypatch.setattr(authentication.time, "monotonic", lambda: now + 6)

    assert client.get("/api/auth/me").status_code == 401
    assert key not in str(authentication._local)


def test_local_cache_can_be_turned_off(requester, settings):
    settings.AUTH_LOCAL_CACHE_SECONDS = 0
    client = token_client(requester)
    client.get("/api/auth/me")
    revoke_elsewhere(requester)

    assert client.get("/api/auth/me").status_code == 401
