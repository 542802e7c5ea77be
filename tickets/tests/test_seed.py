"""The seed_tickets command: realistic, consistent, deterministic demo and benchmark data, and
the guards that keep it from harming a database it was not meant for (PostgreSQL only)."""

import re
from collections import Counter
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q

from tickets.models import Comment, Ticket, TicketChange
from tickets.seed.indexes import RESTORE_TABLE, IndexKeeper
from tickets.seed.loading import CopyBatches
from tickets.seed.seeder import ADVISORY_LOCK, ticket_tables

from .factories import make_ticket, make_user

User = get_user_model()

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="COPY, parallel loads and index rebuilds"
    ),
]

COUNT = 300
OPTIONS = {"agents": 5, "requesters": 40, "seed": 7, "end": "2026-06-01", "batch": 70}
PUBLISHED_PASSWORD = "seed-password-2026"  # what every seeded account had before


@pytest.fixture(autouse=True)
def _debug(settings: Any) -> None:
    """The command runs with DEBUG on, as on a developer's machine, unless a test says not."""
    settings.DEBUG = True


def seed(**overrides: Any) -> str:
    out = StringIO()
    options = {"count": COUNT, **OPTIONS, "interactive": False, **overrides}
    call_command("seed_tickets", **options, stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    match = re.search(
        r"^Password of the seeded accounts \(agent001\.\.\., user0001\.\.\.\): (\S+)$", output, re.M
    )
    assert match, output
    return match.group(1)


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
            assert ticket.resolved_at is not None
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


def test_seeded_users_share_the_password_given(db):
    output = seed(password="Пароль для демо")

    agent, requester = User.objects.get(username="agent001"), User.objects.get(username="user0001")
    assert agent.check_password("Пароль для демо")
    assert requester.check_password("Пароль для демо")
    assert agent.password == requester.password
    assert "Пароль для демо" not in output


def test_a_seeded_agent_signs_in_with_the_printed_password(seeded, anon_client):
    password = printed_password(seeded)

    response = anon_client.post(
        "/api/auth/token", {"username": "agent001", "password": password}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"]
    assert User.objects.get(username="user0001").check_password(password)


def test_the_published_password_no_longer_works(seeded, anon_client):
    response = anon_client.post(
        "/api/auth/token", {"username": "agent001", "password": PUBLISHED_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert not any(u.check_password(PUBLISHED_PASSWORD) for u in User.objects.all())


def test_every_run_makes_another_password(seeded):
    again = seed(reset=True)

    assert printed_password(again) != printed_password(seeded)
    assert User.objects.get(username="agent001").check_password(printed_password(again))


def test_dates_span_two_years_before_the_end_day(seeded):
    first = Ticket.objects.earliest("created_at")
    last = Ticket.objects.latest("created_at")

    assert first.created_at.date().isoformat() < "2024-07-01"
    assert last.created_at.date().isoformat() >= "2026-05-01"
    assert Ticket.objects.latest("updated_at").updated_at.isoformat() < "2026-06-01"
    assert Comment.objects.latest("created_at").created_at.isoformat() < "2026-06-01"


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
    top = Ticket.objects.latest("id").pk
    before = snapshot()

    seed(count=50, password="another-password")

    assert Ticket.objects.count() == COUNT + 50
    assert Ticket.objects.latest("id").pk == top + 50
    assert snapshot()[:COUNT] == before
    assert User.objects.count() == users


def test_without_reset_it_keeps_tickets_and_users_it_did_not_seed(seeded):
    other = make_user("anna")
    kept = make_ticket(title="Не сидированный", requester=other)

    seed(count=50)

    assert Ticket.objects.filter(pk=kept.pk, title="Не сидированный").exists()
    assert Ticket.objects.count() == COUNT + 51
    assert User.objects.filter(pk=other.pk).exists()


def test_without_reset_existing_seeded_accounts_keep_their_password(seeded):
    password = printed_password(seeded)

    output = seed(count=50, requesters=45, password="another-password")

    assert User.objects.get(username="agent001").check_password(password)
    assert User.objects.get(username="user0001").check_password(password)
    assert User.objects.get(username="user0045").check_password("another-password")
    assert "the 45 that existed already keep theirs" in output


def test_without_reset_it_refuses_to_assign_tickets_to_an_account_that_is_not_an_agent(db):
    make_user("agent002")

    with pytest.raises(CommandError, match="agent002 exist but are not active staff accounts"):
        seed()

    assert not Ticket.objects.exists()
    assert not User.objects.get(username="agent002").is_staff


def test_reset_deletes_tickets_and_seeded_users_but_keeps_other_users(seeded):
    other = make_user("anna")
    make_ticket(title="Не сидированный", requester=other)

    seed(reset=True, count=10, agents=2, requesters=3)

    assert Ticket.objects.count() == 10
    assert not User.objects.filter(username__in=["agent003", "user0004"]).exists()
    assert User.objects.filter(pk=other.pk).exists()


def test_reset_asks_for_confirmation_and_a_no_deletes_nothing(seeded, monkeypatch):
    questions = []

    def answer(question: str) -> str:
        questions.append(question)
        return "no"

    monkeypatch.setattr("builtins.input", answer)
    before = snapshot()

    with pytest.raises(CommandError, match="Reset cancelled: nothing was changed"):
        seed(reset=True, interactive=True, count=10)

    assert "--reset deletes ALL 300 tickets" in questions[0]
    assert "Type 'yes' to continue" in questions[0]
    assert snapshot() == before


def test_reset_goes_ahead_when_the_answer_is_yes(seeded, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda question: "yes")

    seed(reset=True, interactive=True, count=10)

    assert Ticket.objects.count() == 10


@pytest.mark.parametrize("flag", ["--no-input", "--noinput"])
def test_no_input_resets_without_asking(seeded, monkeypatch, flag):
    monkeypatch.setattr("builtins.input", lambda question: pytest.fail("asked: " + question))

    call_command(
        "seed_tickets", "--reset", flag, "--count=10", "--agents=5", "--requesters=40",
        stdout=StringIO(),
    )  # fmt: skip

    assert Ticket.objects.count() == 10


def test_it_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False

    message = (
        "seed_tickets writes demo data and is meant for development, and DEBUG is off. If this "
        "database may really get seeded tickets and accounts, pass --allow-production."
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(reset=True)

    assert not Ticket.objects.exists()
    assert not User.objects.exists()


def test_allow_production_runs_it_with_debug_off(db, settings):
    settings.DEBUG = False

    seed(count=20, allow_production=True)

    assert Ticket.objects.count() == 20


def test_it_copies_every_stored_column_the_model_declares_and_no_generated_one():
    tickets, comments, changes = ticket_tables()

    for table in (tickets, comments, changes):
        model_fields = table.model._meta.concrete_fields
        assert table.columns == [f.column for f in model_fields if not f.generated]
    assert "status_rank" not in tickets.columns
    assert "id" in tickets.columns


def test_reset_keeps_the_seeded_users_it_reuses(seeded):
    agent = User.objects.get(username="agent001")

    seed(reset=True, password="another-password")

    again = User.objects.get(username="agent001")
    assert again.pk == agent.pk
    assert (again.first_name, again.last_name) == (agent.first_name, agent.last_name)
    assert again.check_password("another-password")


def test_new_tickets_after_seeding_get_fresh_ids(seeded, agent_client):
    top = Ticket.objects.latest("id").pk

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


def secondary_indexes() -> list[str]:
    """The ticket table's indexes but unique ones (its primary key), as the migrations made them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes"
            " WHERE tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE %%'",
            [Ticket._meta.db_table],
        )
        names = [name for (name,) in cursor.fetchall()]
    assert names
    return names


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


def test_a_bulk_load_restores_every_index_and_foreign_key(db):
    before = schema()

    seed(rebuild_indexes="always")

    assert schema() == before
    assert Ticket.objects.count() == COUNT
    assert not restore_table_exists()


@pytest.mark.django_db(transaction=True)
def test_a_parallel_load_leaves_the_indexes_and_foreign_keys_the_migrations_made():
    before = schema()

    output = seed(rebuild_indexes="always", jobs=2)

    assert schema() == before
    assert not restore_table_exists()
    assert all(f"rebuilt index {name}" in output for name in secondary_indexes())
    assert Ticket.objects.count() == COUNT
    assert TicketChange.objects.filter(action="created").count() == COUNT
    assert not Ticket.objects.filter(updated_at__lt=F("created_at")).exists()


@pytest.mark.django_db(transaction=True)
def test_the_data_do_not_depend_on_the_number_of_processes():
    seed(jobs=1, reset=True)
    first = (snapshot(), history(), list(Ticket.objects.order_by("id").values_list("id")))

    seed(jobs=3, reset=True)

    assert (snapshot(), history(), list(Ticket.objects.order_by("id").values_list("id"))) == first


@pytest.mark.django_db(transaction=True)
def test_after_a_parallel_load_new_rows_get_fresh_ids():
    seed(jobs=2)
    tops = [m.objects.latest("id").pk for m in (Ticket, Comment, TicketChange)]

    ticket = make_ticket(title="После сида")
    comment = Comment.objects.create(ticket=ticket, author=ticket.requester, text="Спасибо")
    change = TicketChange.objects.create(ticket=ticket, actor=ticket.requester, action="created")

    assert [ticket.pk, comment.pk, change.pk] == [top + 1 for top in tops]


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


def test_it_refuses_to_run_beside_another_seed(db):
    other = connection.get_new_connection(connection.get_connection_params())
    other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK])

    try:
        with pytest.raises(CommandError, match="Another seed_tickets is running"):
            seed()
    finally:
        other.close()

    assert not Ticket.objects.exists()
