"""The seed_tickets command: realistic, consistent, deterministic demo and benchmark data."""

from collections import Counter
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q

from tickets.management.commands.seed_tickets import (
    ADVISORY_LOCK,
    DEFAULT_PASSWORD,
    RESTORE_TABLE,
    CopyBatches,
    IndexKeeper,
)
from tickets.models import Comment, Ticket, TicketChange

from .factories import make_ticket, make_user

User = get_user_model()

COUNT = 300
OPTIONS = {"agents": 5, "requesters": 40, "seed": 7, "end": "2026-06-01", "batch": 70}


def seed(**overrides: Any) -> str:
    out = StringIO()
    call_command("seed_tickets", **{"count": COUNT, **OPTIONS, **overrides}, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[Any, ...]]:
    """Everything but the ids, which start after those already used."""
    return list(
        Ticket.objects.order_by("id").values_list(
            "title", "description", "status", "priority", "assignee__username",
            "requester__username", "created_at", "updated_at", "resolved_at", "version",
        )
    )  # fmt: skip


@pytest.fixture
def seeded(db: Any) -> str:
    return seed()


def test_it_creates_the_tickets_users_history_and_comments(seeded):
    assert Ticket.objects.count() == COUNT
    assert User.objects.filter(username__regex=r"^agent\d{3}$", is_staff=True).count() == 5
    assert User.objects.filter(username__regex=r"^user\d{4}$", is_staff=False).count() == 40
    assert Comment.objects.exists()
    assert TicketChange.objects.filter(action="changed").exists()
    assert f"Seeded {COUNT:,} tickets" in seeded


def test_every_ticket_has_exactly_one_created_entry_by_its_requester(seeded):
    created = TicketChange.objects.filter(action="created")

    assert created.count() == COUNT
    assert set(created.values_list("ticket_id", "actor_id")) == set(
        Ticket.objects.values_list("id", "requester_id")
    )


def test_statuses_and_priorities_come_in_plausible_proportions(seeded):
    statuses = Counter(Ticket.objects.values_list("status", flat=True))
    priorities = Counter(Ticket.objects.values_list("priority", flat=True))

    assert statuses["resolved"] + statuses["closed"] > 0.6 * COUNT
    assert statuses["closed"] > statuses["in_progress"] > 0
    assert statuses["on_hold"] > 0
    assert statuses["new"] > 0
    assert priorities["medium"] > priorities["high"] > priorities["critical"] > 0
    assert priorities["low"] > priorities["critical"]


def test_resolved_at_is_set_exactly_for_resolved_and_closed_tickets(seeded):
    for ticket in Ticket.objects.all():
        assert ticket.updated_at >= ticket.created_at
        if ticket.status in ("resolved", "closed"):
            assert ticket.created_at <= ticket.resolved_at <= ticket.updated_at
        else:
            assert ticket.resolved_at is None


def test_only_new_tickets_may_be_unassigned(seeded):
    unassigned = Ticket.objects.filter(assignee__isnull=True)

    assert set(unassigned.values_list("status", flat=True)) <= {"new"}
    assert Ticket.objects.exclude(status="new").filter(assignee__isnull=True).count() == 0
    assert (
        Ticket.objects.filter(assignee__isnull=False).filter(assignee__is_staff=False).count() == 0
    )


def test_version_is_one_plus_the_number_of_changes(seeded):
    tickets = Ticket.objects.annotate(
        changes_count=Count("changes", filter=Q(changes__action__in=["changed", "deleted"]))
    )

    assert all(t.version == 1 + t.changes_count for t in tickets)


def test_status_history_tells_the_story_up_to_the_current_status(seeded):
    for ticket in Ticket.objects.prefetch_related("changes"):
        steps = sorted(
            (c for c in ticket.changes.all() if c.field == "status"),
            key=lambda c: (c.created_at, c.id),
        )
        if ticket.status == "new":
            assert steps == []
            continue
        assert steps[0].old_value == "new"
        assert steps[-1].new_value == ticket.status
        assert all(a.new_value == b.old_value for a, b in pairwise(steps))


def test_assignee_history_holds_user_ids_as_the_api_writes_them(seeded):
    entries = TicketChange.objects.filter(field="assignee").select_related("ticket")

    assert entries.exists()
    for entry in entries:
        assert entry.old_value is None
        assert entry.new_value == entry.ticket.assignee_id


def test_each_comment_has_a_matching_commented_entry(seeded):
    entries = {c.comment_id: c for c in TicketChange.objects.filter(action="commented")}
    comments = list(Comment.objects.all())

    assert len(entries) == len(comments)
    for comment in comments:
        entry = entries[comment.pk]
        assert (entry.ticket_id, entry.actor_id, entry.internal, entry.created_at) == (
            comment.ticket_id,
            comment.author_id,
            comment.internal,
            comment.created_at,
        )
        assert comment.created_at >= comment.ticket.created_at


def test_internal_notes_are_written_by_agents_only(seeded):
    internal = Comment.objects.filter(internal=True)

    assert internal.exists()
    assert not internal.filter(author__is_staff=False).exists()
    assert Comment.objects.filter(internal=False, author__is_staff=False).exists()


def test_texts_are_in_russian_and_english_of_varied_length(seeded):
    titles = list(Ticket.objects.values_list("title", flat=True))
    lengths = [len(d) for d in Ticket.objects.values_list("description", flat=True)]

    assert any("а" <= ch <= "я" for title in titles for ch in title.lower())
    assert sum(title.isascii() for title in titles) > COUNT * 0.1
    assert min(lengths) == 0
    assert max(lengths) > 1000
    assert 0 < sum(length < 300 for length in lengths) < COUNT


def test_seeded_tickets_are_found_by_cyrillic_search(seeded, agent_client):
    response = agent_client.get("/api/tickets", {"search": "принтер"})

    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_seeded_users_share_one_known_password(seeded):
    agent, requester = User.objects.get(username="agent001"), User.objects.get(username="user0001")

    assert agent.check_password(DEFAULT_PASSWORD)
    assert requester.check_password(DEFAULT_PASSWORD)
    assert agent.password == requester.password


def test_dates_span_two_years_before_the_end_day(seeded):
    first = Ticket.objects.order_by("created_at").first()
    last = Ticket.objects.order_by("-created_at").first()

    assert first.created_at.date().isoformat() < "2024-07-01"
    assert last.created_at.date().isoformat() >= "2026-05-01"
    assert Ticket.objects.order_by("-updated_at").first().updated_at.isoformat() < "2026-06-01"
    assert Comment.objects.order_by("-created_at").first().created_at.isoformat() < "2026-06-01"


def test_the_same_seed_gives_the_same_data(seeded):
    first = snapshot()

    seed(reset=True)

    assert snapshot() == first


def test_another_seed_gives_other_data(seeded):
    first = snapshot()

    seed(reset=True, seed=8)

    assert snapshot() != first


def test_without_reset_it_appends_and_reuses_the_users(seeded):
    users = User.objects.count()
    top = Ticket.objects.order_by("-id").first().pk

    seed(count=50, password="another-password")

    assert Ticket.objects.count() == COUNT + 50
    assert Ticket.objects.order_by("-id").first().pk == top + 50
    assert User.objects.count() == users
    assert User.objects.get(username="user0001").check_password("another-password")


def test_reset_deletes_tickets_and_seeded_users_but_keeps_other_users(seeded):
    other = make_user("anna")
    make_ticket(title="Не сидированный", requester=other)

    seed(reset=True, count=10, agents=2, requesters=3)

    assert Ticket.objects.count() == 10
    assert not User.objects.filter(username__in=["agent003", "user0004"]).exists()
    assert User.objects.filter(pk=other.pk).exists()


def test_reset_keeps_the_seeded_users_it_reuses(seeded):
    agent = User.objects.get(username="agent001")

    seed(reset=True, password="another-password")

    again = User.objects.get(username="agent001")
    assert again.pk == agent.pk
    assert (again.first_name, again.last_name) == (agent.first_name, agent.last_name)
    assert again.check_password("another-password")


def test_new_tickets_after_seeding_get_fresh_ids(seeded, agent_client):
    top = Ticket.objects.order_by("-id").first().pk

    response = agent_client.post("/api/tickets", {"title": "После сида"}, format="json")

    assert response.status_code == 201
    assert response.json()["id"] > top


def schema() -> tuple[set[Any], set[Any]]:
    """The ticket tables' indexes and constraints as PostgreSQL describes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'tickets_%%'"
        )
        indexes = set(cursor.fetchall())
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint"
            " WHERE conrelid::regclass::text LIKE 'tickets_%%'"
        )
        return indexes, set(cursor.fetchall())


def restore_table_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RESTORE_TABLE])
        return cursor.fetchone()[0]


def history() -> list[tuple[Any, ...]]:
    """Every comment and history entry, ids included."""
    comments = Comment.objects.order_by("id").values_list(
        "id", "ticket_id", "author__username", "created_at", "text", "internal"
    )
    changes = TicketChange.objects.order_by("id").values_list(
        "id", "ticket_id", "actor__username", "created_at", "action", "field", "old_value",
        "new_value", "comment_id", "internal",
    )  # fmt: skip
    return [*comments, *changes]


on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY, parallel loads and index rebuilds"
)


@pytest.mark.postgres
@on_postgres
def test_a_bulk_load_restores_every_index_and_foreign_key(db):
    before = schema()

    seed(rebuild_indexes="always")

    assert schema() == before
    assert Ticket.objects.count() == COUNT
    assert not restore_table_exists()


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_parallel_load_leaves_the_indexes_and_foreign_keys_the_migrations_made():
    before = schema()

    output = seed(rebuild_indexes="always", jobs=2)

    assert schema() == before
    assert not restore_table_exists()
    assert "rebuilt index ticket_search_text_trgm_idx" in output
    assert Ticket.objects.count() == COUNT
    assert TicketChange.objects.filter(action="created").count() == COUNT


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_data_do_not_depend_on_the_number_of_processes():
    seed(jobs=1, reset=True)
    first = (snapshot(), history(), list(Ticket.objects.order_by("id").values_list("id")))

    seed(jobs=3, reset=True)

    assert (snapshot(), history(), list(Ticket.objects.order_by("id").values_list("id"))) == first


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_after_a_parallel_load_new_rows_get_fresh_ids():
    seed(jobs=2)
    tops = [m.objects.order_by("-id").first().pk for m in (Ticket, Comment, TicketChange)]

    ticket = make_ticket(title="После сида")
    comment = Comment.objects.create(ticket=ticket, author=ticket.requester, text="Спасибо")
    change = TicketChange.objects.create(ticket=ticket, actor=ticket.requester, action="created")

    assert [ticket.pk, comment.pk, change.pk] == [top + 1 for top in tops]


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_parallel_load_keeps_the_old_tickets_and_every_index(monkeypatch):
    seed(count=50, jobs=1)
    before, tickets = schema(), snapshot()

    def fail(self: Any, batch: Any, *ids: int) -> Any:
        if batch.tickets[0][0] > 100:
            raise RuntimeError("disk full")
        return make_copy(self, batch, *ids)

    make_copy = CopyBatches.__call__
    monkeypatch.setattr(CopyBatches, "__call__", fail)
    with pytest.raises(CommandError, match="disk full"):
        seed(rebuild_indexes="always", jobs=2)

    assert snapshot() == tickets
    assert schema() == before
    assert not restore_table_exists()


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_next_run_rebuilds_indexes_that_an_interrupted_run_left_dropped():
    before = schema()
    with transaction.atomic(), connection.cursor() as cursor:
        IndexKeeper.drop(cursor, ["tickets_ticket", "tickets_comment", "tickets_ticketchange"])
    assert schema() != before

    output = seed(count=0)

    assert "interrupted before rebuilding" in output
    assert schema() == before
    assert not restore_table_exists()


@pytest.mark.postgres
@on_postgres
def test_it_refuses_to_run_beside_another_seed(db):
    other = connection.get_new_connection(connection.get_connection_params())
    other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])

    try:
        with pytest.raises(CommandError, match="Another seed_tickets is running"):
            seed()
    finally:
        other.close()

    assert not Ticket.objects.exists()
