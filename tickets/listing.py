"""The ticket list's hot path: each query shape compiled to SQL once per process.

Building and compiling a Django query costs more than PostgreSQL takes to answer it, and a
list page is the same query for every visit with the same filters by the same person. So the
first request of a shape builds it the usual way (scope, filters, ordering; invalid filters are
refused there), and the SQL of its page, its bounded count and its estimate are kept; later
requests run that SQL directly and read rows as tuples, without model instances.
"""

import contextlib
import copy
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from psycopg.adapt import Loader
from psycopg.pq import ExecStatus
from psycopg.types.datetime import TimestamptzLoader

from .models import Ticket, TicketChange, display_name_of
from .serializers import iso_datetime

# The representation's columns, in the order `representation` reads them.
COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assignee_id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "requester_id",
    "requester__username",
    "requester__first_name",
    "requester__last_name",
    "created_at",
    "updated_at",
    "resolved_at",
    "version",
)
SHAPES_KEPT = 256
# The column a date range filters on: such a range's matches lie together (filters.ListHints).
RANGE_COLUMN = "created_at"
# Estimates kept per search shape, one per text searched recently.
TEXTS_KEPT = 64
# Sent in one message before a query (PostgreSQL), it holds for that query alone.
NO_SEQSCAN = "SET LOCAL enable_seqscan = off; "

User = get_user_model()


# Stands for the search text while a search shape compiles (no LIKE wildcards, no spaces).
SEARCH_PLACEHOLDER = "\ue000search\ue000"
_LIKE_PLACEHOLDER = f"%{SEARCH_PLACEHOLDER}%"
# Stand for the ids of the ranking window, and for the page's size and start in it, while a
# ranked search compiles.
_IDS_PLACEHOLDER = [-727_272_727, -1]
_LIMIT_PLACEHOLDER, _OFFSET_PLACEHOLDER = -727_272_728, -727_272_729

# A timestamptz as PostgreSQL writes it in UTC (Django sets the connection's time zone).
_UTC_TIMESTAMP = re.compile(rb"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00")


class IsoTimestampLoader(Loader):
    """Reads a timestamptz straight into the text the API shows (iso_datetime's), without
    making a datetime: '2026-11-27 13:37:32.1371+00' becomes '2026-11-27T13:37:32.137100Z'.
    Anything else (another offset, a date outside years 1-9999) goes the usual way."""

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._usual = TimestamptzLoader(oid, context)

    def load(self, data: Any) -> str | None:
        found = _UTC_TIMESTAMP.fullmatch(bytes(data))
        if found is None:
            return iso_datetime(self._usual.load(data))
        day, clock, fraction = found.groups()
        if fraction is None:
            return f"{day.decode()}T{clock.decode()}Z"
        return f"{day.decode()}T{clock.decode()}.{fraction.decode():0<6}Z"


class CompiledList:
    """One list query as SQL: its rows, a bounded count of its matches, and their estimate.

    A search shape compiles with SEARCH_PLACEHOLDER for the text; `bind` puts a request's text
    in. With `rank`, it also compiles the ranking of a window of matches by relevance; `scope`
    (the caller's visible tickets) is what the window's ids are checked against again.
    """

    def __init__(
        self,
        queryset: QuerySet,
        rank: Any = None,
        scope: QuerySet | None = None,
        *,
        narrowing: Q | None = None,
        clustered: bool = False,
    ) -> None:
        self.db = queryset.db
        self.clustered = clustered
        # Pages are read with the condition the filters imply; counts and estimates without it,
        # as the planner would take it for one more filter.
        listed = queryset.filter(narrowing) if narrowing else queryset
        self.rows_sql, self.rows_params, self.converters = _compile(listed.values_list(*COLUMNS))
        # The same rows in the same order, sorted after the filters found them: no index can
        # give this ORDER BY, so PostgreSQL cannot walk one in list order instead. Only the ids
        # are sorted, and the page's rows read by id after: a sort of whole rows (descriptions
        # and all) spills to disk from a few thousand matches on.
        ordering = self.ordering = queryset.query.order_by or queryset.model._meta.ordering
        page_sql, self.sorted_params, _ = _compile(
            listed.order_by(*map(_unindexed, ordering)).values_list("pk")
        )
        head, tail = _read_in_place_of_table(
            Ticket._base_manager.order_by(*ordering).values_list(*COLUMNS)
        )
        self.sorted_sql = (
            f'{head} FROM (SELECT * FROM "tickets_ticket" WHERE "id" IN'
            f' ({page_sql} LIMIT %s OFFSET %s)) "tickets_ticket" {tail}'
        )
        self.matches_sql, self.matches_params, _ = _compile(queryset.order_by().values("pk"))
        self.ranked = rank is not None
        if self.ranked:
            self.window_sql, self.window_params, _ = _compile(queryset.values_list("pk"))
            self.ranked_sql, self.ranked_params = _ranked(
                queryset, rank, queryset if scope is None else scope
            )
        self.vendor = connections[self.db].vendor
        self.estimates: OrderedDict[str | None, tuple[float, int]] = OrderedDict()
        self.walks: OrderedDict[tuple[str | None, int], tuple[float, Walk | None]] = OrderedDict()
        # walked_rows reads from a subquery in place of the table.
        self.rows_around_table = _around_table(self.rows_sql)
        self.text: str | None = None

    def bind(self, text: str) -> "CompiledList":
        """This search shape for one text: a copy with the text in every parameter that had the
        placeholder (as itself, or as a LIKE pattern)."""
        like = f"%{connections[self.db].ops.prep_for_like_query(text)}%"

        def put(params: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(
                text if p == SEARCH_PLACEHOLDER else like if p == _LIKE_PLACEHOLDER else p
                for p in params
            )

        bound = copy.copy(self)
        bound.text = text
        bound.rows_params, bound.matches_params = put(self.rows_params), put(self.matches_params)
        bound.sorted_params = put(self.sorted_params)
        if self.ranked:
            bound.window_params, bound.ranked_params = (
                put(self.window_params),
                put(self.ranked_params),
            )
        return bound

    def window(self, size: int) -> list[int]:
        """Ids of the first `size` matches in list order: the ones ranked by relevance."""
        rows = _fetch(self.db, f"{self.window_sql} LIMIT %s", (*self.window_params, size))
        return [row[0] for row in rows]

    def ranked_rows(self, ids: list[int], offset: int, limit: int) -> list[Any]:
        """Rows of the window `ids`, best match first."""
        values = {_LIMIT_PLACEHOLDER: limit, _OFFSET_PLACEHOLDER: offset}
        # The array's text, which PostgreSQL reads as the ids' type: the driver would write it
        # element by element, testing each for characters to quote.
        array = f"{{{','.join(map(str, ids))}}}"
        params = tuple(
            array if p == _IDS_PLACEHOLDER else values.get(p, p) if isinstance(p, int) else p
            for p in self.ranked_params
        )
        rows = _fetch(self.db, self.ranked_sql, params, shown=True, by_id=True)
        return _converted(self.db, self.converters, rows)

    def rows(self, offset: int, limit: int, *, sort: bool = False) -> list[Any]:
        """A page of rows; with `sort`, all matches are found first, through indexes, then
        sorted (PostgreSQL)."""
        if sort:
            # Where no index narrows the matches much, PostgreSQL would rather read the whole
            # table than many of its rows through one; the list never reads the whole table.
            sql = f"{NO_SEQSCAN}{self.sorted_sql}"
            params = (*self.sorted_params, limit, offset)
        else:
            sql = f"{self.rows_sql} LIMIT %s OFFSET %s"
            params = (*self.rows_params, limit, offset)
        rows = _fetch(self.db, sql, params, shown=True)
        return _converted(self.db, self.converters, rows)

    def bounded_count(self, limit: int) -> int:
        sql = f"SELECT COUNT(*) FROM ({self.matches_sql} LIMIT %s) AS matches"
        if self.vendor == "postgresql":
            # The planner expects a scan of the whole table to meet the first `limit` matches
            # early, as if they were spread evenly. When they are not (one account's many
            # recent tickets, say), that scan reads most of the table to count them.
            sql = f"{NO_SEQSCAN}{sql}"
        return _fetch(self.db, sql, (*self.matches_params, limit + 1))[0][0]

    def count(self) -> int:
        return _fetch(
            self.db, f"SELECT COUNT(*) FROM ({self.matches_sql}) AS matches", self.matches_params
        )[0][0]

    def estimate(self, ttl: float) -> int | None:
        """The planner's estimate of the matches (PostgreSQL), reused for `ttl` seconds."""
        if self.vendor != "postgresql":
            return None
        # One per text, kept with the shape for the few texts searched most recently.
        return remembered(self.estimates, self.text, ttl, self._plan_rows)

    def walk(self, offset: int, limit: int, ttl: float) -> "Walk | None":
        """How PostgreSQL plans this page if it walks an index in list order and tests each
        row against the filters, none of which bounds the walk, or if it sorts all matches
        (see `_walk_of`); None for any other plan. PostgreSQL only; the answer is reused for
        `ttl` seconds, per text and page end (a plan for page 1 may walk, page 200's sort)."""

        def plan() -> Walk | None:
            sql = f"EXPLAIN (FORMAT JSON) {self.rows_sql} LIMIT %s OFFSET %s"
            found = _fetch(self.db, sql, (*self.rows_params, limit, offset))[0][0]
            ordered_by = self.ordering[0].lstrip("-")
            # A search's matches cost more to sort than a date range's: found through the text
            # indexes and tested again row by row (99 ms against an 11 ms walk, measured).
            ranged = RANGE_COLUMN if self.clustered and self.text is None else None
            return _walk_of(found[0]["Plan"], _indexes(self.db, ttl), ordered_by, ranged)

        return remembered(self.walks, (self.text, offset + limit), ttl, plan)

    def walked_rows(self, walk: "Walk", offset: int, limit: int, budget: int) -> list[Any] | None:
        """A page of rows found among the first `budget` rows of the plan's walk; None if they
        hold fewer than `limit` rows from `offset` (the page may lie further on, or be the
        last)."""
        head, tail = self.rows_around_table
        sql = f'{head} FROM ({walk.first}) "tickets_ticket" {tail} LIMIT %s OFFSET %s'
        rows = _fetch(self.db, sql, (budget, *self.rows_params, limit, offset), shown=True)
        return _converted(self.db, self.converters, rows) if len(rows) == limit else None

    def _plan_rows(self) -> int:
        plan = _fetch(self.db, f"EXPLAIN (FORMAT JSON) {self.matches_sql}", self.matches_params)
        return int(plan[0][0][0]["Plan"]["Plan Rows"])


def _ranked(queryset: QuerySet, rank: Any, scope: QuerySet) -> tuple[str, tuple[Any, ...]]:
    """SQL of one page of the window's tickets, best match first, with their rank.

    The window's ids were just found by every filter of `queryset`, so only the caller's scope
    is checked again (a ticket deleted since drops out); testing the search text again would
    cost more than all the rest. The page is chosen among the window's tickets in a subquery,
    so that their people are joined for its few rows only, and planned for one table.
    """
    ordering = ["-search_rank", *(queryset.query.order_by or queryset.model._meta.ordering)]
    in_window = RawSQL('"tickets_ticket"."id" = ANY(%s)', (_IDS_PLACEHOLDER,), BooleanField())
    fields = [field.attname for field in Ticket._meta.concrete_fields]
    page_sql, page_params, _ = _compile(
        scope.filter(Q(in_window))
        .annotate(search_rank=rank)
        .order_by(*ordering)
        .values_list(*fields, "search_rank")
    )
    # The same columns, read from the page instead of the table.
    head, tail = _read_in_place_of_table(
        Ticket._base_manager.annotate(
            search_rank=RawSQL('"tickets_ticket"."search_rank"', (), FloatField())
        )
        .order_by(*ordering)
        .values_list(*COLUMNS, "search_rank")
    )
    sql = f'{head} FROM ({page_sql} LIMIT %s OFFSET %s) "tickets_ticket" {tail}'
    return sql, (*page_params, _LIMIT_PLACEHOLDER, _OFFSET_PLACEHOLDER)


def _around_table(sql: str) -> tuple[str, str]:
    """A statement's SQL before and after `FROM "tickets_ticket"`, so that a subquery can
    stand in for the table; no parameter may come before it."""
    head, table, tail = sql.partition(' FROM "tickets_ticket" ')
    assert table and ' FROM "tickets_ticket" ' not in tail and "%s" not in head, sql
    return head, tail


def _read_in_place_of_table(query: QuerySet) -> tuple[str, str]:
    """The SQL of `query`, which takes no parameters, around its table (`_around_table`): to read
    its columns, joins and order from a subquery of tickets instead."""
    sql, params, _ = _compile(query)
    assert not params, sql
    return _around_table(sql)


class Index(NamedTuple):
    """What a walk of one of the tickets' indexes reads, as SQL: its ORDER BY forward and
    backward and its partial index predicate; whether it is in about the order of the rows in
    the table, and whether its first column holds only a few values, GROUPED_VALUES at most
    (both by the statistics of its first column)."""

    forward: str
    backward: str
    predicate: str
    in_table_order: bool
    grouped: bool = False


class Walk(NamedTuple):
    """How a plan reads a page (`_walk_of`): a walk of an index, SCATTERED, GROUPED or
    IN_TABLE_ORDER, with a subquery of the rows it reads, in its order, as many as its
    parameter says (empty if unknown); or SORTS, a sort of all matches (no subquery)."""

    kind: str
    first: str


SCATTERED, GROUPED, IN_TABLE_ORDER, SORTS = "scattered", "grouped", "in table order", "sorts"
# An index whose first column holds no more values than this (status, priority) keeps each
# value's tickets in id order: a walk of it reads the table page after page within each value.
GROUPED_VALUES = 10
_indexes_read: OrderedDict[str, tuple[float, dict[str, Index]]] = OrderedDict()


def _indexes(db: str, ttl: float) -> dict[str, Index]:
    """The tickets' plain indexes by name, read from the catalog again after `ttl` seconds."""
    return remembered(_indexes_read, db, ttl, lambda: _read_indexes(db))


def _read_indexes(db: str) -> dict[str, Index]:
    rows = _fetch(
        db,
        """
        SELECT i.relname, x.indnatts, array_agg(a.attname ORDER BY k.n),
            array_agg((x.indoption[k.n - 1] & 1) = 1 ORDER BY k.n),
            pg_get_expr(x.indpred, x.indrelid),
            coalesce(abs(max(s.correlation) FILTER (WHERE k.n = 1)), 0) >= 0.5,
            coalesce(max(s.n_distinct) FILTER (WHERE k.n = 1), 0) BETWEEN 1 AND %s
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
        LEFT JOIN pg_stats s ON s.schemaname = current_schema()
            AND s.tablename = %s AND s.attname = a.attname
        WHERE x.indrelid = %s::regclass
        GROUP BY i.relname, x.indnatts, x.indpred, x.indrelid
        """,
        (GROUPED_VALUES, Ticket._meta.db_table, Ticket._meta.db_table),
    )
    indexes = {}
    for name, columns, names, descending, predicate, in_table_order, grouped in rows:
        if len(names) != columns:
            continue  # an expression index
        ways = [("DESC", "ASC") if desc else ("ASC", "DESC") for desc in descending]
        indexes[name] = Index(
            ", ".join(f'"{n}" {way[0]}' for n, way in zip(names, ways, strict=True)),
            ", ".join(f'"{n}" {way[1]}' for n, way in zip(names, ways, strict=True)),
            predicate or "true",
            in_table_order,
            grouped,
        )
    return indexes


def remembered(
    store: OrderedDict[Any, tuple[float, Any]],
    key: Hashable,
    ttl: float,
    make: Callable[[], Any],
    keep: int = TEXTS_KEPT,
) -> Any:
    """`make()`, kept in `store` under `key` and reused for `ttl` seconds; the store holds the
    `keep` most recently made."""
    now = time.monotonic()
    found = store.get(key)
    if found is None or now - found[0] >= ttl:
        found = store[key] = (now, make())
        store.move_to_end(key)
        while len(store) > keep:
            store.popitem(last=False)
    return found[1]


def _plan_nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    nodes, pending = [], [plan]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending += node.get("Plans", [])
    return nodes


def _walk_of(
    plan: dict[str, Any], indexes: dict[str, Index], ordered_by: str, ranged: str | None = None
) -> Walk | None:
    """Whether a plan reads the tickets in list order from an index (no sort) and filters them
    row by row, with no index condition to skip non-matches: IN_TABLE_ORDER if the index is
    in about the order of the rows in the table, which it then reads page after page, GROUPED
    if it reads it page after page within each of a few values of its first column, SCATTERED
    if the walk jumps about the table; SORTS if it sorts the matches by the list's
    first ordering column `ordered_by`; None for any other plan.

    When the filters keep a range of column `ranged` (a date range: its matches lie together),
    an index condition that does not bound that column does not keep the walk from crossing
    most of the table to reach them: `priority_rank = ANY (...)` walks every ticket of those
    priorities, `updated_at >= ...` (filters.ListHints) every one updated since. Such a walk
    has no `first`: its rows are not the first ones of its index."""
    nodes = _plan_nodes(plan)
    if any(node["Node Type"] == "Incremental Sort" for node in nodes):
        return None
    if any(_sorts_by(node, ordered_by) for node in nodes):
        return Walk(SORTS, "")
    if any(node["Node Type"] == "Sort" for node in nodes):
        return None
    for node in nodes:
        if (
            node["Node Type"] in ("Index Scan", "Index Only Scan")
            and node.get("Relation Name") == Ticket._meta.db_table
            and "Filter" in node
        ):
            condition = node.get("Index Cond")
            if condition is not None and (ranged is None or _mentions(condition, ranged)):
                continue
            index = indexes.get(node.get("Index Name", ""))
            if index is None:
                return Walk(SCATTERED, "")
            order = index.backward if node.get("Scan Direction") == "Backward" else index.forward
            # A LIMIT the planner cannot read: it plans for a tenth of the rows, so for a walk
            # of the index that stops early, never for a sort of the whole table.
            first = (
                f'SELECT * FROM "tickets_ticket" WHERE {index.predicate}'
                f" ORDER BY {order} LIMIT (SELECT %s)"
            )
            kind = (
                IN_TABLE_ORDER if index.in_table_order else GROUPED if index.grouped else SCATTERED
            )
            return Walk(kind, "" if condition is not None else first)
    return None


def _sorts_by(node: dict[str, Any], column: str) -> bool:
    """Whether a plan node sorts tickets by `column` first (not, say, by a join's key)."""
    keys = node.get("Sort Key") if node["Node Type"] == "Sort" else None
    first = rf"(tickets_ticket\w*\.)?{re.escape(column)}( .*)?"
    return bool(keys) and re.fullmatch(first, keys[0]) is not None


def _mentions(condition: str, column: str) -> bool:
    """Whether a plan's condition tests `column` (of the tickets)."""
    return (
        re.search(rf"(?<![\w.])(tickets_ticket\w*\.)?{re.escape(column)}\b", condition) is not None
    )


def _unindexed(term: str) -> Any:
    """An ordering term as an expression that sorts the same but that no index matches."""
    name = term.lstrip("-")
    expression = Coalesce(F(name), F(name))
    return expression.desc() if term.startswith("-") else expression.asc()


def _compile(queryset: QuerySet) -> tuple[str, tuple[Any, ...], list[Any]]:
    """SQL, parameters and the backend's value converters of a values_list query."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    return sql, tuple(params), list(compiler.get_converters(selected).items())


class CompiledTicket:
    """One ticket by id within a scope, as SQL: the id is the only parameter that changes."""

    # Stands for the id while compiling, to find where the id goes among the parameters.
    PLACEHOLDER = -727_272_727

    def __init__(self, scope: QuerySet) -> None:
        self._compile(scope.order_by().filter(pk=self.PLACEHOLDER).values_list(*COLUMNS))

    def _compile(self, query: QuerySet) -> None:
        """Keeps the SQL of `query`, filtered on pk=PLACEHOLDER, for any id."""
        self.db = query.db
        self.sql, params, self.converters = _compile(query)
        self.params = list(params)
        [self.position] = [i for i, p in enumerate(self.params) if p == self.PLACEHOLDER]

    def get(self, pk: int) -> list[Any] | None:
        """The row of ticket `pk`, its times as the API shows them (see `representation`)."""
        return self._get(pk, shown=True)

    def _get(self, pk: int, *, shown: bool) -> list[Any] | None:
        params = self.params.copy()
        params[self.position] = pk
        found = _fetch(self.db, self.sql, tuple(params), shown=shown, by_id=True)
        return _converted(self.db, self.converters, found)[0] if found else None


class LockedRow(CompiledTicket):
    """`columns` of one ticket by id within `tickets`, locked for the transaction."""

    def __init__(self, tickets: QuerySet, columns: Sequence[str]) -> None:
        query = (
            tickets.select_for_update(of=("self",))
            .order_by()
            .filter(pk=self.PLACEHOLDER)
            .values_list(*columns)
        )
        with transaction.atomic(using=tickets.db):  # FOR UPDATE compiles inside one only
            self._compile(query)


class CompiledLock(LockedRow):
    """One ticket by id within a scope, locked for the transaction, as a model instance with
    its assignee and requester (their names only), like the ORM's select_related would give."""

    USER_FIELDS = ("id", "username", "first_name", "last_name")

    def __init__(self, tickets: QuerySet) -> None:
        self.ticket_fields = [field.attname for field in Ticket._meta.concrete_fields]
        people = [
            f"{role}__{name}" for role in ("assignee", "requester") for name in self.USER_FIELDS
        ]
        super().__init__(tickets, [*self.ticket_fields, *people])

    def get(self, pk: int) -> Ticket | None:  # type: ignore[override]
        row = self._get(pk, shown=False)
        if row is None:
            return None
        n, size = len(self.ticket_fields), len(self.USER_FIELDS)
        ticket = Ticket.from_db(self.db, self.ticket_fields, row[:n])
        assignee, requester = row[n : n + size], row[n + size : n + 2 * size]
        ticket.assignee = (
            None if assignee[0] is None else User.from_db(self.db, self.USER_FIELDS, assignee)
        )
        ticket.requester = User.from_db(self.db, self.USER_FIELDS, requester)
        return ticket


class CompiledUpdate:
    """A change of some of one ticket's fields, within a scope, as one statement (PostgreSQL).

    The statement locks the ticket, writes the fields whose value differs with a new version
    and `updated_at`, adds one history entry per such field (in the order of `fields`), and
    reads the ticket back as `CompiledTicket.get` does: written, or as it was when no value
    differs. One round trip, in autocommit, where a transaction takes four (BEGIN, the locked
    read, the write, COMMIT). It finds nothing when the ticket is not in the scope or not at
    the expected version; the caller then decides the usual way.
    """

    def __init__(
        self, tickets: QuerySet, scope: QuerySet, fields: tuple[str, ...], versioned: bool
    ) -> None:
        self.db = tickets.db
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table = quote(Ticket._meta.db_table)
        stored = [f.column for f in Ticket._meta.concrete_fields]
        columns = ", ".join(map(quote, stored))
        lock = LockedRow(tickets, [f.attname for f in Ticket._meta.concrete_fields])
        read = CompiledTicket(scope)
        head, tail = _around_table(read.sql)
        changed = [Ticket._meta.get_field(name) for name in fields]
        names = [quote(f.column) for f in changed]
        sets = [f"{name} = proposed.{name}" for name in names]
        self.resolves = "status" in fields
        if self.resolves:
            sets.append(f"{quote('resolved_at')} = {_RESOLVED_AT}")
        version = quote("version")
        at_version = f" AND locked.{version} = %s" if versioned else ""
        differs = " OR ".join(f"locked.{name} IS DISTINCT FROM proposed.{name}" for name in names)
        entries = ", ".join(
            f"({n}, '{f.name}', to_jsonb(locked.{name}), to_jsonb(proposed.{name}))"
            for n, (f, name) in enumerate(zip(changed, names, strict=True))
        )
        entry = TicketChange._meta
        entry_columns = ", ".join(
            quote(entry.get_field(name).column)
            for name in (
                "ticket", "actor", "created_at", "action", "field", "old_value", "new_value",
                "internal",
            )
        )  # fmt: skip
        pk = quote(Ticket._meta.pk.column)
        self.sql = (
            f"WITH locked ({columns}) AS ({lock.sql}),"
            f" proposed ({', '.join(names)}) AS (VALUES ("
            + ", ".join(f"%s::{f.db_type(connection)}" for f in changed)
            + ")),"
            f" written AS (UPDATE {table} SET {', '.join(sets)},"
            f" {version} = locked.{version} + 1, {quote('updated_at')} = %s"
            f" FROM locked, proposed WHERE {table}.{pk} = locked.{pk}{at_version}"
            f" AND ({differs})"
            f" RETURNING {', '.join(f'{table}.{quote(column)}' for column in stored)}),"
            f" entries AS (INSERT INTO {quote(entry.db_table)} ({entry_columns})"
            f" SELECT written.{pk}, %s, written.{quote('updated_at')}, 'changed',"
            " entry.field, entry.old, entry.new, false"
            " FROM written, locked, proposed,"
            f" LATERAL (VALUES {entries}) AS entry (n, field, old, new)"
            " WHERE entry.old IS DISTINCT FROM entry.new ORDER BY entry.n)"
            f" {head} FROM (SELECT {columns} FROM written UNION ALL SELECT {columns} FROM locked"
            f" WHERE NOT EXISTS (SELECT FROM written){at_version}) AS {table} {tail}"
        )
        self.lock_params, self.lock_position = lock.params, lock.position
        self.read_params, self.read_position = read.params, read.position
        self.versioned = versioned

    def run(
        self, pk: int, values: Sequence[Any], *, actor: int, now: Any, version: int | None
    ) -> list[Any] | None:
        """The row of ticket `pk` (as `representation` reads it) after writing `values`, of
        `fields` in their order, as `actor` at `now`; None if the scope has no such ticket, or
        not at `version` (when versioned)."""
        lock = self.lock_params.copy()
        lock[self.lock_position] = pk
        read = self.read_params.copy()
        read[self.read_position] = pk
        checked = [version] if self.versioned else []
        resolved = [now] if self.resolves else []
        params = (*lock, *values, *resolved, now, *checked, actor, *checked, *read)
        rows = _fetch(self.db, self.sql, params, shown=True, by_id=True)
        return rows[0] if rows else None


# Ticket.resolved_at on a change of status, as services._resolved_at_for decides it: set when
# the ticket becomes resolved or closed, kept while it stays so, cleared when it reopens.
_DONE = ", ".join(f"'{status.value}'" for status in sorted(Ticket.DONE_STATUSES))
_RESOLVED_AT = (
    "CASE WHEN locked.status IS NOT DISTINCT FROM proposed.status THEN locked.resolved_at"
    f" WHEN proposed.status NOT IN ({_DONE}) THEN NULL"
    f" WHEN locked.status IN ({_DONE}) AND locked.resolved_at IS NOT NULL"
    " THEN locked.resolved_at ELSE %s END"
)


def planned_once(db: str) -> Any:
    """A cursor for statements whose best plan does not depend on their parameters: PostgreSQL
    plans them once per connection where the settings allow (DB_PREPARED_STATEMENTS)."""
    connection = connections[db]
    if hasattr(connection, "plan_keeping_cursor"):
        return connection.plan_keeping_cursor()
    return connection.cursor()


def _fetch(
    db: str, sql: str, params: Any, *, shown: bool = False, by_id: bool = False
) -> list[tuple[Any, ...]]:
    """The rows of `sql`; `shown` reads PostgreSQL's times as the API's text, not datetimes;
    `by_id` says that `sql` finds its rows by id, so its plan may be kept (`planned_once`)."""
    connection = connections[db]
    with planned_once(db) if by_id else connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if shown and postgresql:
            cursor.cursor.adapters.register_loader("timestamptz", IsoTimestampLoader)
        cursor.execute(sql, params)
        # Past the results of statements that come before the query (`SET LOCAL`), told by
        # their status: `description` would describe every column again on each call.
        while (
            postgresql
            and cursor.cursor.pgresult.status != ExecStatus.TUPLES_OK
            and cursor.nextset()
        ):
            pass
        return cursor.fetchall()


def _converted(db: str, converters: list[Any], rows: list[Any]) -> list[Any]:
    """Rows with the backend's conversions applied (none on PostgreSQL; SQLite's datetimes, for
    one, arrive as naive values)."""
    if not converters:
        return rows
    connection = connections[db]
    rows = [list(row) for row in rows]
    for row in rows:
        for position, (functions, expression) in converters:
            for function in functions:
                row[position] = function(row[position], expression, connection)
    return rows


_shapes: OrderedDict[Hashable, Any] = OrderedDict()
_shapes_lock = threading.Lock()


def compiled(
    key: Hashable,
    build: Callable[[], tuple[QuerySet, Any]],
    scope: Callable[[], QuerySet],
    rank: Callable[[], Any] | None = None,
) -> CompiledList:
    """The compiled list for key, made the first time from `build()` (the filtered tickets and
    what their filters tell, filters.ListHints), `rank()` and the caller's `scope()`."""

    def make() -> CompiledList:
        queryset, hints = build()
        return CompiledList(
            queryset,
            rank() if rank else None,
            scope(),
            narrowing=hints.narrowing,
            clustered=hints.clustered,
        )

    return _kept(("list", key), make)


def compiled_ticket(key: Hashable, scope: Callable[[], QuerySet]) -> CompiledTicket:
    """The compiled single-ticket read for key (the caller's scope), made on first use."""
    return _kept(("one", key), lambda: CompiledTicket(scope()))


def compiled_lock(key: Hashable, tickets: Callable[[], QuerySet]) -> CompiledLock:
    """The compiled locked read of one ticket for key (the caller's scope), made on first use."""
    return _kept(("lock", key), lambda: CompiledLock(tickets()))


def compiled_update(
    key: Hashable,
    tickets: Callable[[], QuerySet],
    scope: Callable[[], QuerySet],
    fields: tuple[str, ...],
    versioned: bool,
) -> CompiledUpdate:
    """The compiled one-statement change of `fields` for key (the caller's scope), with or
    without a version to match, made on first use."""
    return _kept(
        ("update", key, fields, versioned),
        lambda: CompiledUpdate(tickets(), scope(), fields, versioned),
    )


def _kept(key: Hashable, make: Callable[[], Any]) -> Any:
    """What is kept under key, made first if missing; the least recently used go first."""
    found = _shapes.get(key)
    if found is not None:
        with contextlib.suppress(KeyError):  # dropped by another thread just now
            _shapes.move_to_end(key)
        return found
    made = make()
    with _shapes_lock:  # gunicorn may run several threads per worker
        _shapes[key] = made
        _shapes.move_to_end(key)
        while len(_shapes) > SHAPES_KEPT:
            _shapes.popitem(last=False)
    return made


def representation(row: Sequence[Any]) -> dict[str, Any]:
    """A row of COLUMNS as the API shows a ticket (the same as TicketSerializer's output).

    Its times come as the API's text from PostgreSQL (IsoTimestampLoader), as datetimes from
    SQLite.
    """
    return {
        "id": row[0],
        "title": row[1],
        "description": row[2],
        "status": row[3],
        "priority": row[4],
        "assignee": row[5],
        "assignee_name": None if row[5] is None else display_name_of(row[6], row[7], row[8]),
        "requester": row[9],
        "requester_name": display_name_of(row[10], row[11], row[12]),
        "created_at": _shown_time(row[13]),
        "updated_at": _shown_time(row[14]),
        "resolved_at": _shown_time(row[15]),
        "version": row[16],
    }


def _shown_time(value: Any) -> str | None:
    return value if isinstance(value, str) else iso_datetime(value)
