"""Statements that find tickets by id are planned once per connection (PostgreSQL)."""

import pytest
from django.db import connection

from .factories import make_ticket

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def runs_by_statement() -> dict[str, int]:
    """How often each statement prepared on the test's connection has run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


@pytest.fixture
def preparing(monkeypatch):
    """The setting on, whatever the environment says (DB_PREPARED_STATEMENTS)."""
    connection.ensure_connection()
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "prepare_threshold", 0)
    monkeypatch.setattr(connection.connection, "prepare_threshold", 0)


def test_reading_tickets_by_id_prepares_one_statement_for_all(preparing, agent_client, requester):
    tickets = [make_ticket(requester=requester, title=f"Принтер {n}") for n in range(3)]
    before = runs_by_statement()

    for ticket in tickets:
        assert agent_client.get(f"/api/tickets/{ticket.pk}").json()["title"] == ticket.title

    after = runs_by_statement()
    ran = {sql: runs - before.get(sql, 0) for sql, runs in after.items()}
    [(sql, runs)] = [(sql, runs) for sql, runs in ran.items() if runs]
    assert runs == 3 and '"tickets_ticket"."id" = $' in sql
    assert len(after) - len(before) <= 1


def test_writes_by_id_run_prepared_and_do_what_they_say(preparing, agent_client, requester):
    ticket = make_ticket(requester=requester)
    before = runs_by_statement()

    for n in range(2):
        response = agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": f"Сканер {n}"})
        assert response.json()["title"] == f"Сканер {n}"
    created = agent_client.post("/api/tickets", {"title": "Сканер", "requester": requester.pk})

    assert created.status_code == 201
    ran = {sql: runs - before.get(sql, 0) for sql, runs in runs_by_statement().items()}
    assert sorted(runs for runs in ran.values() if runs) == [1, 2]  # the create, both changes
    shown = agent_client.get(f"/api/tickets/{ticket.pk}").json()
    assert (shown["title"], shown["version"]) == ("Сканер 1", 3)


def test_without_the_setting_nothing_is_prepared(monkeypatch, agent_client, requester):
    connection.ensure_connection()
    monkeypatch.delitem(connection.settings_dict["OPTIONS"], "prepare_threshold", raising=False)
    ticket = make_ticket(requester=requester)
    before = runs_by_statement()

    assert agent_client.get(f"/api/tickets/{ticket.pk}").json()["id"] == ticket.pk
    assert agent_client.patch(f"/api/tickets/{ticket.pk}", {"title": "Сканер"}).status_code == 200

    assert runs_by_statement() == before
