"""Keyset pages for every list: any page costs what the first one does.

A page is read from where the previous one ended, by the list's ordering (which ends in a
unique column, the id): `WHERE (created_at, id) < (…) ORDER BY created_at DESC, id DESC
LIMIT 26` walks the ordering's index from that point. `next` and `previous` are links with an
opaque `cursor`; a ticket created meanwhile neither repeats nor pushes another off a page.
`page=N` still answers while N × page_size ≤ MAX_OFFSET, as an offset into the list.

A search without an explicit ordering ranks the newest RANK_WINDOW matches by relevance
(`view.get_search_rank()`) and shows them first, then the older matches newest first. Its
cursors remember the newest match, so the window stays the same while tickets are filed.

Totals never count a large list: exact up to EXACT_COUNT_LIMIT (and on a last page reached
by number), the planner's estimate beyond, flagged by `count_exact: false`. The columns of an
ordering must not be nullable.
"""

import base64
import binascii
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleGreaterThanOrEqual,
    TupleLessThan,
    TupleLessThanOrEqual,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .search import ascii_number

EXACT_COUNT_LIMIT = 1000
# The deepest offset `page` reaches; beyond it, clients follow the links.
MAX_OFFSET = 10_000
# Searches rank this many of the newest matches by relevance.
RANK_WINDOW = 100
CURSOR_MAX_LENGTH = 1000
INVALID_CURSOR = gettext_lazy("This cursor is not valid: follow the list's links.")

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Cursor:
    """A position in a list: after (or, `backward`, before) the row with `key`; or, in a
    ranked search, `position` rows into its window. `top` is a ranked search's newest match."""

    key: Key | None = None
    backward: bool = False
    position: int | None = None
    top: Key | None = None


def _terms(queryset: QuerySet) -> list[tuple[str, bool]]:
    """The list's ordering as (field name, descending) pairs."""
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    terms = []
    for term in ordering:
        if not isinstance(term, str):
            raise TypeError(f"Keyset pages need orderings by field names, not {term!r}")
        terms.append((term.lstrip("-"), term.startswith("-")))
    return terms


class KeysetPagination(pagination.BasePagination):
    """`cursor` (from the links) or `page`, and `page_size` (default 25, at most 100)."""

    page_size = 25
    max_page_size = 100
    cursor_query_param = "cursor"
    page_query_param = "page"
    page_size_query_param = "page_size"

    # Parameters

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        number = ascii_number(raw)
        if number is None or number < 1:
            raise ValidationError(
                {"page_size": [_("Enter a whole number from 1 to %d.") % self.max_page_size]}
            )
        return min(number, self.max_page_size)

    def get_page_number(self, request: Any, size: int) -> int:
        raw = request.query_params.get(self.page_query_param, "1")
        number = ascii_number(raw)
        if number is None or number < 1:
            raise ValidationError({"page": [_("Enter a whole number from 1.")]})
        if number * size > MAX_OFFSET:
            raise ValidationError(
                {
                    "page": [
                        _(
                            "Pages by number end at %(limit)d results (page %(page)d of this "
                            "size): follow the next and previous links to read further."
                        )
                        % {"limit": MAX_OFFSET, "page": MAX_OFFSET // size}
                    ]
                }
            )
        return number

    def get_cursor(self, request: Any) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        if self.page_query_param in request.query_params:
            raise ValidationError({"cursor": [_("Send either a cursor or a page, not both.")]})
        try:
            if len(raw) > CURSOR_MAX_LENGTH:
                raise ValueError
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"=="))
            cursor = Cursor(
                key=self._decode_key(data.get("k")),
                backward=data.get("b", False) is True,
                position=data.get("p"),
                top=self._decode_key(data.get("t")),
            )
            if cursor.position is not None and not (
                isinstance(cursor.position, int) and 0 <= cursor.position < RANK_WINDOW
            ):
                raise ValueError
            if (cursor.key is None) == (cursor.position is None):
                raise ValueError
        except (ValueError, TypeError, AttributeError, UnicodeError, binascii.Error):
            raise ValidationError({"cursor": [INVALID_CURSOR]}) from None
        return cursor

    def _decode_key(self, raw: Any) -> Key | None:
        if raw is None:
            return None
        if not isinstance(raw, list) or len(raw) != len(self.terms):
            raise ValueError
        key = []
        for (name, _descending), value in zip(self.terms, raw, strict=True):
            if not isinstance(value, int | str) or "\x00" in str(value):
                raise ValueError
            field = self.model._meta.get_field(name)
            try:
                parsed = field.to_python(value)
                field.run_validators(parsed)  # an integer's range, a text's length
            except DjangoValidationError:
                raise ValueError from None
            key.append(parsed)
        return tuple(key)

    def _encode(self, cursor: Cursor) -> str:
        data: dict[str, Any] = {}
        if cursor.key is not None:
            data["k"] = [self._json_value(value) for value in cursor.key]
        if cursor.backward:
            data["b"] = True
        if cursor.position is not None:
            data["p"] = cursor.position
        if cursor.top is not None:
            data["t"] = [self._json_value(value) for value in cursor.top]
        raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @staticmethod
    def _json_value(value: Any) -> Any:
        return value.isoformat() if hasattr(value, "isoformat") else value

    # Reading a page

    # Keyset pages filter and order a QuerySet; DRF's base paginators also take lists.
    def paginate_queryset(self, queryset: QuerySet, request: Any, view: Any = None) -> list[Any]:  # type: ignore[override]
        self.request = request
        self.model = queryset.model
        self.terms = _terms(queryset)
        self.size = self.get_page_size(request)
        cursor = self.get_cursor(request)
        number = self.get_page_number(request, self.size) if cursor is None else None
        self.next_cursor: Cursor | None = None
        self.previous_cursor: Cursor | None = None
        self.exact_total: int | None = None
        self.window: list[Key] | None = None
        rank = view.get_search_rank() if hasattr(view, "get_search_rank") else None
        if rank is None and cursor is not None and cursor.key is None:
            raise ValidationError({"cursor": [INVALID_CURSOR]})
        if rank is not None:
            rows = self._ranked(queryset, rank, cursor, number)
        elif cursor is None:
            rows = self._numbered(queryset, number or 1)
        else:
            rows = self._keyset(queryset, cursor)
        self.count, self.count_exact = self._total(queryset, len(rows))
        return rows

    def _key(self, row: Model) -> Key:
        return tuple(
            getattr(row, self.model._meta.get_field(name).attname) for name, _ in self.terms
        )

    def _beyond(
        self, queryset: QuerySet, key: Key, *, before: bool = False, inclusive: bool = False
    ) -> QuerySet:
        """The rows after `key` in list order (before it, with `before`; from it on, with
        `inclusive`)."""
        names = [name for name, _descending in self.terms]
        directions = {descending for _name, descending in self.terms}
        if len(directions) == 1:
            [descending] = directions
            lookups = {
                (True, False): TupleLessThan,
                (True, True): TupleLessThanOrEqual,
                (False, False): TupleGreaterThan,
                (False, True): TupleGreaterThanOrEqual,
            }
            return queryset.filter(lookups[descending != before, inclusive](Tuple(*names), key))
        # Mixed directions: no row comparison says it, so spell it out term by term.
        condition = Q(**dict(zip(names, key, strict=True))) if inclusive else Q()
        for i, (name, descending) in enumerate(self.terms):
            beyond = "lt" if descending != before else "gt"
            equal = Q(**dict(zip(names[:i], key[:i], strict=True)))
            condition |= equal & Q(**{f"{name}__{beyond}": key[i]})
        return queryset.filter(condition)

    def _numbered(self, queryset: QuerySet, number: int) -> list[Any]:
        offset = (number - 1) * self.size
        rows = _read(queryset, offset, offset + self.size + 1)
        if not rows and number > 1:
            self._no_such_page(queryset, number)
        page = self._link(rows, has_previous=number > 1)
        if len(rows) <= self.size:
            self.exact_total = offset + len(rows)
        return page

    def _forward(self, queryset: QuerySet, key: Key, top: Key | None = None) -> list[Any]:
        """The page after `key`; its previous link leads back to `key` even when it is empty."""
        rows = _read(self._beyond(queryset, key), 0, self.size + 1)
        page = self._link(rows, has_previous=False, top=top)
        first = self._key(page[0]) if page else key
        self.previous_cursor = Cursor(key=first, backward=True, top=top)
        return page

    def _backward(self, queryset: QuerySet, key: Key, top: Key | None = None) -> list[Any]:
        """Up to a page before `key`, in list order (fewer at the start)."""
        rows = _read(self._beyond(queryset, key, before=True).reverse(), 0, self.size + 1)
        page = rows[: self.size][::-1]
        if page:
            self.next_cursor = Cursor(key=self._key(page[-1]), top=top)
            if len(rows) > self.size:
                self.previous_cursor = Cursor(key=self._key(page[0]), backward=True, top=top)
        return page

    def _keyset(self, queryset: QuerySet, cursor: Cursor) -> list[Any]:
        assert cursor.key is not None
        if not cursor.backward:
            return self._forward(queryset, cursor.key)
        page = self._backward(queryset, cursor.key)
        if self.previous_cursor is None:
            # Back at the start: the first page, whatever was filed meanwhile.
            self.next_cursor = None
            return self._link(_read(queryset, 0, self.size + 1), has_previous=False)
        return page

    def _link(self, rows: list[Any], *, has_previous: bool, top: Key | None = None) -> list[Any]:
        """The page of `rows` (read with one extra row that tells of a next page), with its
        links."""
        page = rows[: self.size]
        if len(rows) > self.size:
            self.next_cursor = Cursor(key=self._key(page[-1]), top=top)
        if has_previous and page:
            self.previous_cursor = Cursor(key=self._key(page[0]), backward=True, top=top)
        return page

    def _no_such_page(self, queryset: QuerySet, number: int) -> None:
        total, _exact = self._total(queryset, 0)
        last = max(1, -(-total // self.size))
        raise ValidationError(
            {
                "page": [
                    _("There is no page %(page)s: the last page is %(last)d.")
                    % {"page": number, "last": last}
                ]
            }
        )

    def _ranked(
        self, queryset: QuerySet, rank: Any, cursor: Cursor | None, number: int | None
    ) -> list[Any]:
        """A page of a search that ranks its newest matches by relevance (see the module)."""
        pinned = cursor.top if cursor is not None else None
        newest = queryset if pinned is None else self._beyond(queryset, pinned, inclusive=True)
        names = [name for name, _descending in self.terms]
        window = [tuple(row) for row in newest.values_list(*names)[:RANK_WINDOW]]
        self.window = window
        if not window:
            return []
        top = window[0]
        full = len(window) == RANK_WINDOW
        rest = self._beyond(queryset, window[-1]) if full else queryset.none()
        if cursor is None:
            offset = ((number or 1) - 1) * self.size
            if offset < len(window):
                return self._in_window(queryset, rest, rank, window, offset)
            start = offset - len(window)
            rows = _read(rest, start, start + self.size + 1)
            if not rows:
                self._no_such_page(queryset, number or 1)
            return self._link(rows, has_previous=True, top=top)
        if cursor.key is None:
            assert cursor.position is not None
            return self._in_window(queryset, rest, rank, window, cursor.position)
        if not cursor.backward:
            return self._forward(rest, cursor.key, top)
        page = self._backward(rest, cursor.key, top)
        if self.previous_cursor is not None:
            return page
        # Back at the window: the page that ends where this one began.
        self.next_cursor = None
        offset = max(0, len(window) - (self.size - len(page)))
        return self._in_window(queryset, rest, rank, window, offset)

    def _in_window(
        self, queryset: QuerySet, rest: QuerySet, rank: Any, window: list[Key], offset: int
    ) -> list[Any]:
        """The rows from `offset` of the ranked window, then of the rest, with links."""
        ids = [key[-1] for key in window]
        ordering = [f"-{name}" if descending else name for name, descending in self.terms]
        ranked = (
            queryset.filter(pk__in=ids)
            .annotate(search_rank=rank)
            .order_by("-search_rank", *ordering)
        )
        rows = list(ranked[offset : offset + self.size])
        top = window[0]
        end = offset + len(rows)
        if end < len(window):
            self.next_cursor = Cursor(position=end, top=top)
        else:
            # The window ends on this page: the rest fills it up, newest first.
            wanted = self.size - len(rows)
            more = _read(rest, 0, wanted + 1)
            rows += more[:wanted]
            if len(more) > wanted:
                self.next_cursor = Cursor(
                    key=self._key(rows[-1]) if wanted else window[-1], top=top
                )
        if offset > 0:
            self.previous_cursor = Cursor(position=max(0, offset - self.size), top=top)
        return rows

    # Totals and links

    def _shape(self) -> str:
        """What decides a list's matches: its path, the caller's scope and the parameters
        other than the position and the page size."""
        user = self.request.user
        position = {self.cursor_query_param, self.page_query_param, self.page_size_query_param}
        params = sorted(
            (name, values)
            for name, values in self.request.query_params.lists()
            if name not in position
        )
        scope = (user.pk, user.is_staff, user.is_superuser)
        return f"{self.request.path}\0{scope!r}\0{params!r}"

    def _total(self, queryset: QuerySet, shown: int) -> tuple[int, bool]:
        if self.exact_total is not None:
            return self.exact_total, True
        if self.window is not None and len(self.window) < RANK_WINDOW:
            return len(self.window), True  # a ranked search read every match already
        estimate = estimated_count(queryset, self._shape())
        known = max(shown, len(self.window or ()))
        # Far above the bound the planner's word is enough.
        if estimate > 10 * EXACT_COUNT_LIMIT:
            return max(estimate, known), False
        counted = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if counted <= EXACT_COUNT_LIMIT:
            return counted, True
        return max(estimate, counted, known), False

    def _url(self, cursor: Cursor | None) -> str | None:
        if cursor is None:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self._encode(cursor))

    def get_next_link(self) -> str | None:
        return self._url(self.next_cursor)

    def get_previous_link(self) -> str | None:
        return self._url(self.previous_cursor)

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
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": (
                        "Total number of results. Exact when `count_exact` is true; over "
                        f"{EXACT_COUNT_LIMIT} results, the query planner's estimate instead, so a "
                        "list never counts a whole large table."
                    ),
                },
                "count_exact": {
                    "type": "boolean",
                    "description": "Whether `count` is exact or an estimate.",
                },
                "next": {**link, "description": "The next page; follow it as it is."},
                "previous": {**link, "description": "The previous page; follow it as it is."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "An opaque position from a `next` or `previous` link; send it instead of "
                    "`page`."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"A page number, while page × page_size ≤ {MAX_OFFSET}; beyond, follow the "
                    "links."
                ),
                "schema": {"type": "integer"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}, at most "
                f"{self.max_page_size}).",
                "schema": {"type": "integer"},
            },
        ]


def _read(queryset: QuerySet, start: int, stop: int) -> list[Any]:
    """Rows `start` to `stop` of a list, in its order: their ids first, which the ordering's
    covering index gives without visiting the table (models.LISTED), then those rows by id."""
    ids = list(queryset.values_list("pk", flat=True)[start:stop])
    if not ids:
        return []
    found = {row.pk: row for row in queryset.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


ESTIMATE_SECONDS = 30
ESTIMATES_KEPT = 512
_estimates: OrderedDict[str, tuple[float, int]] = OrderedDict()
_estimates_lock = threading.Lock()


def estimated_count(queryset: QuerySet, shape: str) -> int:
    """The query planner's estimate of the rows `queryset` matches; `shape` names the query
    (KeysetPagination._shape). An estimate is approximate by nature: each process keeps one
    per shape for ESTIMATE_SECONDS instead of asking the planner on every page of a list (a
    search's plan takes milliseconds, and composing its SQL as much again)."""
    key = f"{queryset.db}\0{shape}"
    now = time.monotonic()
    with _estimates_lock:  # gunicorn may run several threads per worker
        kept = _estimates.get(key)
    if kept is not None and now - kept[0] < ESTIMATE_SECONDS:
        return kept[1]
    matches = queryset.order_by().values("pk")
    plan = json.loads(matches.explain(format="json"))
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    with _estimates_lock:
        _estimates[key] = (now, estimate)
        _estimates.move_to_end(key)
        while len(_estimates) > ESTIMATES_KEPT:
            _estimates.popitem(last=False)
    return estimate
