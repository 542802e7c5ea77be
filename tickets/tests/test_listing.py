"""The list keeps each query shape's SQL per process: repeated requests stay correct."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import listing
from tickets.models import Ticket
from tickets.serializers import TicketSerializer

from .factories import make_ticket


def ids(response):
    assert response.status_code == 200, response.content
    return [ticket["id"] for ticket in response.json()["results"]]


def test_a_repeated_list_shows_tickets_filed_in_between(agent_client, requester):
    first = make_ticket(requester=requester)
    assert ids(agent_client.get("/api/tickets?status=new")) == [first.id]

    second = make_ticket(requester=requester)
    response = agent_client.get("/api/tickets?status=new")

    assert ids(response) == [second.id, first.id]
    assert (response.json()["count"], response.json()["count_exact"]) == (2, True)


def test_the_same_parameters_from_two_requesters_show_each_their_own(
    requester_client, other_client, requester, other_requester
):
    mine = make_ticket(requester=requester)
    theirs = make_ticket(requester=other_requester)

    assert ids(requester_client.get("/api/tickets?ordering=id")) == [mine.id]
    assert ids(other_client.get("/api/tickets?ordering=id")) == [theirs.id]


def test_a_requester_made_agent_sees_every_ticket_on_the_same_list(requester, other_requester):
    from .conftest import english_client

    mine = make_ticket(requester=requester)
    theirs = make_ticket(requester=other_requester)
    client = english_client(requester)
    assert ids(client.get("/api/tickets")) == [mine.id]

    requester.is_staff = True
    requester.save()

    assert ids(client.get("/api/tickets")) == [theirs.id, mine.id]


def test_pages_of_one_shape_follow_each_other(agent_client, requester):
    tickets = [make_ticket(requester=requester, title=f"T{i}") for i in range(5)]
    newest_first = [t.id for t in reversed(tickets)]

    pages = [ids(agent_client.get(f"/api/tickets?page_size=2&page={n}")) for n in (1, 2, 3)]

    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]


def test_an_invalid_filter_is_refused_every_time(agent_client):
    for _ in range(2):
        response = agent_client.get("/api/tickets?status=nonsense")
        assert response.status_code == 400
        assert "status" in response.json()
    assert listing._shapes == {}


def test_rows_read_directly_look_exactly_like_the_serializer_output(agent_client, agent):
    ticket = make_ticket(assignee=agent, description="Бумага застряла")
    ticket.refresh_from_db()

    listed = agent_client.get("/api/tickets").json()["results"][0]

    assert listed == TicketSerializer(ticket).data
    assert listed["assignee_name"] == "Иван Смирнов"


def test_times_read_as_text_look_exactly_like_the_serializer_output(agent_client, agent):
    ticket = make_ticket(assignee=agent)
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        updated_at=datetime.datetime(2025, 1, 2, 3, 4, 5, 100_000, tzinfo=datetime.UTC),
        resolved_at=datetime.datetime(999, 12, 31, 23, 59, 59, 123_456, tzinfo=datetime.UTC),
    )
    expected = TicketSerializer(Ticket.objects.get(pk=ticket.pk)).data
    assert (expected["created_at"], expected["updated_at"]) == (
        "2025-01-02T03:04:05Z",
        "2025-01-02T03:04:05.100000Z",
    )

    assert agent_client.get("/api/tickets").json()["results"] == [expected]
    assert agent_client.get(f"/api/tickets/{ticket.pk}").json() == expected


def test_a_time_in_another_offset_is_read_the_usual_way():
    loader = listing.IsoTimestampLoader(1184)

    assert loader.load(b"2026-11-27 13:37:32.1371+00") == "2026-11-27T13:37:32.137100Z"
    # The same moment, in UTC as the API shows every time.
    assert loader.load(b"2026-11-27 16:37:32+03") == "2026-11-27T13:37:32Z"


def test_a_write_answers_with_the_ticket_as_stored(agent_client, requester_client, agent):
    created = requester_client.post("/api/tickets", {"title": "Сканер"}, format="json")
    ticket_id = created.json()["id"]
    assert created.json() == TicketSerializer(Ticket.objects.get(pk=ticket_id)).data

    changed = agent_client.patch(
        f"/api/tickets/{ticket_id}", {"status": "resolved", "assignee": agent.pk}, format="json"
    )

    assert changed.json() == TicketSerializer(Ticket.objects.get(pk=ticket_id)).data
    assert changed.json()["assignee_name"] == "Иван Смирнов"
    assert changed.json()["resolved_at"] is not None


def test_a_repeated_read_of_one_ticket_shows_its_latest_version(agent_client, requester):
    ticket = make_ticket(requester=requester)
    assert agent_client.get(f"/api/tickets/{ticket.id}")["ETag"] == '"1"'

    agent_client.patch(f"/api/tickets/{ticket.id}", {"status": "in_progress"}, format="json")
    response = agent_client.get(f"/api/tickets/{ticket.id}")

    assert (response.json()["status"], response["ETag"]) == ("in_progress", '"2"')


def test_reading_one_own_ticket_does_not_open_anyone_elses(
    requester_client, requester, other_requester
):
    mine = make_ticket(requester=requester)
    theirs = make_ticket(requester=other_requester)

    assert requester_client.get(f"/api/tickets/{mine.id}").status_code == 200
    assert requester_client.get(f"/api/tickets/{theirs.id}").status_code == 404


def test_a_ticket_read_before_is_gone_once_deleted(agent_client, requester):
    ticket = make_ticket(requester=requester)
    assert agent_client.get(f"/api/tickets/{ticket.id}").status_code == 200

    agent_client.delete(f"/api/tickets/{ticket.id}")

    assert agent_client.get(f"/api/tickets/{ticket.id}").status_code == 404


def test_repeated_writes_each_see_the_current_ticket(requester_client, requester, other_requester):
    mine = make_ticket(requester=requester)
    theirs = make_ticket(requester=other_requester)

    for version, title in enumerate(["Первое", "Второе", "Третье"], start=2):
        response = requester_client.patch(f"/api/tickets/{mine.id}", {"title": title})
        assert (response.status_code, response["ETag"]) == (200, f'"{version}"')
        assert response.json()["requester_name"] == "Анна Петрова"

    assert requester_client.patch(f"/api/tickets/{theirs.id}", {"title": "x"}).status_code == 404
    mine.refresh_from_db()
    assert (mine.title, mine.version, mine.changes.count()) == ("Третье", 4, 3)


def test_searches_for_different_texts_share_a_shape_but_not_results(agent_client, requester):
    printer = make_ticket(requester=requester, title="Принтер не печатает")
    vpn = make_ticket(requester=requester, title="VPN отключается", description="каждый час")

    def search(text):
        return ids(agent_client.get("/api/tickets", {"search": text, "status": "new"}))

    assert search("принтер") == [printer.id]
    assert search("час") == [vpn.id]
    assert search("принтеры") == ([printer.id] if connection.vendor == "postgresql" else [])
    assert search("нет такого") == []
    assert search("принтер") == [printer.id]


def test_only_the_most_recent_shapes_are_kept(agent_client, requester, monkeypatch):
    monkeypatch.setattr(listing, "SHAPES_KEPT", 3)
    ticket = make_ticket(requester=requester, priority="high")

    for size in range(1, 8):
        assert ids(agent_client.get(f"/api/tickets?priority=high&page_size={size}&x={size}")) == [
            ticket.id
        ]

    assert len(listing._shapes) == 3


def test_a_shape_in_use_outlives_newer_ones(agent_client, requester, monkeypatch):
    monkeypatch.setattr(listing, "SHAPES_KEPT", 2)
    make_ticket(requester=requester)

    agent_client.get("/api/tickets?x=often")
    agent_client.get("/api/tickets?x=once")
    agent_client.get("/api/tickets?x=often")
    agent_client.get("/api/tickets?x=new")

    kept = {dict(key[1][3]).get("x") for key in listing._shapes}
    assert kept == {("often",), ("new",)}


def _sorting_every_page(monkeypatch):
    """Makes every page be read by sorting all matches, as pages deep among few matches of a
    large table are."""
    monkeypatch.setattr(
        listing.CompiledList, "walk", lambda *args: listing.Walk(listing.SCATTERED, "")
    )
    monkeypatch.setattr("tickets.pagination.SHORT_WALK", -1)
    monkeypatch.setattr("tickets.pagination.table_estimate", lambda db: 10**9)


def _pages_of_seven_tickets(requester):
    """Seven tickets (titles and priorities repeat), and the URLs of their list's pages in
    every ordering: two matches in three, and one in seven."""
    priorities = ["low", "high", "low", "critical", "high", "low", "high"]
    for title, priority in zip("БАВАБАГ", priorities, strict=True):
        make_ticket(requester=requester, title=title, priority=priority)
    orderings = ["", "title", "-title", "priority", "-priority", "id", "-id", "updated_at"]
    urls = [
        f"/api/tickets?page_size=2&page={page}&ordering={ordering}&priority=low&priority=high"
        for ordering in orderings
        for page in (1, 2, 3)
    ]
    return urls + [f"/api/tickets?page_size=2&ordering={o}&priority=critical" for o in orderings]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans only")
def test_pages_read_by_sorting_all_matches_are_the_same_pages(agent_client, requester, monkeypatch):
    urls = _pages_of_seven_tickets(requester)
    walked = [ids(agent_client.get(url)) for url in urls]

    listing._shapes.clear()
    _sorting_every_page(monkeypatch)
    with CaptureQueriesContext(connection) as captured:
        assert [ids(agent_client.get(url)) for url in urls] == walked
    sorted_reads = [query["sql"] for query in captured if "COALESCE" in query["sql"]]
    assert sorted_reads
    # Even where no index narrows the matches much, the sort finds them through one.
    assert all(sql.startswith("SET LOCAL enable_seqscan = off; ") for sql in sorted_reads)


def _walk_in_list_order(source, *args):
    """The walk of an index in the list's order, as PostgreSQL plans at a million tickets."""
    order = ", ".join(
        f'"{Ticket._meta.get_field(term.lstrip("-")).column}"'
        f" {'DESC' if term.startswith('-') else 'ASC'}"
        for term in source.ordering
    )
    first = f'SELECT * FROM "tickets_ticket" WHERE deleted_at IS NULL ORDER BY {order} LIMIT %s'
    return listing.Walk(listing.SCATTERED, first)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans only")
@pytest.mark.parametrize("budget", [10**6, 4])
def test_pages_walked_with_a_budget_are_the_same_pages(
    agent_client, requester, monkeypatch, budget
):
    """A walk no further than `budget` tickets: the whole table, or so few that some pages
    are not found within it and the matches are sorted after all."""
    urls = _pages_of_seven_tickets(requester)
    walked = [ids(agent_client.get(url)) for url in urls]

    listing._shapes.clear()
    monkeypatch.setattr(listing.CompiledList, "walk", _walk_in_list_order)
    monkeypatch.setattr(listing.CompiledList, "estimate", lambda *args: budget)
    monkeypatch.setattr("tickets.pagination.SHORT_WALK", -1)
    monkeypatch.setattr("tickets.pagination.table_estimate", lambda db: budget + 1)
    with CaptureQueriesContext(connection) as captured:
        assert [ids(agent_client.get(url)) for url in urls] == walked
    sent = [query["sql"] for query in captured]
    assert any('FROM (SELECT * FROM "tickets_ticket"' in sql for sql in sent)
    if budget == 4:
        assert any("COALESCE" in sql for sql in sent)


def test_a_plan_walks_the_table_when_it_tests_every_row_of_a_list_order_index():
    def scan(index="ticket_title_idx", **node):
        return {
            "Node Type": "Index Scan",
            "Relation Name": "tickets_ticket",
            "Index Name": index,
            **node,
        }

    def limit(*plans):
        return {"Node Type": "Limit", "Plans": list(plans)}

    indexes = {
        "ticket_title_idx": listing.Index(
            '"title" ASC, "id" ASC', '"title" DESC, "id" DESC', "(deleted_at IS NULL)", False
        ),
        "tickets_ticket_pkey": listing.Index('"id" ASC', '"id" DESC', "true", True),
        "ticket_status_rank_idx": listing.Index(
            '"status_rank" ASC, "id" ASC',
            '"status_rank" DESC, "id" DESC',
            "(deleted_at IS NULL)",
            False,
            grouped=True,
        ),
    }

    def walk(plan):
        found = listing._walk_of(plan, indexes, "title")
        return found and found.kind

    assert walk(limit(scan(Filter="(status_rank = 3)"))) == listing.SCATTERED
    assert walk(limit(scan("tickets_ticket_pkey", Filter="(status_rank = 3)"))) == (
        listing.IN_TABLE_ORDER
    )
    assert walk(limit(scan("ticket_status_rank_idx", Filter="(priority_rank = 3)"))) == (
        listing.GROUPED
    )
    assert walk(limit(scan())) is None
    bounded = scan(**{"Filter": "(status_rank = 3)", "Index Cond": "(assignee_id = 7)"})
    assert walk(limit(bounded)) is None
    assert walk(limit({"Node Type": "Sort", "Plans": [scan(Filter="(status_rank = 3)")]})) is None
    # The rows the walk reads, in its order and direction, from the index's own rows.
    backward = listing._walk_of(
        limit(scan(Filter="(status_rank = 3)", **{"Scan Direction": "Backward"})), indexes, "title"
    )
    assert backward.first == (
        'SELECT * FROM "tickets_ticket" WHERE (deleted_at IS NULL)'
        ' ORDER BY "title" DESC, "id" DESC LIMIT (SELECT %s)'
    )


def test_a_plan_that_sorts_all_matches_by_the_list_order_is_told_apart():
    def sort(key, *plans):
        return {"Node Type": "Sort", "Sort Key": [key, "tickets_ticket.id DESC"], "Plans": plans}

    heap = {"Node Type": "Bitmap Heap Scan", "Relation Name": "tickets_ticket"}
    people = {"Node Type": "Index Scan", "Relation Name": "auth_user"}
    by_assignee = sort("tickets_ticket.assignee_id", heap)
    joined = {"Node Type": "Merge Join", "Plans": [by_assignee, people]}

    def read(plan, ordered_by="priority_rank"):
        found = listing._walk_of({"Node Type": "Limit", "Plans": [plan]}, {}, ordered_by)
        return found and found.kind

    assert read(sort("tickets_ticket.priority_rank DESC", heap)) == listing.SORTS
    assert read(sort("priority_rank", joined)) == listing.SORTS
    # A sort for a join, not for the list: the order comes from elsewhere.
    assert read(joined) is None
    assert read(sort("tickets_ticket.priority_rank DESC", heap), ordered_by="id") is None
    assert read({"Node Type": "Incremental Sort", "Plans": [heap]}) is None


def test_a_walk_to_a_date_range_is_a_walk_unless_its_index_bounds_the_range():
    """A date range's matches lie together: a walk in another order crosses most of the table
    to reach them, whatever else its index condition skips."""
    indexes = {
        "ticket_priority_rank_idx": listing.Index(
            '"priority_rank" ASC, "id" ASC',
            '"priority_rank" DESC, "id" DESC',
            "(deleted_at IS NULL)",
            False,
        ),
    }

    def read(condition, ranged="created_at"):
        scan = {
            "Node Type": "Index Scan",
            "Relation Name": "tickets_ticket",
            "Index Name": "ticket_priority_rank_idx",
            "Index Cond": condition,
            "Filter": "((created_at >= '2026-10-29 00:00:00+00'::timestamp with time zone))",
        }
        plan = {"Node Type": "Limit", "Plans": [scan]}
        return listing._walk_of(plan, indexes, "priority_rank", ranged)

    priorities = "(priority_rank = ANY ('{0,2}'::integer[]))"
    # Its rows are not the index's first ones, so no budgeted walk can stand in for it.
    assert read(priorities) == listing.Walk(listing.SCATTERED, "")
    assert read("(updated_at >= '2026-10-29 00:00:00+00'::timestamp with time zone)") == (
        listing.Walk(listing.SCATTERED, "")
    )
    # Without a range, the condition bounds the walk as far as anything tells.
    assert read(priorities, ranged=None) is None
    # An index that bounds the range reads no more than it.
    bounded = "((priority_rank = 2) AND (created_at >= '2026-10-29 00:00:00+00'::timestamptz))"
    assert read(bounded) is None
    assert read("(tickets_ticket.created_at >= '2026-10-29'::timestamptz)") is None
