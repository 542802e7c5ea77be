"""The raw baseline: the ticket API's benchmarked requests with no framework at all.

A plain WSGI callable, psycopg 3 (one connection per worker, autocommit) and orjson. As in the
service, statements that find tickets by id are prepared, so PostgreSQL plans each once per
connection, and list and search statements are planned for their values on every call. It
answers the same requests as the service with the same JSON (same fields, page size, count
rule, search matching and ranking, history rows written), so `service / raw` measures what the
framework and the service's own code cost on top of the database. bench/run checks that both
answer alike before measuring.

Covered: token authentication (read per request), `GET /api/tickets` with `status`,
`priority`, `search`, `ordering`, `page`, `page_size`; `GET /api/tickets/{id}`;
`POST /api/tickets`; `PATCH /api/tickets/{id}` of title, description, status and priority. List
answers link their next and previous pages with a cursor of this app's own (base64 of JSON: the
row's keyset values, or its place among a search's ranked matches), and a request carrying one
is a keyset read, `WHERE (created_at, id) < (...) ORDER BY created_at DESC, id DESC LIMIT n+1`
or its like for the list's ordering. Anything else is 404.
"""

import base64
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlencode

import orjson
import psycopg

DATABASE_URL = os.environ["DATABASE_URL"]
PAGE_SIZE, MAX_PAGE_SIZE = 25, 100
EXACT_COUNT_LIMIT, RANK_WINDOW = 1000, 100
MAX_PAGE_DEPTH = 10_000  # page=N only while N * page_size stays within it; then cursors
ESTIMATE_TTL = 30  # seconds, as the service's ESTIMATE_TTL_SECONDS
STATUSES = ["new", "in_progress", "on_hold", "resolved", "closed"]
PRIORITIES = ["low", "medium", "high", "critical"]
MAX_ID = 2**63 - 1

COLUMNS = """
    t.id, t.title, t.description, t.status, t.priority, t.assignee_id,
    CASE WHEN a.id IS NULL THEN NULL
         ELSE COALESCE(NULLIF(TRIM(a.first_name || ' ' || a.last_name), ''), a.username) END,
    t.requester_id,
    COALESCE(NULLIF(TRIM(r.first_name || ' ' || r.last_name), ''), r.username),
    t.created_at, t.updated_at, t.resolved_at, t.version
"""
JOINS = """
    LEFT JOIN auth_user a ON a.id = t.assignee_id
    JOIN auth_user r ON r.id = t.requester_id
"""
KEYS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assignee",
    "assignee_name",
    "requester",
    "requester_name",
    "created_at",
    "updated_at",
    "resolved_at",
    "version",
)
ORDER_COLUMNS = {
    "id": "t.id",
    "title": "t.title",
    "status": "t.status_rank",
    "priority": "t.priority_rank",
    "created_at": "t.created_at",
    "updated_at": "t.updated_at",
}
CASTS = {
    "t.id": "bigint",
    "t.title": "text",
    "t.status_rank": "integer",
    "t.priority_rank": "integer",
    "t.created_at": "timestamptz",
    "t.updated_at": "timestamptz",
}
TICKET_PATH = re.compile(r"^/api/tickets/?$")
DETAIL_PATH = re.compile(r"^/api/tickets/(\d{1,18})/?$")
TSQUERY = "websearch_to_tsquery('russian'::regconfig, %s)"
JSON_OPTIONS = orjson.OPT_UTC_Z

Response = tuple[str, list[tuple[str, str]], bytes]


class HttpError(Exception):
    def __init__(self, status: str, detail: Any) -> None:
        super().__init__(status)
        self.status, self.body = status, detail if isinstance(detail, dict) else {"detail": detail}


class Database:
    """This worker's one connection, opened after the fork and reopened if it breaks."""

    def __init__(self) -> None:
        self.connection: psycopg.Connection | None = None

    def get(self) -> psycopg.Connection:
        if self.connection is None or self.connection.closed:
            self.connection = psycopg.connect(DATABASE_URL, autocommit=True)
            self.connection.execute("SET TIME ZONE 'UTC'")
        return self.connection

    def user(self, authorization: str) -> tuple[int, bool]:
        """(user id, is agent) for a token, read on every request as the service does (a
        revoked token or a deactivated user is refused at once)."""
        scheme, _, key = authorization.partition(" ")
        if scheme != "Token" or not key:
            raise HttpError("401 Unauthorized", "Authentication credentials were not provided.")
        row = (
            self.get()
            .execute(
                "SELECT u.id, u.is_staff OR u.is_superuser FROM authtoken_token k"
                " JOIN auth_user u ON u.id = k.user_id WHERE k.key = %s AND u.is_active",
                [key],
                prepare=True,
            )
            .fetchone()
        )
        if row is None:
            raise HttpError("401 Unauthorized", "Invalid token.")
        return row[0], row[1]


db = Database()


def one_row(cursor: psycopg.Cursor[Any]) -> tuple[Any, ...]:
    """The row of a statement that always returns one (an aggregate, SHOW, RETURNING)."""
    row = cursor.fetchone()
    assert row is not None
    return row


def ticket(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(KEYS, row, strict=True))


def like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def visible(user: tuple[int, bool]) -> tuple[list[str], list[Any]]:
    where, args = ["t.deleted_at IS NULL"], []
    if not user[1]:
        where.append("t.requester_id = %s")
        args.append(user[0])
    return where, args


def list_tickets(environ: dict[str, Any], user: tuple[int, bool]) -> Response:
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    where, args = visible(user)
    for name, choices in (("status", STATUSES), ("priority", PRIORITIES)):
        if query.get(name):
            # One IN on the rank column, as the service filters: the planner's estimate, and
            # so `count`, must come out as the service's.
            ranks = sorted({choices.index(value) for value in query[name] if value in choices})
            where.append(f"t.{name}_rank IN ({', '.join(['%s'] * len(ranks))})")
            args += ranks
    text = query.get("search", [""])[-1].strip()
    number = text.lstrip("#")
    numeric = number.isdigit() and int(number) <= MAX_ID
    if text:
        # The service's generated columns (migrations 0005 and 0008).
        match = [
            "(strpos(t.search_text, lower(%s)) <> 0 AND t.search_text LIKE lower(%s) ESCAPE '\\')",
            f"t.search_vector @@ {TSQUERY}",
        ]
        args += [text, like(text), text]
        if numeric:
            match.append("t.id = %s")
            args.append(int(number))
        where.append(f"({' OR '.join(match)})")
    order = ordering_of(query)
    try:
        page = int(query.get("page", ["1"])[-1])
        size = min(int(query.get("page_size", [str(PAGE_SIZE)])[-1]), MAX_PAGE_SIZE)
        assert page >= 1 and size >= 1
    except (ValueError, AssertionError):
        raise HttpError("400 Bad Request", {"page": ["Enter a whole number from 1."]}) from None
    cursor = decode_cursor(query["cursor"][-1]) if query.get("cursor") else None
    if cursor is None and page * size > MAX_PAGE_DEPTH:
        raise HttpError("400 Bad Request", {"page": ["Follow the next link to go deeper."]})

    list_ = Listing(db.get(), " AND ".join(where), args, size)
    offset = 0 if cursor else (page - 1) * size
    if text and "ordering" not in query:
        list_.search(text, number if numeric else None, cursor, offset)
    else:
        list_.plain(order, cursor, offset)

    rows, positions = list_.rows, list_.positions
    if not rows and page > 1 and cursor is None:
        raise HttpError("400 Bad Request", {"page": [f"There is no page {page}."]})
    if list_.window_size is not None and list_.window_size < RANK_WINDOW:
        count, exact = list_.window_size, True  # every match is in the window
    elif list_.has_next or cursor:
        count, exact = total(
            list_.conn,
            list_.condition,
            args,
            known_more_than=offset + size if list_.has_next else 0,
            searching=bool(text),
        )
    else:
        count, exact = offset + len(rows), True
    body = {
        "count": count,
        "count_exact": exact,
        "next": link(environ, query, "n", positions[-1]) if list_.has_next else None,
        "previous": link(environ, query, "p", positions[0]) if list_.has_previous else None,
        "results": [ticket(row) for row in rows],
    }
    return "200 OK", [], orjson.dumps(body, option=JSON_OPTIONS)


def ordering_of(query: dict[str, list[str]]) -> list[tuple[str, bool]]:
    """(column, descending) of the list's order: the ordering key plus id the same way."""
    order = []
    for term in ",".join(query.get("ordering", [])).split(","):
        name = term.strip().lstrip("-")
        if name in ORDER_COLUMNS:
            order.append((ORDER_COLUMNS[name], term.strip().startswith("-")))
    if not order:
        return [("t.created_at", True), ("t.id", True)]
    if not any(column == "t.id" for column, _ in order):
        order.append(("t.id", order[-1][1]))
    return order


def encode_cursor(direction: str, position: Any) -> str:
    """This app's cursor: which way, and the row's keyset values or its place in the ranked
    window, as base64 of JSON (the service's tokens look different, which is allowed)."""
    data = orjson.dumps({"d": direction, "p": position}, option=JSON_OPTIONS)
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode_cursor(token: str) -> dict[str, Any]:
    """A cursor of encode_cursor's; anything else is answered as DRF answers a bad cursor."""
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        assert data["d"] in ("n", "p") and isinstance(data["p"], int | list)
    except (ValueError, TypeError, KeyError, AssertionError, orjson.JSONDecodeError):
        raise HttpError("404 Not Found", "Invalid cursor") from None
    return data


class Listing:
    """One page of a list: its rows, where each lies (for the links), and whether there are
    rows before and after it."""

    def __init__(
        self, conn: psycopg.Connection, condition: str, args: list[Any], size: int
    ) -> None:
        self.conn, self.condition, self.args, self.size = conn, condition, args, size
        self.rows: list[tuple[Any, ...]] = []
        self.positions: list[Any] = []
        self.has_next = self.has_previous = False
        self.window_size: int | None = None

    def keyset(
        self,
        order: list[tuple[str, bool]],
        after: list[Any] | None,
        backwards: bool,
        limit: int,
        *,
        offset: int = 0,
        extra: str = "",
        extra_args: list[Any] | None = None,
    ) -> list[tuple[list[Any], tuple[Any, ...]]]:
        """(keyset values, row) of up to `limit` rows in `order` (reversed if `backwards`)
        after the row with the `after` values, one statement as the raw app's reads are."""
        descending = order[0][1] != backwards
        columns = ", ".join(column for column, _ in order)
        where, args = self.condition + extra, [*self.args, *(extra_args or [])]
        if after is not None:
            marks = ", ".join(f"%s::{CASTS[column]}" for column, _ in order)
            keys = ", ".join(column for column, _ in order)
            where += f" AND ({keys}) {'<' if descending else '>'} ({marks})"
            args += after
        sort = ", ".join(f"{column} {'DESC' if descending else 'ASC'}" for column, _ in order)
        found = self.conn.execute(
            f"SELECT {COLUMNS}, {columns} FROM tickets_ticket t {JOINS} WHERE {where}"
            f" ORDER BY {sort} LIMIT %s OFFSET %s",
            [*args, limit, offset],
            prepare=False,
        ).fetchall()
        return [(list(row[len(KEYS) :]), row[: len(KEYS)]) for row in found]

    def plain(
        self, order: list[tuple[str, bool]], cursor: dict[str, Any] | None, offset: int
    ) -> None:
        """A page in `order`: after (or before) a cursor's row, or at `offset`."""
        if len({descending for _, descending in order}) > 1:
            raise HttpError("400 Bad Request", {"ordering": ["One direction only."]})
        if cursor is not None and not (
            isinstance(cursor["p"], list) and len(cursor["p"]) == len(order)
        ):
            raise HttpError("404 Not Found", "Invalid cursor")
        backwards = cursor is not None and cursor["d"] == "p"
        found = self.keyset(
            order, cursor["p"] if cursor else None, backwards, self.size + 1, offset=offset
        )
        more = len(found) > self.size
        found = found[: self.size]
        if backwards:
            found.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_next, self.has_previous = more, cursor is not None or offset > 0
        self.positions = [key for key, _ in found]
        self.rows = [row for _, row in found]

    def window(self) -> list[tuple[int, Any]]:
        """(id, created_at) of the newest RANK_WINDOW matches, which a search ranks."""
        found = self.conn.execute(
            f"SELECT t.id, t.created_at FROM tickets_ticket t WHERE {self.condition}"
            f" ORDER BY t.created_at DESC, t.id DESC LIMIT {RANK_WINDOW}",
            self.args,
            prepare=False,
        ).fetchall()
        self.window_size = len(found)
        return found

    def ranked(
        self, window: list[tuple[int, Any]], text: str, number: str | None, start: int, end: int
    ) -> list[tuple[Any, tuple[Any, ...]]]:
        """(place, row) of the window's tickets ranked `start` to `end` (exclusive)."""
        if start >= min(end, len(window)):
            return []
        rank = "CASE WHEN t.title ILIKE %s ESCAPE '\\' THEN 10.0 ELSE 0.0 END"
        rank_args: list[Any] = [like(text)]
        if number is not None:
            rank = f"CASE WHEN t.id = %s THEN 100.0 ELSE ({rank}) END"
            rank_args.insert(0, int(number))
        rank = f"({rank}) + ts_rank_cd(t.search_vector, {TSQUERY})"
        rank_args.append(text)
        # The page is chosen among the window's tickets before their people are joined.
        page_sql = (
            f"SELECT t.*, {rank} AS search_rank FROM tickets_ticket t WHERE t.id = ANY(%s)"
            " ORDER BY search_rank DESC, t.created_at DESC, t.id DESC LIMIT %s OFFSET %s"
        )
        rows = self.conn.execute(
            f"SELECT {COLUMNS} FROM ({page_sql}) t {JOINS}"
            " ORDER BY t.search_rank DESC, t.created_at DESC, t.id DESC",
            # The array as text, as the service sends it.
            [*rank_args, f"{{{','.join(str(w[0]) for w in window)}}}", end - start, start],
            prepare=True,
        ).fetchall()
        return list(enumerate(rows, start))

    def search(
        self, text: str, number: str | None, cursor: dict[str, Any] | None, offset: int
    ) -> None:
        """Like the service: the newest RANK_WINDOW matches ranked by relevance, then the rest
        newest first. A row's place is its rank in the window or, after it, its keyset values."""
        newest = [("t.created_at", True), ("t.id", True)]
        limit = self.size + 1
        found: list[tuple[Any, tuple[Any, ...]]]
        if cursor is not None and cursor["d"] == "n" and isinstance(cursor["p"], list):
            # Past the window: a keyset read, no window needed.
            found = self.keyset(newest, cursor["p"], False, limit)
            self.has_previous = True
        elif cursor is not None and cursor["d"] == "p":
            window = self.window()
            if isinstance(cursor["p"], list):
                bound = list(window[-1][::-1]) if len(window) == RANK_WINDOW else None
                extra, extra_args = "", []
                if bound is not None:
                    extra = " AND (t.created_at, t.id) < (%s::timestamptz, %s::bigint)"
                    extra_args = bound
                rest = self.keyset(
                    newest, cursor["p"], True, limit, extra=extra, extra_args=extra_args
                )[::-1]
                end = len(window)
            else:
                rest, end = [], cursor["p"]
            wanted = max(0, limit - len(rest))
            head = self.ranked(window, text, number, max(0, end - wanted), end)
            found = [*head, *rest][-limit:]
            more = len(found) > self.size
            found = found[-self.size :] if more else found
            self.positions = [place for place, _ in found]
            self.rows = [row for _, row in found]
            self.has_previous, self.has_next = more, True
            return
        else:
            window = self.window()
            start = cursor["p"] + 1 if cursor is not None else offset
            found = self.ranked(window, text, number, start, start + limit)
            if len(window) == RANK_WINDOW and len(found) < limit:
                if start <= len(window):
                    bound = list(window[-1][::-1])
                    found += self.keyset(newest, bound, False, limit - len(found))
                else:
                    found += self.keyset(newest, None, False, limit, offset=start)
            self.has_previous = cursor is not None or offset > 0
        self.has_next = len(found) > self.size
        found = found[: self.size]
        self.positions = [place for place, _ in found]
        self.rows = [row for _, row in found]


estimates: dict[tuple[str, tuple[Any, ...]], tuple[float, int]] = {}


def total(
    conn: psycopg.Connection,
    condition: str,
    args: list[Any],
    *,
    known_more_than: int,
    searching: bool,
) -> tuple[int, bool]:
    """The service's rule: the planner's estimate when far above the bound or searching, else
    an exact count up to EXACT_COUNT_LIMIT, else the estimate again (flagged as such). As the
    service does, a worker asks the planner for a query's estimate once per ESTIMATE_TTL."""
    key = (condition, tuple(args))
    now = time.monotonic()
    if key not in estimates or now - estimates[key][0] >= ESTIMATE_TTL:
        if len(estimates) >= 512:
            estimates.clear()
        plan = one_row(
            conn.execute(
                f"EXPLAIN (FORMAT JSON) SELECT t.id FROM tickets_ticket t WHERE {condition}",
                args,
                prepare=False,
            )
        )[0]
        estimates[key] = (now, int(plan[0]["Plan"]["Plan Rows"]))
    estimate = estimates[key][1]
    if estimate > 10 * EXACT_COUNT_LIMIT or searching:
        return max(estimate, known_more_than + 1), False
    counted = one_row(
        conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM tickets_ticket t WHERE {condition}"
            f" LIMIT {EXACT_COUNT_LIMIT + 1}) s",
            args,
            prepare=False,
        )
    )[0]
    if counted <= EXACT_COUNT_LIMIT:
        return counted, True
    return max(estimate, counted, known_more_than + 1), False


def link(environ: dict[str, Any], query: dict[str, list[str]], direction: str, at: Any) -> str:
    """The URL of the page after (or before) the row at `at`: the request's own filters,
    ordering, search and page size, and a cursor in place of any page number."""
    params = {k: v for k, v in query.items() if k not in ("page", "cursor")}
    params["cursor"] = [encode_cursor(direction, at)]
    host = environ.get("HTTP_HOST") or environ["SERVER_NAME"]
    encoded = urlencode(sorted(params.items()), doseq=True)
    return f"http://{host}{environ['PATH_INFO']}?{encoded}"


def retrieve(ticket_id: int, user: tuple[int, bool]) -> Response:
    where, args = visible(user)
    row = (
        db.get()
        .execute(
            f"SELECT {COLUMNS} FROM tickets_ticket t {JOINS}"
            f" WHERE t.id = %s AND {' AND '.join(where)}",
            [ticket_id, *args],
            prepare=True,
        )
        .fetchone()
    )
    if row is None:
        raise HttpError("404 Not Found", "No Ticket matches the given query.")
    return "200 OK", [("ETag", f'"{row[-1]}"')], orjson.dumps(ticket(row), option=JSON_OPTIONS)


def read_json(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        data = orjson.loads(environ["wsgi.input"].read(length))
    except orjson.JSONDecodeError:
        raise HttpError("400 Bad Request", "JSON parse error.") from None
    if not isinstance(data, dict):
        raise HttpError("400 Bad Request", "Expected an object.")
    for name in ("title", "description"):
        if name in data and not isinstance(data[name], str):
            raise HttpError("400 Bad Request", {name: ["Not a valid string."]})
    if "title" in data and not 0 < len(data["title"].strip()) <= 200:
        raise HttpError("400 Bad Request", {"title": ["Ensure this field has 1..200 chars."]})
    for name, choices in (("status", STATUSES), ("priority", PRIORITIES)):
        if name in data and data[name] not in choices:
            raise HttpError("400 Bad Request", {name: [f'"{data[name]}" is not a valid choice.']})
    return data


def create(environ: dict[str, Any], user: tuple[int, bool]) -> Response:
    data = read_json(environ)
    if "title" not in data:
        raise HttpError("400 Bad Request", {"title": ["This field is required."]})
    priority = data.get("priority", "medium")
    row = one_row(
        db.get().execute(
            f"""
        WITH t AS (
            INSERT INTO tickets_ticket
                (title, description, status, priority, requester_id, created_at, updated_at,
                 version)
            VALUES (%s, %s, 'new', %s, %s, now(), now(), 1)
            RETURNING *
        ), history AS (
            INSERT INTO tickets_ticketchange (ticket_id, actor_id, created_at, action, field,
                                              internal)
            SELECT id, requester_id, created_at, 'created', '', false FROM t
        )
        SELECT {COLUMNS} FROM t {JOINS}""",
            [data["title"].strip(), data.get("description", ""), priority, user[0]],
            prepare=True,
        )
    )
    location = f"http://{environ.get('HTTP_HOST', 'localhost')}/api/tickets/{row[0]}"
    headers = [("Location", location), ("ETag", f'"{row[-1]}"')]
    return "201 Created", headers, orjson.dumps(ticket(row), option=JSON_OPTIONS)


def update(environ: dict[str, Any], ticket_id: int, user: tuple[int, bool]) -> Response:
    data = read_json(environ)
    fields = [name for name in ("title", "description", "status", "priority") if name in data]
    if not fields:
        return retrieve(ticket_id, user)
    where, args = visible(user)
    if not user[1] and not {"title", "description"}.issuperset(fields):
        raise HttpError("403 Forbidden", "Requesters cannot change these fields.")
    changed = " OR ".join(f"old.{f} IS DISTINCT FROM %s" for f in fields)
    sets = ", ".join(f"{f} = %s" for f in fields)
    values = [data[f] for f in fields]
    set_args = list(values)
    if "status" in data:
        # As the service: set when a ticket becomes resolved or closed, kept while it stays
        # done, cleared on reopening.
        sets += (
            ", resolved_at = CASE WHEN old.status = %s THEN old.resolved_at"
            " WHEN %s NOT IN ('resolved', 'closed') THEN NULL"
            " WHEN old.status IN ('resolved', 'closed') AND old.resolved_at IS NOT NULL"
            " THEN old.resolved_at ELSE now() END"
        )
        set_args += [data["status"], data["status"]]
    history = " UNION ALL ".join(
        f"SELECT '{f}', to_jsonb(old.{f}), to_jsonb(u.{f}) FROM old, u" for f in fields
    )
    row = (
        db.get()
        .execute(
            f"""
        WITH old AS (
            SELECT t.* FROM tickets_ticket t WHERE t.id = %s AND {" AND ".join(where)}
            FOR UPDATE
        ), u AS (
            UPDATE tickets_ticket t SET {sets}, version = t.version + 1, updated_at = now()
            FROM old WHERE t.id = old.id AND ({changed})
            RETURNING t.*
        ), history AS (
            INSERT INTO tickets_ticketchange (ticket_id, actor_id, created_at, action, field,
                                              old_value, new_value, internal)
            SELECT u.id, %s, u.updated_at, 'changed', c.field, c.old, c.new, false
            FROM u, ({history}) AS c (field, old, new)
            WHERE c.old IS DISTINCT FROM c.new
        )
        SELECT {COLUMNS} FROM u t {JOINS}""",
            [ticket_id, *args, *set_args, *values, user[0]],
            prepare=True,
        )
        .fetchone()
    )
    if row is None:
        return retrieve(ticket_id, user)
    return "200 OK", [("ETag", f'"{row[-1]}"')], orjson.dumps(ticket(row), option=JSON_OPTIONS)


def route(environ: dict[str, Any]) -> Response:
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if TICKET_PATH.match(path):
        user = db.user(environ.get("HTTP_AUTHORIZATION", ""))
        if method == "GET":
            return list_tickets(environ, user)
        if method == "POST":
            return create(environ, user)
        raise HttpError("405 Method Not Allowed", f'Method "{method}" not allowed.')
    match = DETAIL_PATH.match(path)
    if match:
        user = db.user(environ.get("HTTP_AUTHORIZATION", ""))
        if method == "GET":
            return retrieve(int(match[1]), user)
        if method == "PATCH":
            return update(environ, int(match[1]), user)
        raise HttpError("405 Method Not Allowed", f'Method "{method}" not allowed.')
    if path == "/healthz":
        return "200 OK", [], b'{"status":"ok"}'
    raise HttpError("404 Not Found", "Not found.")


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    try:
        status, headers, body = route(environ)
    except HttpError as error:
        status, headers, body = error.status, [], orjson.dumps(error.body)
    except psycopg.OperationalError:
        if db.connection is not None:
            db.connection.close()
        status, headers, body = "503 Service Unavailable", [], b'{"detail":"database"}'
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
    )
    return [body]
