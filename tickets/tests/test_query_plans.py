"""Every list and search query the app can make is served by an index, never a sequential scan.

With enable_seqscan off PostgreSQL still picks a sequential scan when no index can serve a
query, so a missing index shows up here on a small table as it would at a million rows.
"""

import re

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from tickets.models import Comment, Ticket, TicketChange

from .conftest import english_client
from .factories import make_agent, make_ticket, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's"
)

LIST_SHAPES = [
    "",
    "page=3&page_size=5",
    "status=new",
    "status=new&status=in_progress",
    "priority=critical",
    "status=new&priority=high&ordering=-priority",
    "assignee=me",
    "assignee=none",
    "assignee={agent}",
    "requester={requester}",
    "created_after=2026-01-01&created_before=2026-12-31",
    "ordering=priority",
    "ordering=-priority",
    "ordering=status",
    "ordering=-status",
    "ordering=title",
    "ordering=-title",
    "ordering=created_at",
    "ordering=-updated_at",
    "ordering=id",
    "search=принтер",
    "search=printers",
    "search=4242",
    "search=принтер&status=new&ordering=-created_at",
]


# Settings the app sends in one message with a query, for that query alone.
SENT_SETTINGS = re.compile(r"(?:SET LOCAL [^;]*; )*")


def plan_as_sent(sql: str, *settings: str) -> str:
    """The plan of `sql` under `settings` and those the app sends with it."""
    sent = SENT_SETTINGS.match(sql).group()
    with connection.cursor() as cursor:
        for setting in (*settings, *filter(None, sent.split("; "))):
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN {sql[len(sent) :]}")
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_of(sql: str, *settings: str) -> str:
    return plan_as_sent(sql, "SET LOCAL enable_seqscan = off", *settings)


@pytest.fixture
def world():
    agent = make_agent("agent")
    requester = make_user("requester")
    for i in range(30):
        make_ticket(
            title=f"Принтер {i}" if i % 2 else f"Printer {i}",
            description="Кабинет 4242",
            requester=requester,
            assignee=agent if i % 3 else None,
            status=["new", "in_progress", "closed"][i % 3],
            priority=["low", "high", "critical"][i % 3],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    return {"agent": agent, "requester": requester}


@pytest.mark.parametrize("role", ["agent", "requester"])
@pytest.mark.parametrize("shape", LIST_SHAPES)
def test_list_queries_use_indexes(world, role, shape):
    client = english_client(world[role])
    query = shape.format(agent=world["agent"].pk, requester=world["requester"].pk)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/tickets?{query}")

    assert response.status_code == 200, response.json()
    ticket_queries = [
        q["sql"]
        for q in captured
        if 'FROM "tickets_ticket"' in q["sql"] and not q["sql"].startswith("EXPLAIN")
    ]
    assert ticket_queries
    for sql in ticket_queries:
        plan = plan_of(sql)
        assert "Seq Scan on tickets_ticket" not in plan, f"{sql}\n{plan}"


def test_the_bounded_count_reads_an_index_where_the_table_looks_cheaper():
    """The count of a list's matches (up to 1,000) is planned with sequential scans off: at a
    million tickets PostgreSQL reads the whole table when it expects the matches early in it
    (one account's many recent tickets, say). Here a cheap page read makes it expect that."""
    requester = make_user("requester")
    for _ in range(3):
        make_ticket(requester=requester)

    with CaptureQueriesContext(connection) as captured:
        response = english_client(requester).get("/api/tickets?page_size=2")

    assert (response.json()["count"], response.json()["count_exact"]) == (3, True)
    (count,) = [q["sql"] for q in captured if "SELECT COUNT(*)" in q["sql"]]
    # The test's transaction holds what the request's statements set: undo that first.
    costs = ("SET LOCAL enable_seqscan = on", "SET LOCAL seq_page_cost = 0.001")
    preferred = plan_as_sent(SENT_SETTINGS.sub("", count), *costs)
    assert "Seq Scan" in preferred, preferred
    plan = plan_as_sent(count, *costs)
    assert "Index" in plan and "Seq Scan" not in plan, f"{count}\n{plan}"


def test_history_and_comment_lookups_use_indexes(world):
    """A ticket's history and comments, and what deleting a comment or a user must find, are
    served by the composite and partial indexes that replaced the foreign keys' own."""
    ticket = world["requester"].requested_tickets.first()
    lookups = [
        (
            TicketChange.objects.filter(ticket=ticket).order_by("-created_at", "-id"),
            "change_ticket_time_idx",
        ),
        (TicketChange.objects.filter(comment_id=1), "change_comment_idx"),
        (TicketChange.objects.filter(comment_id__in=[1, 2]), "change_comment_idx"),
        (
            Comment.objects.filter(ticket=ticket).order_by("created_at", "id"),
            "comment_ticket_time_idx",
        ),
        (Ticket.objects.filter(deleted_by=world["agent"]), "ticket_deleted_by_idx"),
    ]
    for queryset, index in lookups:
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            plan = plan_of(cursor.mogrify(sql, params))
        assert index in plan, f"{sql}\n{plan}"


@pytest.mark.parametrize("role", ["agent", "requester"])
def test_deleting_a_user_finds_all_their_tickets_through_an_index(world, role):
    """Deleting a user looks for every ticket they are the assignee or the requester of,
    deleted ones included, to refuse while any exists: by index, not by reading the table."""
    with CaptureQueriesContext(connection) as captured, pytest.raises(ProtectedError):
        world[role].delete()

    ticket_queries = [q["sql"] for q in captured if 'FROM "tickets_ticket"' in q["sql"]]
    assert len(ticket_queries) >= 2  # assignee, requester, deleted_by
    for sql in ticket_queries:
        plan = plan_of(sql)
        assert "Seq Scan on tickets_ticket" not in plan, f"{sql}\n{plan}"


@pytest.mark.parametrize(
    ("ordering", "index"),
    [
        ("-created_at", "ticket_assignee_created_idx"),
        ("updated_at", "ticket_assignee_updated_idx"),
        ("-title", "ticket_assignee_title_idx"),
        ("status", "ticket_assignee_status_idx"),
        ("-priority", "ticket_assignee_priority_idx"),
        ("id", "ticket_assignee_id_idx"),
    ],
)
def test_an_agents_own_tickets_are_read_in_order_from_one_index(world, ordering, index):
    """Page 200 of "my tickets" in any order reads that agent's index entries in that order,
    instead of walking the whole table in list order and skipping everyone else's.

    On a small table sorting a few rows is cheapest, so sorts and bitmap scans are turned
    off for the plan: what remains shows whether one index serves both the agent and the
    order, as the planner needs at a million rows. There, as here, most tickets are other
    agents': were they not, walking the primary key in id order and skipping the rest would
    be as cheap as the agent's own index."""
    other = make_agent("other")
    for _ in range(100):
        make_ticket(requester=world["requester"], assignee=other)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    client = english_client(world["agent"])

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/tickets?assignee=me&ordering={ordering}&page=2&page_size=5")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 5
    rows_sql = next(
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and 'FROM "tickets_ticket"' in q["sql"]
    )
    plan = plan_of(rows_sql, "SET LOCAL enable_sort = off", "SET LOCAL enable_bitmapscan = off")
    assert f"Index Scan using {index}" in plan or f"Index Scan Backward using {index}" in plan, (
        f"{rows_sql}\n{plan}"
    )


def test_a_list_created_after_a_date_in_update_order_starts_its_index_at_that_date(world):
    """Without the bound on updated_at that created_after implies, the list walks the
    updated_at index from the oldest update and skips every ticket created before the date:
    0.85 s at a million tickets for last month's."""
    client = english_client(world["agent"])

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/tickets?created_after=2026-01-01&ordering=updated_at")

    assert response.status_code == 200
    rows_sql = next(
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and 'FROM "tickets_ticket"' in q["sql"]
    )
    plan = plan_of(rows_sql, "SET LOCAL enable_sort = off", "SET LOCAL enable_bitmapscan = off")
    assert "ticket_updated_idx" in plan, f"{rows_sql}\n{plan}"
    assert "Index Cond: (updated_at >=" in plan, f"{rows_sql}\n{plan}"
