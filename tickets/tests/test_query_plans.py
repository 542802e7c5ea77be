"""Every list and search query the app can make is served by an index, never a sequential scan.

With enable_seqscan off PostgreSQL still picks a sequential scan when no index can serve a
query, so a missing index shows up here on a small table as it would at a million rows.
"""

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext

from tickets.models import Comment, Ticket, TicketChange

from .conftest import english_client
from .factories import make_agent, make_ticket, make_user

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


def plan_of(sql: str, *settings: str) -> str:
    """The plan of `sql` with sequential scans (and `settings`) off, in the test's transaction."""
    with connection.cursor() as cursor:
        for setting in ("SET LOCAL enable_seqscan = off", *settings):
            cursor.execute(setting)
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


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
    ("query", "index"),
    [
        ("", "ticket_created_idx"),
        ("ordering=-created_at", "ticket_created_idx"),
        ("ordering=-updated_at", "ticket_updated_idx"),
        ("ordering=title", "ticket_title_idx"),
        ("ordering=-status", "ticket_status_rank_idx"),
        ("ordering=priority", "ticket_priority_rank_idx"),
        ("ordering=id", "tickets_ticket_pkey"),
        ("assignee=me", "ticket_assignee_created_idx"),
        ("assignee=none", "ticket_unassigned_created_idx"),
        ("requester={requester}", "ticket_requester_created_idx"),
    ],
)
def test_a_deep_page_starts_in_the_index_where_the_last_one_ended(world, query, index):
    """A page followed from a `next` link walks the ordering's index from the previous page's
    last row, found by the index condition, and sorts nothing: page 400 reads what page 1 does.

    On a small table sorting a few rows is cheapest, so sorts and bitmap scans are turned off
    for the plan: what remains shows the index that serves the page, as the planner picks it
    at a million rows. There, as here, most tickets are other people's."""
    other, someone = make_agent("other"), make_user("someone")
    for _ in range(100):
        make_ticket(requester=someone, assignee=other)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    client = english_client(world["agent"])
    url = f"/api/tickets?page_size=2&{query.format(requester=world['requester'].pk)}"
    link = client.get(url).json()["next"]

    with CaptureQueriesContext(connection) as captured:
        response = client.get(link)

    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
    rows_sql = next(
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT") and 'FROM "tickets_ticket"' in q["sql"]
    )
    plan = plan_of(rows_sql, "SET LOCAL enable_sort = off", "SET LOCAL enable_bitmapscan = off")
    assert f"using {index} on tickets_ticket" in plan, f"{rows_sql}\n{plan}"
    condition = plan.split("Index Cond: ", 1)[1].split("\n")[0]
    assert ("(id > " if query == "ordering=id" else "ROW(") in condition, f"{rows_sql}\n{plan}"
    assert "Sort" not in plan, f"{rows_sql}\n{plan}"
