import pytest

from tickets.models import Ticket

from .factories import make_agent, make_ticket, make_user


def post(client, body, **kwargs):
    return client.post("/api/tickets", body, format="json", **kwargs)


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "This field may not be blank."),
        ("   ", "This field may not be blank."),
        ("Я" * 201, "Ensure this field has no more than 200 characters."),
        (None, "This field may not be null."),
        (42, "Not a valid string."),
        (["Принтер"], "Not a valid string."),
    ],
)
def test_invalid_title_is_rejected_and_nothing_written(agent_client, title, message):
    response = post(agent_client, {"title": title})

    assert response.status_code == 400
    assert response.json() == {"title": [message]}
    assert not Ticket.objects.exists()


def test_missing_title_is_rejected(agent_client):
    response = post(agent_client, {"description": "Без заголовка"})

    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."]}


def test_title_of_200_cyrillic_characters_is_accepted(agent_client):
    response = post(agent_client, {"title": "Ж" * 200})

    assert response.status_code == 201
    assert Ticket.objects.get().title == "Ж" * 200


def test_description_over_20000_characters_is_rejected(agent_client):
    response = post(agent_client, {"title": "Длинный текст", "description": "щ" * 20_001})

    assert response.status_code == 400
    assert response.json() == {
        "description": ["Ensure this field has no more than 20000 characters."]
    }
    assert not Ticket.objects.exists()


def test_description_of_20000_characters_is_kept_verbatim(agent_client):
    text = "  строка\n" * 2000

    response = post(agent_client, {"title": "Лог", "description": text})

    assert response.status_code == 201
    assert Ticket.objects.get().description == text


def test_unknown_status_lists_allowed_values(agent_client):
    response = post(agent_client, {"title": "Статус", "status": "done"})

    assert response.status_code == 400
    assert response.json() == {
        "status": [
            '"done" is not a valid choice. Allowed values: new, in_progress, on_hold, '
            "resolved, closed."
        ]
    }


def test_unknown_priority_lists_allowed_values(agent_client):
    ticket = make_ticket()

    response = agent_client.patch(
        f"/api/tickets/{ticket.pk}", {"priority": "urgent"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "priority": ['"urgent" is not a valid choice. Allowed values: low, medium, high, critical.']
    }
    ticket.refresh_from_db()
    assert ticket.priority == "medium"


def test_assignee_that_does_not_exist_is_rejected(agent_client):
    response = post(agent_client, {"title": "Назначение", "assignee": 999_999})

    assert response.status_code == 400
    assert response.json() == {"assignee": ["User 999999 does not exist or is not an agent."]}


def test_assignee_who_is_not_an_agent_is_rejected(agent_client):
    requester = make_user("someone")

    response = post(agent_client, {"title": "Назначение", "assignee": requester.pk})

    assert response.status_code == 400
    assert response.json() == {
        "assignee": [f"User {requester.pk} does not exist or is not an agent."]
    }


def test_inactive_agent_cannot_be_assigned(agent_client):
    former = make_agent("former", is_active=False)

    response = post(agent_client, {"title": "Назначение", "assignee": former.pk})

    assert response.status_code == 400


@pytest.mark.parametrize("assignee", ["5", True, 1.5, {"id": 1}])
def test_assignee_of_wrong_type_is_rejected(agent_client, assignee):
    response = post(agent_client, {"title": "Назначение", "assignee": assignee})

    assert response.status_code == 400
    assert list(response.json()) == ["assignee"]


def test_malformed_json_is_a_400_in_json(agent_client):
    response = agent_client.post(
        "/api/tickets", '{"title": "Сломанный', content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("JSON parse error")
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("body", ["[1, 2]", '"текст"', "42", "null"])
def test_body_that_is_not_an_object_is_rejected(agent_client, body):
    response = agent_client.post("/api/tickets", body, content_type="application/json")

    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_unknown_fields_and_read_only_fields_are_ignored(agent_client, agent):
    other = make_user("other")

    response = post(
        agent_client,
        {"title": "Поля", "requester": other.pk, "version": 99, "id": 12345, "colour": "red"},
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.version) == (agent, 1)
    assert ticket.pk != 12345


def test_errors_come_in_russian_by_default(agent):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(agent)

    response = client.post("/api/tickets", {"title": ""}, format="json")

    assert response.json() == {"title": ["Это поле не может быть пустым."]}
