"""The back-office ticket admin."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tickets.models import Ticket

from .factories import make_agent, make_ticket, make_user


@pytest.fixture
def admin_client_for(agent):
    agent.is_superuser = True
    agent.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent)
    return client


INLINE_MANAGEMENT = {
    f"{prefix}-{key}": value
    for prefix in ("comments", "changes")
    for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
}


def changelist_queries(client, count):
    requester = make_user(f"r{count}")
    assignee = make_agent(f"a{count}")
    for _ in range(count):
        make_ticket(requester=requester, assignee=assignee)
    client.get("/admin/tickets/ticket/")  # warm the session user into the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/tickets/ticket/")
    assert response.status_code == 200
    return len(queries)


def test_changelist_query_count_does_not_grow_with_rows(admin_client_for):
    few = changelist_queries(admin_client_for, 2)
    Ticket.objects.all().delete()
    many = changelist_queries(admin_client_for, 40)

    assert few == many


def test_changelist_shows_the_columns(admin_client_for):
    make_ticket(title="Не включается проектор")

    html = admin_client_for.get("/admin/tickets/ticket/").content.decode()

    assert "Не включается проектор" in html
    for column in ["Status", "Priority", "Assignee", "Requester", "Created", "Updated"]:
        assert column in html


def test_search_by_number_finds_the_ticket_by_id(admin_client_for):
    make_ticket(title="Первый")
    target = make_ticket(title="Второй")

    response = admin_client_for.get("/admin/tickets/ticket/", {"q": str(target.pk)})

    assert list(response.context["cl"].result_list) == [target]


def test_search_by_text_finds_cyrillic_in_any_case(admin_client_for):
    printer = make_ticket(title="Принтер зажевал бумагу")
    make_ticket(title="Сканер")

    response = admin_client_for.get("/admin/tickets/ticket/", {"q": "принтер"})

    assert list(response.context["cl"].result_list) == [printer]


def test_bulk_set_status_uses_the_status_rule(admin_client_for):
    first, second = make_ticket(), make_ticket()

    response = admin_client_for.post(
        "/admin/tickets/ticket/",
        {"action": "set_status_resolved", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert set(Ticket.objects.values_list("status", flat=True)) == {"resolved"}
    assert all(t.resolved_at is not None for t in Ticket.objects.all())
    assert "2 tickets updated." in response.content.decode()


def test_bulk_assign_to_me_and_unassign(admin_client_for, agent):
    ticket = make_ticket()

    admin_client_for.post(
        "/admin/tickets/ticket/", {"action": "assign_to_me", "_selected_action": [ticket.pk]}
    )
    ticket.refresh_from_db()
    assigned = ticket.assignee
    admin_client_for.post(
        "/admin/tickets/ticket/", {"action": "unassign", "_selected_action": [ticket.pk]}
    )
    ticket.refresh_from_db()

    assert assigned == agent
    assert ticket.assignee is None


def test_editing_in_admin_goes_through_the_update_rule(admin_client_for, agent):
    ticket = make_ticket(requester=make_user("owner"))

    response = admin_client_for.post(
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        {
            "title": "Исправлено в админке",
            "description": "",
            "status": "closed",
            "priority": "high",
            "assignee": agent.pk,
            "requester": ticket.requester_id,
            "base_version": ticket.version,
            **INLINE_MANAGEMENT,
        },
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.title, ticket.status, ticket.version) == ("Исправлено в админке", "closed", 2)
    assert ticket.resolved_at is not None


def test_adding_in_admin_files_for_the_chosen_requester(admin_client_for, agent):
    owner = make_user("owner")

    response = admin_client_for.post(
        "/admin/tickets/ticket/add/",
        {
            "title": "Заведено агентом",
            "description": "По телефону",
            "status": "in_progress",
            "priority": "medium",
            "assignee": agent.pk,
            "requester": owner.pk,
            **INLINE_MANAGEMENT,
        },
    )

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.requester, ticket.status, ticket.assignee) == (owner, "in_progress", agent)


def test_assignee_autocomplete_offers_only_active_agents(admin_client_for):
    make_agent("helper", first_name="Helper")
    make_user("helpless")

    response = admin_client_for.get(
        "/admin/autocomplete/",
        {"app_label": "tickets", "model_name": "ticket", "field_name": "assignee", "term": "help"},
    )

    assert [r["text"] for r in response.json()["results"]] == ["helper"]


def test_ticket_admin_is_fully_configured():
    ticket_admin = site._registry[Ticket]

    assert ticket_admin.autocomplete_fields == ("assignee", "requester")
    assert ticket_admin.list_select_related == ("assignee", "requester")


def test_stale_admin_form_is_rejected_with_a_message(admin_client_for, agent, agent_client):
    ticket = make_ticket(title="Открыт в админке", requester=make_user("owner"))
    agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "Изменён в API"}, format="json")

    response = admin_client_for.post(
        f"/admin/tickets/ticket/{ticket.pk}/change/",
        {
            "title": "Старая форма",
            "description": "",
            "status": "new",
            "priority": "medium",
            "requester": ticket.requester_id,
            "base_version": 1,
            **INLINE_MANAGEMENT,
        },
    )

    assert response.status_code == 200
    assert "Someone else changed this ticket" in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.title, ticket.version) == ("Изменён в API", 2)


def test_admin_delete_keeps_the_ticket_restorable(admin_client_for):
    ticket = make_ticket()

    admin_client_for.post(f"/admin/tickets/ticket/{ticket.pk}/delete/", {"post": "yes"})
    deleted = Ticket.objects.get(pk=ticket.pk).deleted_at
    admin_client_for.post(
        "/admin/tickets/ticket/", {"action": "restore_tickets", "_selected_action": [ticket.pk]}
    )

    assert deleted is not None
    assert Ticket.objects.alive().filter(pk=ticket.pk).exists()
    assert list(ticket.changes.values_list("action", flat=True).order_by("id")) == [
        "deleted",
        "restored",
    ]


def test_admin_bulk_delete_is_the_soft_delete(admin_client_for):
    ticket = make_ticket()

    admin_client_for.post(
        "/admin/tickets/ticket/", {"action": "delete_tickets", "_selected_action": [ticket.pk]}
    )

    assert Ticket.objects.deleted().filter(pk=ticket.pk).exists()


def test_ticket_page_shows_history_and_comments(admin_client_for, agent_client):
    ticket = make_ticket()
    agent_client.post(
        f"/api/tickets/{ticket.pk}/comments", {"text": "Заметка агента"}, format="json"
    )

    response = admin_client_for.get(f"/admin/tickets/ticket/{ticket.pk}/change/")

    assert "Заметка агента" in response.content.decode()
