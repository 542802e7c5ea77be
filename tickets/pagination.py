"""Page-number pagination that never counts a whole large table on a request.

The page itself is read with one extra row, which tells whether a next page exists. The total
is then exact for free on the last page, exact by a bounded count when it is at most
EXACT_COUNT_LIMIT, and otherwise PostgreSQL's planner estimate (at least the bound), flagged by
`count_exact: false`.
"""

import json
import threading
import time
from collections import OrderedDict
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from . import listing
from .listing import CompiledList
from .models import Ticket

EXACT_COUNT_LIMIT = 1000
# SQL offsets are 64-bit: past this page number an offset could overflow into a 500.
MAX_PAGE = 10**12
# Searches rank this many of the newest matches by relevance; later pages continue by date,
# so ranking never reads every match of a common word.
RANK_WINDOW = 100


def bounded_count(queryset: QuerySet, limit: int) -> int:
    """The number of rows, counting no further than limit + 1."""
    return queryset.order_by()[: limit + 1].count()


ESTIMATE_TTL_SECONDS = 30
_estimates: OrderedDict[tuple[Any, ...], tuple[float, int]] = OrderedDict()
_estimates_lock = threading.Lock()


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows a query returns; None elsewhere.

    An estimate is approximate by nature, so each process reuses one per query for a few
    seconds instead of asking the planner on every page view.
    """
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    key = (queryset.db, sql, tuple(map(str, params)))
    now = time.monotonic()
    cached = _estimates.get(key)
    if cached is not None and now - cached[0] < ESTIMATE_TTL_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    with _estimates_lock:  # gunicorn may run several threads per worker
        _estimates[key] = (now, estimate)
        _estimates.move_to_end(key)
        while len(_estimates) > 512:
            _estimates.popitem(last=False)
    return estimate


# A walk through a table this small is quick whatever it finds.
SHORT_WALK = 10_000
# A walk of an index in the table's own order reads it page after page, for about an eighth
# of the time per row of one that jumps about it (at a million tickets: 0.6 against 5 µs).
TABLE_ORDER_SPEEDUP = 8
# Sorting this many matches found by a date range takes some 60 ms at a million tickets.
CHEAP_SORT = 50_000
# A scattered walk reads a row in about the time sorting takes per match (4.4 against 4.2 µs for
# a common word's page 200 by title at a million tickets), so one that fails its budget costs
# as much again as the sort after it, and one expected to read most of its budget fails often.
# A search, whose estimate and whose matches' spread are the least sure, walks such an index
# only when it expects to read at most 1 / SEARCH_DOUBT of its budget. A GROUPED walk reads its
# rows about three times faster (1.3 µs), so failing costs it less.
SEARCH_DOUBT = 2
# A walk in the table's order within a budget of this many rows takes at most some 50 ms at a
# million tickets.
SHORT_BUDGET = 50_000
_table_rows: OrderedDict[str, tuple[float, int]] = OrderedDict()


def table_estimate(db: str) -> int:
    """PostgreSQL's estimate of the rows in the tickets table (0 before it was analyzed)."""

    def read() -> int:
        with connections[db].cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [Ticket._meta.db_table]
            )
            return max(0, int(cursor.fetchone()[0]))

    return listing.remembered(_table_rows, db, ESTIMATE_TTL_SECONDS, read)


def _page(source: CompiledList, offset: int, limit: int) -> list[Any]:
    """`limit` rows from `offset` of a compiled list, read the cheaper of two ways.

    PostgreSQL likes to walk an index in list order and test each row against the filters,
    expecting the matches to be spread evenly along it: the walk then reads `offset + limit`
    times table / matches rows (by the planner's estimate of the matches). When the plan is
    such a walk and that is more rows than all the matches (TABLE_ORDER_SPEEDUP times more,
    for an index in the table's own order, which reads it page after page), the matches are
    found first and sorted instead. Otherwise a long walk that jumps about the table goes no
    further than that many rows either: if the estimate was wrong and the page lies beyond,
    the matches are sorted after all, at most about twice the cost of the better way (so a
    search walks an index that jumps about the table only when it expects to read at most half
    as many rows as there are matches: SEARCH_DOUBT). A walk
    in the table's order keeps such a budget only while it is short (SHORT_BUDGET): the
    budgeted subquery forms every row it reads, about three times the plain walk's cost per
    row, which a long walk would pay on every request. A short budget guards the plans that
    expect a few matches spread evenly where they lie together at one end (one account's
    many recent tickets, for one).

    Matches that lie together in creation order (`clustered`, a date range) are not spread
    evenly along any list order that ends in ids: the walk may cross the whole table to reach
    them, or find them at once. They are sorted whenever the plan walks and sorting them is
    cheap anyway (at most CHEAP_SORT of them).

    When the plan sorts all matches itself, only their ids are sorted, and the page's rows read
    by id after (CompiledList.rows).
    """
    table = table_estimate(source.db) if source.vendor == "postgresql" else 0
    if table <= SHORT_WALK:
        return source.rows(offset, limit)
    matches = max(1, source.estimate(ESTIMATE_TTL_SECONDS) or 1)
    walked = (offset + limit) * table / matches
    if source.clustered and matches <= CHEAP_SORT:
        walked = table
    if walked <= min(SHORT_WALK, matches):
        return source.rows(offset, limit)
    walk = source.walk(offset, limit, ESTIMATE_TTL_SECONDS)
    if walk is None:
        return source.rows(offset, limit)
    if walk.kind == listing.SORTS:
        # Its sort of whole rows, people joined, would spill to disk from a few thousand on;
        # for a search with filters it may even find the matches by reading the whole table.
        return source.rows(offset, limit, sort=True)
    in_order = walk.kind == listing.IN_TABLE_ORDER
    affordable = matches * (TABLE_ORDER_SPEEDUP if in_order else 1)
    doubt = SEARCH_DOUBT if source.text is not None and walk.kind == listing.SCATTERED else 1
    if walked * doubt > affordable:
        return source.rows(offset, limit, sort=True)
    budget = max(affordable, offset + limit)
    budgeted = budget <= SHORT_BUDGET if in_order else walked > SHORT_WALK
    if not budgeted or budget >= table or not walk.first:
        return source.rows(offset, limit)
    rows = source.walked_rows(walk, offset, limit, budget=budget)
    return rows if rows is not None else source.rows(offset, limit, sort=True)


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (default 25, capped at 100); a bad value is a 400 naming it."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {"page_size": [_("Enter a whole number from 1 to %d.") % self.max_page_size]}
            )
        return min(int(raw), self.max_page_size)

    def get_page_number(self, request: Any, paginator: Any = None) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page": [_("Enter a whole number from 1.")]})
        if int(raw) > MAX_PAGE:
            raise ValidationError({"page": [_("Enter a whole number from 1 to %d.") % MAX_PAGE]})
        return int(raw)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        self.window_size: int | None = None
        self.number = self.get_page_number(request)
        self.size = self.get_page_size(request)
        offset = (self.number - 1) * self.size
        rows = self._rows(queryset, offset, self.size + 1, getattr(view, "search_rank", None))
        self.has_next = len(rows) > self.size
        rows = rows[: self.size]
        if self.has_next:
            self.count, self.count_exact = self._total(queryset, known_more_than=offset + self.size)
        elif rows or self.number == 1:
            self.count, self.count_exact = offset + len(rows), True
        else:
            total, _exact = self._total(queryset, known_more_than=0)
            last = max(1, -(-total // self.size))
            raise ValidationError(
                {
                    "page": [
                        _("There is no page %(page)s: the last page is %(last)d.")
                        % {"page": self.number, "last": last}
                    ]
                }
            )
        return rows

    def _rows(self, queryset: Any, offset: int, limit: int, rank: Any) -> list[Any]:
        compiled = isinstance(queryset, CompiledList)
        if compiled and not queryset.ranked:
            return _page(queryset, offset, limit)
        if not compiled and rank is None:
            return list(queryset[offset : offset + limit])
        window = (
            queryset.window(RANK_WINDOW)
            if compiled
            else list(queryset.values_list("pk", flat=True)[:RANK_WINDOW])
        )
        self.window_size = len(window)
        rows: list[Any] = []
        if offset < len(window):
            if compiled:
                rows = queryset.ranked_rows(window, offset, limit)
            else:
                ordering = queryset.query.order_by or queryset.model._meta.ordering
                ranked = (
                    queryset.filter(pk__in=window)
                    .annotate(search_rank=rank)
                    .order_by("-search_rank", *ordering)
                )
                rows = list(ranked[offset : offset + limit])
        start, end = max(offset, RANK_WINDOW), offset + limit
        if len(window) == RANK_WINDOW and end > start:
            rows += _page(queryset, start, end - start) if compiled else list(queryset[start:end])
        return rows

    def _total(self, queryset: Any, *, known_more_than: int) -> tuple[int, bool]:
        if self.window_size is not None and self.window_size < RANK_WINDOW:
            return self.window_size, True  # a ranked search read every match already
        compiled = isinstance(queryset, CompiledList)
        estimate = (
            queryset.estimate(ESTIMATE_TTL_SECONDS) if compiled else planner_estimate(queryset)
        )
        # Far above the bound the planner's word is enough, and counting search matches means
        # rechecking text row by row: both would only confirm what the estimate says.
        searching = "search" in self.request.query_params
        if estimate is not None and (estimate > 10 * EXACT_COUNT_LIMIT or searching):
            return max(estimate, known_more_than + 1), False
        counted = (
            queryset.bounded_count(EXACT_COUNT_LIMIT)
            if compiled
            else bounded_count(queryset, EXACT_COUNT_LIMIT)
        )
        if counted <= EXACT_COUNT_LIMIT:
            return counted, True
        if estimate is None:
            return queryset.count(), True
        return max(estimate, counted, known_more_than + 1), False

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            "Total number of results. Exact when `count_exact` is true; for large results "
            f"(over {EXACT_COUNT_LIMIT}) on PostgreSQL, the query planner's estimate instead, "
            "so a list never counts a whole large table."
        )
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "Whether `count` is exact or an estimate.",
        }
        described["required"] = ["count", "count_exact", "results"]
        return described
