"""Authentication answers right under concurrent requests, as gunicorn's threads make them."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets import authentication

from .factories import PASSWORD, make_agent, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite locks its whole file against writers"
    ),
]

THREADS = 6
ROUNDS = 25


def hammer(work, jobs):
    """Runs work(job) for every job in THREADS threads that start together; their answers."""
    start = threading.Barrier(min(THREADS, len(jobs)))

    def run(job):
        try:
            start.wait(timeout=10)
            return work(job)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, jobs))


def test_concurrent_token_and_session_requests_each_get_their_own_user():
    users = [make_user(f"user{n}") for n in range(THREADS // 2)]
    users += [make_agent(f"agent{n}") for n in range(THREADS - len(users))]
    keys = {user.username: Token.objects.create(user_id=user.pk).key for user in users}
    authentication._statement.cache_clear()  # the threads compose the statements too

    def requests(username):
        client = APIClient()
        if username.startswith("user"):
            client.credentials(HTTP_AUTHORIZATION=f"Token {keys[username]}")
        else:
            assert client.login(username=username, password=PASSWORD)
        return [client.get("/api/auth/me") for _ in range(ROUNDS)]

    answers = hammer(requests, list(keys))

    for username, responses in zip(keys, answers, strict=True):
        role = "requester" if username.startswith("user") else "agent"
        assert {r.status_code for r in responses} == {200}
        assert {(r.json()["username"], r.json()["role"]) for r in responses} == {(username, role)}


def test_a_deactivation_during_concurrent_requests_refuses_every_later_one():
    user = make_user("requester")
    key = Token.objects.create(user_id=user.pk).key
    deactivated = threading.Event()

    def requests(n):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        statuses = []
        for round_ in range(ROUNDS):
            if n == 0 and round_ == ROUNDS // 2:
                get_user_model().objects.filter(pk=user.pk).update(is_active=False)
                deactivated.set()
            after = deactivated.is_set()
            statuses.append((after, client.get("/api/auth/me").status_code))
        return statuses

    answers = hammer(requests, range(THREADS))

    statuses = [status for thread in answers for status in thread]
    assert {code for after, code in statuses if after} == {401}
    assert {code for after, code in statuses if not after} <= {200, 401}
    assert (False, 200) in statuses
