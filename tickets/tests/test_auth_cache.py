"""Authenticated requests find their user in the cache, and changes apply at once."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
