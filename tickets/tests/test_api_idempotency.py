"""Idempotent creates: a retried POST with the same Idempotency-Key creates nothing new."""

import datetime

from django.utils import timezone

from tickets.models import IdempotencyRecord, Ticket

from .conftest import english_client


def create(client, body, key):
    return client.post("/api/tickets", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_retry_with_same_key_and_body_returns_the_original_response(agent_client):
    first = create(agent_client, {"title": "Сеть упала"}, "retry-1")

    second = create(agent_client, {"title": "Сеть упала"}, "retry-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert second["Location"] == first["Location"]
    assert Ticket.objects.count() == 1


def test_retry_returns_the_original_even_after_the_ticket_changed(agent_client):
    first = create(agent_client, {"title": "Исходное"}, "retry-2").json()
    agent_client.patch(f"/api/tickets/{first['id']}", {"title": "Изменено"}, format="json")

    second = create(agent_client, {"title": "Исходное"}, "retry-2")

    assert second.json()["title"] == "Исходное"
    assert Ticket.objects.count() == 1


def test_key_order_in_the_body_does_not_matter(agent_client):
    create(agent_client, {"title": "А", "priority": "high"}, "order")

    second = create(agent_client, {"priority": "high", "title": "А"}, "order")

    assert second.status_code == 201
    assert Ticket.objects.count() == 1


def test_same_key_with_a_different_body_is_422_and_creates_nothing(agent_client):
    create(agent_client, {"title": "Первое"}, "clash")

    response = create(agent_client, {"title": "Другое"}, "clash")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was already used with a different request body."
    }
    assert Ticket.objects.count() == 1


def test_keys_belong_to_one_user(agent_client, requester):
    create(agent_client, {"title": "Общий ключ"}, "shared")

    response = create(english_client(requester), {"title": "Общий ключ"}, "shared")

    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_expired_key_creates_again(agent_client):
    create(agent_client, {"title": "Старое"}, "old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))

    response = create(agent_client, {"title": "Старое"}, "old")

    assert response.status_code == 201
    assert Ticket.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_rejected_create_does_not_burn_the_key(agent_client):
    invalid = create(agent_client, {"title": ""}, "fix-and-retry")

    valid = create(agent_client, {"title": ""}, "fix-and-retry")
    fixed = create(agent_client, {"title": "Исправлено"}, "fix-and-retry")

    assert (invalid.status_code, valid.status_code, fixed.status_code) == (400, 400, 201)
    assert Ticket.objects.count() == 1


def test_malformed_key_is_a_400(agent_client):
    response = create(agent_client, {"title": "Ключ"}, "x" * 256)

    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["Use 1 to 255 printable ASCII characters."]}
    assert not Ticket.objects.exists()


def test_singular_create_path_honours_the_key(agent_client):
    agent_client.post("/api/ticket", {"title": "Раз"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    agent_client.post("/api/ticket", {"title": "Раз"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert Ticket.objects.count() == 1
