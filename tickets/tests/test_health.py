"""Liveness and readiness probes."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


def test_healthz_answers_without_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_200_when_the_database_answers(db):
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_503_with_a_reason_when_the_database_is_unreachable(db):
    with mock.patch(
        "config.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "database: OperationalError"}


def test_healthz_stays_200_when_the_database_is_unreachable(db):
    with mock.patch(
        "config.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/healthz/")

    assert response.status_code == 200


def test_api_answers_503_json_when_the_database_is_unreachable(agent_client):
    with mock.patch(
        "tickets.views.TicketViewSet.get_queryset", side_effect=OperationalError("gone")
    ):
        response = agent_client.get("/api/tickets")

    assert response.status_code == 503
    assert response.json() == {"detail": "The database is unavailable. Try again shortly."}
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_whatever_the_host_header(db, settings, path):
    settings.ALLOWED_HOSTS = ["desk.example.com"]

    response = Client().get(path, HTTP_HOST="10.2.3.4:8000")

    assert response.status_code == 200


def test_other_paths_still_check_the_host(db, settings):
    settings.ALLOWED_HOSTS = ["desk.example.com"]

    response = Client().get("/api/tickets", HTTP_HOST="10.2.3.4:8000")

    assert response.status_code == 400
