"""The activity history: every create, change, comment, delete and restore, newest first."""

import pytest

from .factories import make_agent, make_ticket


def history(client, ticket_id):
    response = client.get(f"/api/tickets/{ticket_id}/history")
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def entry(item):
    return (item["action"], item["field"], item["old_value"], item["new_value"])


def test_create_is_recorded_with_its_actor(agent_client, agent):
    created = agent_client.post("/api/tickets", {"title": "Новая"}, format="json").json()

    (item,) = history(agent_client, created["id"])

    assert entry(item) == ("created", "", None, None)
    assert (item["actor"], item["actor_name"]) == (agent.pk, "Иван Смирнов")


@pytest.mark.parametrize(
    ("field", "before", "after", "old_label", "new_label"),
    [
        ("title", "Старый", "Новый", "Старый", "Новый"),
        ("description", "", "Подробности", "", "Подробности"),
        ("status", "new", "in_progress", "New", "In progress"),
        ("priority", "medium", "critical", "Medium", "Critical"),
    ],
)
def test_each_field_change_is_recorded_with_values_and_labels(
    agent_client, field, before, after, old_label, new_label
):
    ticket = make_ticket(**{field: before})

    agent_client.patch(f"/api/tickets/{ticket.pk}", {field: after}, format="json")

    (item,) = history(agent_client, ticket.pk)
    assert entry(item) == ("changed", field, before, after)
    assert (item["old_label"], item["new_label"]) == (old_label, new_label)


def test_assignee_change_records_user_ids_with_names(agent_client, agent):
    colleague = make_agent("colleague", first_name="Ольга", last_name="Иванова")
    ticket = make_ticket(assignee=agent)

    agent_client.patch(f"/api/tickets/{ticket.pk}", {"assignee": colleague.pk}, format="json")
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"assignee": None}, format="json")

    unassigned, reassigned = history(agent_client, ticket.pk)
    assert entry(reassigned) == ("changed", "assignee", agent.pk, colleague.pk)
    assert (reassigned["old_label"], reassigned["new_label"]) == ("Иван Смирнов", "Ольга Иванова")
    assert entry(unassigned) == ("changed", "assignee", colleague.pk, None)
    assert unassigned["new_label"] is None


def test_one_write_of_several_fields_records_each_and_no_unchanged_field(agent_client):
    ticket = make_ticket(title="Тот же", priority="low")

    agent_client.patch(
        f"/api/tickets/{ticket.pk}",
        {"title": "Тот же", "priority": "high", "status": "on_hold"},
        format="json",
    )

    fields = sorted(item["field"] for item in history(agent_client, ticket.pk))
    assert fields == ["priority", "status"]


def test_history_is_newest_first_and_paginated(agent_client):
    ticket = make_ticket()
    for title in ["Первое", "Второе", "Третье"]:
        agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": title}, format="json")

    response = agent_client.get(f"/api/tickets/{ticket.pk}/history?page_size=2")

    body = response.json()
    assert body["count"] == 3
    assert [item["new_value"] for item in body["results"]] == ["Третье", "Второе"]
    assert body["next"] is not None


def test_delete_and_restore_are_recorded(agent_client):
    ticket = make_ticket()
    agent_client.delete(f"/api/tickets/{ticket.pk}")
    agent_client.post(f"/api/tickets/{ticket.pk}/restore")

    actions = [item["action"] for item in history(agent_client, ticket.pk)]

    assert actions == ["restored", "deleted"]


def test_requester_sees_history_of_own_ticket(requester_client, requester, agent_client):
    ticket = make_ticket(requester=requester)
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "in_progress"}, format="json")

    items = history(requester_client, ticket.pk)

    assert [entry(i) for i in items] == [("changed", "status", "new", "in_progress")]


def test_requester_gets_404_for_history_of_someone_elses_ticket(other_client, requester):
    ticket = make_ticket(requester=requester)

    response = other_client.get(f"/api/tickets/{ticket.pk}/history")

    assert response.status_code == 404


def test_history_query_count_is_constant(agent_client, django_assert_max_num_queries):
    ticket = make_ticket()
    for i in range(10):
        colleague = make_agent(f"colleague{i}")
        agent_client.patch(f"/api/tickets/{ticket.pk}", {"assignee": colleague.pk}, format="json")

    with django_assert_max_num_queries(4):
        agent_client.get(f"/api/tickets/{ticket.pk}/history")


def test_history_labels_follow_the_request_language(agent_client):
    ticket = make_ticket()
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"status": "resolved"}, format="json")

    response = agent_client.get(f"/api/tickets/{ticket.pk}/history", HTTP_ACCEPT_LANGUAGE="ru")

    assert response.json()["results"][0]["new_label"] == "Решено"
