"""Authentication keeps no copy of a user: every change applies on the next request."""

import pickle

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets.authentication import USER_FIELDS, LeanModelBackend, LeanTokenAuthentication

from .factories import PASSWORD

User = get_user_model()


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def session_client():
    client = APIClient()
    assert client.login(username="requester", password=PASSWORD)
    return client


def loaded(user):
    return {field.attname for field in User._meta.concrete_fields} - user.get_deferred_fields()


def same_values(user, expected, names):
    """Whether the named fields of both hold equal values of the same types."""
    ours = [(getattr(user, name), type(getattr(user, name))) for name in names]
    return ours == [(getattr(expected, name), type(getattr(expected, name))) for name in names]


@pytest.fixture(params=["token", "session"])
def signed_in(request, requester):
    """A client of the requester's, signed in by token or by session; seen once already."""
    client = token_client(requester) if request.param == "token" else session_client()
    assert client.get("/api/auth/me").status_code == 200
    return client


def test_a_token_request_costs_one_query_for_its_user(requester, django_assert_num_queries):
    client = token_client(requester)
    client.get("/api/auth/me")

    with django_assert_num_queries(1) as captured:
        response = client.get("/api/auth/me")

    assert response.json()["username"] == "requester"
    assert "authtoken_token" in captured.captured_queries[0]["sql"]


def test_a_session_request_costs_its_session_and_one_query_for_its_user(
    requester, django_assert_num_queries
):
    client = session_client()
    client.get("/api/auth/me")

    with django_assert_num_queries(2) as captured:
        response = client.get("/api/auth/me")

    assert response.json()["username"] == "requester"
    assert "django_session" in captured.captured_queries[0]["sql"]
    assert '"auth_user"."id" = ' in captured.captured_queries[1]["sql"]


def test_a_token_user_is_loaded_without_the_password_hash(requester):
    requester.is_superuser = True  # a value of each kind that differs from the column's default
    requester.save()
    key = Token.objects.create(user=requester).key

    user, auth = LeanTokenAuthentication().authenticate_credentials(key)

    assert auth == key
    assert loaded(user) == set(USER_FIELDS)
    assert same_values(user, requester, USER_FIELDS)


def test_a_session_user_is_loaded_with_the_hash_its_session_is_checked_against(requester):
    user = LeanModelBackend().get_user(requester.pk)

    assert loaded(user) == {*USER_FIELDS, "password"}
    assert same_values(user, requester, USER_FIELDS)
    assert user.get_session_auth_hash() == requester.get_session_auth_hash()


def test_fields_left_out_load_from_the_database_when_read(requester, django_assert_num_queries):
    key = Token.objects.create(user=requester).key
    user, _ = LeanTokenAuthentication().authenticate_credentials(key)

    with django_assert_num_queries(1):
        date_joined = user.date_joined

    assert date_joined == requester.date_joined


def test_the_shared_cache_holds_no_password_hash(signed_in, requester):
    signed_in.get("/api/auth/me")

    # What the tests' in-memory cache holds (LocMemCache keeps it in _cache).
    stored = pickle.dumps(dict(caches["default"]._cache))  # type: ignore[attr-defined]

    assert requester.password.encode() not in stored
    assert requester.password.split("$")[-1].encode() not in stored


def test_a_user_deactivated_by_a_queryset_update_is_refused_on_the_next_request(
    signed_in, requester
):
    User.objects.filter(pk=requester.pk).update(is_active=False)

    response = signed_in.get("/api/auth/me")

    assert response.status_code == 401
    assert not User.objects.get(pk=requester.pk).is_active


def test_a_deleted_user_is_refused_on_the_next_request(signed_in, requester):
    User.objects.filter(pk=requester.pk).delete()

    assert signed_in.get("/api/auth/me").status_code == 401


def test_a_role_changed_by_a_queryset_update_applies_on_the_next_request(signed_in, requester):
    assert signed_in.get("/api/auth/me").json()["role"] == "requester"

    User.objects.filter(pk=requester.pk).update(is_staff=True)

    assert signed_in.get("/api/auth/me").json()["role"] == "agent"


def test_a_token_revoked_through_the_api_stops_working_at_once(requester):
    client = token_client(requester)

    response = client.delete("/api/auth/token")

    assert response.status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    assert not Token.objects.filter(user=requester).exists()


def test_a_token_deleted_by_another_process_is_refused_on_the_next_request(requester):
    client = token_client(requester)
    client.get("/api/auth/me")

    with connection.cursor() as cursor:  # no signal, no cache to clear: as another process would
        cursor.execute("DELETE FROM authtoken_token WHERE user_id = %s", [requester.pk])

    assert client.get("/api/auth/me").status_code == 401


def test_a_password_changed_by_a_queryset_update_ends_the_session(requester):
    client = session_client()
    client.get("/api/auth/me")

    User.objects.filter(pk=requester.pk).update(password=make_password("Новый-пароль-43"))
    response = client.get("/api/auth/me")

    assert response.status_code == 401
    assert not Session.objects.exists()


def test_a_password_changed_by_save_ends_the_session(requester):
    client = session_client()
    client.get("/api/auth/me")

    requester.set_password("Новый-пароль-43")
    requester.save()

    assert client.get("/api/auth/me").status_code == 401
