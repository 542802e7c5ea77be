"""Comments: requesters on their own tickets, agents on any; internal notes for agents only."""

import pytest

from tickets.models import Comment

from .factories import make_ticket


def comment(client, ticket_id, text="Проверьте кабель", **extra):
    return client.post(f"/api/tickets/{ticket_id}/comments", {"text": text, **extra}, format="json")


def test_requester_comments_on_own_ticket(requester_client, requester):
    ticket = make_ticket(requester=requester)

    response = comment(requester_client, ticket.pk, "Всё ещё не работает")

    assert response.status_code == 201
    body = response.json()
    assert (body["text"], body["author"], body["author_name"], body["internal"]) == (
        "Всё ещё не работает",
        requester.pk,
        "Анна Петрова",
        False,
    )
    assert Comment.objects.get().ticket == ticket


def test_agent_comments_on_any_ticket(agent_client):
    ticket = make_ticket()

    assert comment(agent_client, ticket.pk).status_code == 201


def test_requester_cannot_comment_on_someone_elses_ticket(other_client, requester):
    ticket = make_ticket(requester=requester)

    response = comment(other_client, ticket.pk)

    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_requester_cannot_write_internal_comments(requester_client, requester):
    ticket = make_ticket(requester=requester)

    response = comment(requester_client, ticket.pk, internal=True)

    assert response.status_code == 403
    assert response.json() == {"detail": "Only agents can write internal comments."}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field may not be blank."),
        ("   ", "This field may not be blank."),
        ("ы" * 10_001, "Ensure this field has no more than 10000 characters."),
        (5, "Not a valid string."),
    ],
)
def test_invalid_comment_text_is_rejected(agent_client, text, message):
    ticket = make_ticket()

    response = comment(agent_client, ticket.pk, text)

    assert response.status_code == 400
    assert response.json() == {"text": [message]}
    assert not Comment.objects.exists()


def test_comments_are_listed_oldest_first_and_paginated(agent_client):
    ticket = make_ticket()
    for text in ["Первый", "Второй", "Третий"]:
        comment(agent_client, ticket.pk, text)

    body = agent_client.get(f"/api/tickets/{ticket.pk}/comments?page_size=2").json()

    assert body["count"] == 3
    assert [c["text"] for c in body["results"]] == ["Первый", "Второй"]


def test_internal_comments_are_invisible_to_requesters_everywhere(
    agent_client, requester_client, requester
):
    ticket = make_ticket(requester=requester)
    comment(agent_client, ticket.pk, "Публичный ответ")
    comment(agent_client, ticket.pk, "Заявитель путает кабели", internal=True)

    comments = requester_client.get(f"/api/tickets/{ticket.pk}/comments").json()
    history = requester_client.get(f"/api/tickets/{ticket.pk}/history").json()
    agent_view = agent_client.get(f"/api/tickets/{ticket.pk}/comments").json()

    assert [c["text"] for c in comments["results"]] == ["Публичный ответ"]
    assert comments["count"] == 1
    assert history["count"] == 1
    assert all(not item["internal"] for item in history["results"])
    assert agent_view["count"] == 2


def test_comment_is_recorded_in_history(agent_client):
    ticket = make_ticket()
    created = comment(agent_client, ticket.pk).json()

    (item,) = agent_client.get(f"/api/tickets/{ticket.pk}/history").json()["results"]

    assert (item["action"], item["comment"]) == ("commented", created["id"])


def test_commenting_does_not_change_the_ticket_version(agent_client):
    ticket = make_ticket()

    comment(agent_client, ticket.pk)

    ticket.refresh_from_db()
    assert ticket.version == 1


def test_comments_on_a_deleted_ticket_are_gone_with_it(agent_client):
    ticket = make_ticket()
    agent_client.delete(f"/api/tickets/{ticket.pk}")

    assert agent_client.get(f"/api/tickets/{ticket.pk}/comments").status_code == 404
    assert comment(agent_client, ticket.pk).status_code == 404
