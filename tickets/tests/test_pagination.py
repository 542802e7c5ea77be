"""Pagination: page and page_size, their limits, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.listing import GROUPED, IN_TABLE_ORDER, SCATTERED, SORTS, Walk
from tickets.models import Ticket
from tickets.pagination import EXACT_COUNT_LIMIT, _page

from .factories import make_agent, make_ticket, make_user


def make_tickets(count, **overrides):
    return [make_ticket(**overrides) for _ in range(count)]


def test_list_is_paginated_25_by_default(agent_client):
    make_tickets(27)

    response = agent_client.get("/api/tickets")

    body = response.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (27, 25, None)
    assert body["next"].endswith("/api/tickets?page=2")


def test_second_page_has_the_rest(agent_client):
    make_tickets(27)

    body = agent_client.get("/api/tickets?page=2").json()

    assert (len(body["results"]), body["next"]) == (2, None)
    assert body["previous"].endswith("/api/tickets")


def test_page_size_chooses_the_page_length(agent_client):
    make_tickets(5)

    body = agent_client.get("/api/tickets?page_size=2").json()

    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


def test_page_size_over_the_limit_is_capped_at_100(agent_client):
    make_tickets(101)

    body = agent_client.get("/api/tickets?page_size=1000").json()

    assert (body["count"], len(body["results"])) == (101, 100)


@pytest.mark.parametrize("value", ["0", "-1", "ten", "1.5"])
def test_invalid_page_size_is_a_400(agent_client, value):
    response = agent_client.get(f"/api/tickets?page_size={value}")

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 100."]}


@pytest.mark.parametrize("value", ["0", "-2", "last", ""])
def test_invalid_page_is_a_400(agent_client, value):
    response = agent_client.get(f"/api/tickets?page={value}")

    assert response.status_code == 400
    assert response.json() == {"page": ["Enter a whole number from 1."]}


def test_page_past_the_end_is_a_400_naming_the_last_page(agent_client):
    make_tickets(30)

    response = agent_client.get("/api/tickets?page=3")

    assert response.status_code == 400
    assert response.json() == {"page": ["There is no page 3: the last page is 2."]}


def test_first_page_of_an_empty_list_is_empty_not_an_error(agent_client):
    response = agent_client.get("/api/tickets")

    assert response.status_code == 200
    assert response.json() == {
        "count": 0,
        "count_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_last_page_knows_the_exact_count_without_counting(agent_client):
    make_tickets(3)

    with CaptureQueriesContext(connection) as captured:
        body = agent_client.get("/api/tickets").json()

    assert (body["count"], body["count_exact"]) == (3, True)
    sent = [query["sql"] for query in captured]
    assert not [sql for sql in sent if "COUNT(" in sql.upper()], sent


def test_small_totals_are_exact(agent_client):
    make_tickets(30)

    body = agent_client.get("/api/tickets?page_size=10").json()

    assert (body["count"], body["count_exact"]) == (30, True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="estimates come from PostgreSQL")
def test_large_totals_are_estimated_and_flagged(agent_client, requester):
    Ticket.objects.bulk_create(
        Ticket(title=f"Обращение {i}", requester=requester) for i in range(EXACT_COUNT_LIMIT + 50)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")

    body = agent_client.get("/api/tickets").json()

    assert body["count_exact"] is False
    assert body["count"] > EXACT_COUNT_LIMIT
    assert len(body["results"]) == 25


def count_queries(client, url):
    client.get(url)  # steady state: the user and the count estimate are cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["agent", "requester"])
def test_list_query_count_does_not_grow_with_page_size(agent_client, requester_client, role):
    client = agent_client if role == "agent" else requester_client
    me = make_user("someone") if role == "agent" else None
    agents = [make_agent(f"agent{i}") for i in range(5)]
    owner = None if role == "agent" else client.handler._force_user
    for i in range(60):
        make_ticket(requester=owner or me, assignee=agents[i % 5] if i % 3 else None)

    small = count_queries(client, "/api/tickets?page_size=2")
    large = count_queries(client, "/api/tickets?page_size=50")

    # The joined SELECT of the page and a bounded COUNT (the planner's estimate is cached).
    assert small == large <= 2


def test_users_list_query_count_is_constant(agent_client):
    for i in range(30):
        make_agent(f"agent{i:02}")

    assert count_queries(agent_client, "/api/users?page_size=2") == count_queries(
        agent_client, "/api/users?page_size=30"
    )


def test_absurd_page_number_is_a_400_not_a_crash(agent_client):
    response = agent_client.get("/api/tickets?page=99999999999999999999")

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


class _List:
    """A compiled list as `_page` sees it: its matches (as estimated), its plan, how far a walk
    must really go for the page (`reach`), and how the page was read."""

    vendor, db = "postgresql", "default"

    def __init__(self, matches, walk, clustered=False, reach=None, text=None):
        self.matches, self.walk_kind, self.clustered, self.reach = matches, walk, clustered, reach
        self.text = text

    def estimate(self, ttl):
        return self.matches

    def walk(self, offset, limit, ttl):
        return self.walk_kind and Walk(self.walk_kind, "SELECT ...")

    def rows(self, offset, limit, *, sort=False):
        return "sorted" if sort else "walked"

    def walked_rows(self, walk, offset, limit, budget):
        reach = self.reach or (offset + limit) * 1_000_000 / self.matches
        return "walked" if reach <= budget else None


@pytest.mark.parametrize(
    ("source", "offset", "read"),
    [
        # Many matches: the first page is found after a few rows of any walk.
        (_List(300_000, SCATTERED), 0, "walked"),
        # Page 200 among 20,000 matches: a walk through a quarter of the table.
        (_List(20_000, SCATTERED), 4975, "sorted"),
        (_List(20_000, None), 4975, "walked"),  # the planner reads it another way
        # The planner sorts all matches: their ids are sorted instead of whole rows.
        (_List(20_000, SORTS), 4975, "sorted"),
        (_List(20_000, SORTS, text="принтер"), 4975, "sorted"),
        # An index in the table's order reads quickly enough...
        (_List(50_000, IN_TABLE_ORDER), 4975, "walked"),
        # ...unless it has to cross the table to find a handful.
        (_List(500, IN_TABLE_ORDER), 0, "sorted"),
        # A few thousand matches spread evenly: a short walk in the table's order finds them...
        (_List(2_400, IN_TABLE_ORDER), 0, "walked"),
        # ...but if they lie together at its far end (the estimate 60 times too high), the walk
        # stops where sorting them would have been done.
        (_List(2_400, IN_TABLE_ORDER, reach=943_000), 0, "sorted"),
        # A long walk in the table's order keeps no budget: it would cost every request.
        (_List(50_000, IN_TABLE_ORDER, reach=950_000), 4975, "walked"),
        # An estimate six times too high: the walk stops where sorting would have been done.
        (_List(70_000, SCATTERED, reach=456_000), 4975, "sorted"),
        # A search that expects its walk to read most of its budget sorts at once: walks
        # like that often fail and then pay for the sort too (page 200 of a common word by
        # title: 310 ms walked and failed, then 300 ms sorted)...
        (_List(90_000, SCATTERED, text="принтеры"), 4975, "sorted"),
        (_List(90_000, SCATTERED), 4975, "walked"),
        # ...unless the walk reads each of a few values' rows page after page, three times
        # faster (by status: 80 ms walked, 295 ms sorted), or expects to need little of it.
        (_List(90_000, GROUPED, text="принтеры"), 4975, "walked"),
        (_List(200_000, SCATTERED, text="принтеры"), 4975, "walked"),
        # A date range's matches lie together: evenly spread, page 1 would be found at once.
        (_List(40_000, SCATTERED, clustered=True), 0, "sorted"),
        (_List(40_000, SCATTERED), 0, "walked"),
        (_List(300_000, SCATTERED, clustered=True), 0, "walked"),  # too many to sort
    ],
)
def test_a_page_is_read_the_cheaper_way(monkeypatch, source, offset, read):
    monkeypatch.setattr("tickets.pagination.table_estimate", lambda db: 1_000_000)

    assert _page(source, offset, 26) == read
