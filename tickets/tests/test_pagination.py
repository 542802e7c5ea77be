"""Pages: cursor links, page numbers and their limits, totals, and constant query counts."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tickets.models import Ticket
from tickets.pagination import EXACT_COUNT_LIMIT

from .factories import make_agent, make_ticket, make_user


def make_tickets(count, **overrides):
    return [make_ticket(**overrides) for _ in range(count)]


def params_of(link):
    return parse_qs(urlsplit(link).query)


def walk(client, url, params=None, *, between=None):
    """Every page from `url` on, following `next`; ids in the order seen."""
    seen = []
    while url:
        response = client.get(url, params)
        params = None
        assert response.status_code == 200, response.json()
        body = response.json()
        seen += [ticket["id"] for ticket in body["results"]]
        url = body["next"]
        if between:
            between()
    return seen


def test_list_is_paginated_25_by_default_with_a_cursor_link_to_the_rest(agent_client):
    tickets = make_tickets(27)

    body = agent_client.get("/api/tickets").json()
    rest = agent_client.get(body["next"]).json()

    assert (body["count"], len(body["results"]), body["previous"]) == (27, 25, None)
    assert "cursor" in params_of(body["next"]) and "page" not in params_of(body["next"])
    assert [t["id"] for t in rest["results"]] == [t.pk for t in tickets[:2]][::-1]
    assert rest["next"] is None


def test_following_previous_comes_back_to_the_first_page(agent_client):
    make_tickets(27)
    first = agent_client.get("/api/tickets").json()
    second = agent_client.get(first["next"]).json()

    back = agent_client.get(second["previous"]).json()

    assert back["results"] == first["results"]
    assert back["previous"] is None
    assert back["next"] is not None


def test_links_keep_filters_ordering_and_page_size(agent_client):
    make_tickets(5, status="new")

    body = agent_client.get("/api/tickets?status=new&ordering=title&page_size=2").json()

    params = params_of(body["next"])
    assert (params["status"], params["ordering"], params["page_size"]) == (
        ["new"],
        ["title"],
        ["2"],
    )


def test_page_number_reads_that_page(agent_client):
    tickets = make_tickets(7)

    body = agent_client.get("/api/tickets?page=2&page_size=3").json()

    assert [t["id"] for t in body["results"]] == [t.pk for t in tickets[3:0:-1]]
    assert body["previous"] is not None and body["next"] is not None


def test_a_page_number_within_ten_thousand_results_is_valid(agent_client):
    make_tickets(3)

    response = agent_client.get("/api/tickets?page=100&page_size=100")

    assert response.status_code == 400
    assert response.json() == {"page": ["There is no page 100: the last page is 1."]}


def test_a_page_number_beyond_ten_thousand_results_says_to_follow_the_links(agent_client):
    response = agent_client.get("/api/tickets?page=401")

    assert response.status_code == 400
    assert response.json() == {
        "page": [
            "Pages by number end at 10000 results (page 400 of this size): follow the next "
            "and previous links to read further."
        ]
    }


def test_page_size_over_the_limit_is_capped_at_100(agent_client):
    make_tickets(101)

    body = agent_client.get("/api/tickets?page_size=1000").json()

    assert (body["count"], len(body["results"])) == (101, 100)


@pytest.mark.parametrize("value", ["0", "-1", "ten", "1.5", "²", "１"])
def test_invalid_page_size_is_a_400(agent_client, value):
    response = agent_client.get("/api/tickets", {"page_size": value})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 100."]}


@pytest.mark.parametrize("value", ["0", "-2", "last", "", "²", "١"])
def test_invalid_page_is_a_400(agent_client, value):
    response = agent_client.get("/api/tickets", {"page": value})

    assert response.status_code == 400
    assert response.json() == {"page": ["Enter a whole number from 1."]}


def cursor_of(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "x" * 2000,
        "ÿ",
        cursor_of([]),
        cursor_of({}),
        cursor_of({"k": [1]}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", 10**30]}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", -(10**30)]}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", 1.5]}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", [1]]}),
        cursor_of({"k": ["9999-99-99", 1]}),
        cursor_of({"k": ["2026-01-01\u0000", 1]}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", 1], "p": 3}),
        cursor_of({"p": 3}),
        cursor_of({"p": 10**9}),
        cursor_of({"p": -1}),
        cursor_of({"k": ["2026-01-01T00:00:00Z", 1], "t": "x"}),
    ],
)
def test_a_cursor_not_made_by_the_list_is_a_400(agent_client, value):
    make_tickets(2)

    response = agent_client.get("/api/tickets", {"cursor": value})

    assert response.status_code == 400
    assert response.json() == {"cursor": ["This cursor is not valid: follow the list's links."]}


def test_a_cursor_with_a_page_is_a_400(agent_client):
    make_tickets(3)
    link = agent_client.get("/api/tickets?page_size=1").json()["next"]

    response = agent_client.get(f"{link}&page=2")

    assert response.status_code == 400
    assert response.json() == {"cursor": ["Send either a cursor or a page, not both."]}


def test_a_cursor_of_another_ordering_is_a_400(agent_client):
    make_tickets(3)
    link = agent_client.get("/api/tickets?page_size=1&ordering=title").json()["next"]
    cursor = params_of(link)["cursor"][0]

    response = agent_client.get("/api/tickets", {"cursor": cursor})

    assert response.status_code == 400


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


def test_small_totals_are_exact_on_every_page(agent_client):
    make_tickets(30)
    first = agent_client.get("/api/tickets?page_size=10").json()

    second = agent_client.get(first["next"]).json()

    assert (first["count"], first["count_exact"]) == (30, True)
    assert (second["count"], second["count_exact"]) == (30, True)


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


@pytest.mark.parametrize(
    "query",
    [
        "",
        "ordering=title",
        "ordering=-priority",
        "ordering=status,-created_at",
        "status=new&status=on_hold&ordering=-updated_at",
    ],
)
def test_a_walk_sees_every_ticket_once_while_tickets_are_filed(agent_client, requester, query):
    titles = ["Сеть", "Принтер", "VPN", "Почта", "Сеть"]
    for i in range(23):
        make_ticket(
            title=titles[i % 5],
            requester=requester,
            status=["new", "on_hold", "closed"][i % 3],
            priority=["low", "high"][i % 2],
        )
    expected = set(Ticket.objects.visible_to(requester).values_list("pk", flat=True))
    if "status=" in query:
        expected = set(
            Ticket.objects.filter(status__in=["new", "on_hold"]).values_list("pk", flat=True)
        )

    seen = walk(
        agent_client,
        f"/api/tickets?page_size=4&{query}",
        between=lambda: make_ticket(title="Сеть", requester=requester, status="new"),
    )

    assert sorted(set(seen) & expected) == sorted(expected)
    assert len(seen) == len(set(seen))


def test_walking_back_from_the_last_page_sees_every_ticket_once(agent_client):
    tickets = make_tickets(11)
    url = "/api/tickets?page_size=3"
    while True:
        body = agent_client.get(url).json()
        if body["next"] is None:
            break
        url = body["next"]
    seen = [t["id"] for t in body["results"]]

    while body["previous"]:
        body = agent_client.get(body["previous"]).json()
        seen = [t["id"] for t in body["results"]] + seen

    assert seen == [t.pk for t in reversed(tickets)]


def test_a_page_of_deleted_tickets_keeps_its_links(agent_client, agent):
    tickets = make_tickets(3)
    first = agent_client.get("/api/tickets?page_size=1").json()
    Ticket.objects.filter(pk__in=[t.pk for t in tickets[:2]]).delete()

    after = agent_client.get(first["next"]).json()

    assert after["results"] == []
    assert (after["next"], after["previous"] is not None) == (None, True)


def test_a_search_ranks_its_newest_matches_then_walks_the_rest_newest_first(
    agent_client, requester
):
    older = [make_ticket(title=f"Заявка {i}", description="принтер", requester=requester)
             for i in range(5)]  # fmt: skip
    window = [make_ticket(title=f"Заявка {i}", description="принтер", requester=requester)
              for i in range(99)]  # fmt: skip
    title_hit = make_ticket(title="Принтер", requester=requester)

    seen = walk(agent_client, "/api/tickets", {"search": "принтер", "page_size": 30})

    assert seen[0] == title_hit.pk
    assert sorted(seen[:100]) == sorted([title_hit.pk, *(t.pk for t in window)])
    assert seen[100:] == [t.pk for t in reversed(older)]


def test_a_search_walk_is_not_disturbed_by_new_matches(agent_client, requester):
    make_tickets(130, description="принтер", requester=requester)

    seen = walk(
        agent_client,
        "/api/tickets",
        {"search": "принтер", "page_size": 40},
        between=lambda: make_ticket(title="Принтер сломан", requester=requester),
    )

    assert len(seen) == 130 == len(set(seen))


def test_a_search_walk_comes_back_page_by_page(agent_client, requester):
    make_tickets(130, description="принтер", requester=requester)
    pages = []
    params: dict[str, object] | None
    url, params = "/api/tickets", {"search": "принтер", "page_size": 30}
    while url:
        body = agent_client.get(url, params).json()
        params = None
        pages.append([t["id"] for t in body["results"]])
        url = body["next"]

    back = [pages[-1]]
    while body["previous"]:
        body = agent_client.get(body["previous"]).json()
        back.insert(0, [t["id"] for t in body["results"]])

    assert [i for page in back for i in page] == [i for page in pages for i in page]


def count_queries(client, url):
    client.get(url)  # steady state: the user is cached
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

    # The page's ids, its rows by id, the planner's estimate and a bounded COUNT.
    assert small == large <= 4


def test_users_list_query_count_is_constant(agent_client):
    for i in range(30):
        make_agent(f"agent{i:02}")

    assert count_queries(agent_client, "/api/users?page_size=2") == count_queries(
        agent_client, "/api/users?page_size=30"
    )


def test_users_are_paged_by_cursor_too(agent_client):
    for i in range(5):
        make_agent(f"agent{i:02}")

    body = agent_client.get("/api/users?page_size=2").json()
    rest = walk(agent_client, body["next"])

    assert len(body["results"]) + len(rest) == 6


def test_absurd_page_number_is_a_400_not_a_crash(agent_client):
    response = agent_client.get("/api/tickets?page=99999999999999999999")

    assert response.status_code == 400


def test_the_page_limit_is_explained_in_russian_too(agent):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_authenticate(agent)

    response = client.get("/api/tickets?page=401")

    assert response.status_code == 400
    assert response.json()["page"][0].startswith("Номера страниц доступны до 10000 результатов")
