"""Pooled connections are checked with SELECT 1 only after sitting idle (PostgreSQL)."""

import time

import pytest
from django.db import connection


@pytest.fixture
def pooled(monkeypatch, settings):
    """A second connection of the same database, outside the test's transaction."""
    settings.DB_HEALTH_CHECK_IDLE_MS = 1000
    other = connection.copy()
    other.health_check_enabled = True  # type: ignore[attr-defined]  # missing from django-stubs
    other.ensure_connection()
    checks = []
    real = other.is_usable

    def counted() -> bool:
        checks.append(1)
        return real()

    monkeypatch.setattr(other, "is_usable", counted)
    yield other, checks
    other.close()


def request(wrapper):
    """What a request does to the connection: start, first query, end."""
    wrapper.close_if_unusable_or_obsolete()
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 42")
    wrapper.close_if_unusable_or_obsolete()


def test_requests_in_quick_succession_skip_the_check(pooled):
    wrapper, checks = pooled
    request(wrapper)
    checks.clear()

    request(wrapper)
    request(wrapper)

    assert checks == []


def test_a_connection_idle_for_longer_is_checked_first(pooled):
    wrapper, checks = pooled
    request(wrapper)
    checks.clear()
    wrapper.idle_since -= 2  # two seconds ago

    request(wrapper)

    assert checks == [1]


def test_a_request_that_does_not_query_does_not_refresh_the_idle_time(pooled):
    wrapper, _checks = pooled
    request(wrapper)
    ended = wrapper.idle_since

    wrapper.close_if_unusable_or_obsolete()  # a request without queries starts...
    wrapper.close_if_unusable_or_obsolete()  # ...and ends

    assert wrapper.idle_since == ended


def test_a_connection_the_server_closed_is_checked_and_replaced_at_once(pooled):
    wrapper, checks = pooled
    request(wrapper)
    checks.clear()
    backend = wrapper.connection.info.backend_pid
    with connection.cursor() as cursor:  # a restarted server closes its connections the same way
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [backend])
            if cursor.fetchone()[0] == 0:
                break
            time.sleep(0.01)

    request(wrapper)  # within the idle limit, yet it does not fail

    assert checks == [1]
    assert wrapper.connection.info.backend_pid != backend
