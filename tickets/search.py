"""Ticket search: substring (both databases) plus word forms and ranking (PostgreSQL).

PostgreSQL matches `search_vector` (a stored tsvector of title and description, Russian
stemming, which stems Latin words as English) and case-insensitive substrings in `search_text`
(title and description, stored lowercased, with a trigram index). Both are generated columns
that migrations add (0005, 0008), outside the model. SQLite, for first looks, matches
substrings only.
"""

from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    FloatField,
    Lookup,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

MAX_ID = 2**63 - 1


class IContains(Lookup):
    """Case-insensitive substring match: ILIKE on PostgreSQL, LIKE on SQLite.

    Django's own `icontains` compares UPPER() of both sides on PostgreSQL, which no trigram
    index can serve; on SQLite LIKE is made Unicode-aware in apps.py. Searches on PostgreSQL
    match `search_text` instead and use this for the title bonus of the ranking only.
    """

    lookup_name = "search_contains"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [f"%{connection.ops.prep_for_like_query(value)}%"]


CharField.register_lookup(IContains)
TextField.register_lookup(IContains)


def _tsquery_sql() -> str:
    return "websearch_to_tsquery('russian'::regconfig, %s)"


def search_condition(text: str) -> Q:
    """Tickets whose title or description contains `text`, or (PostgreSQL) its word forms."""
    if connection.vendor == "postgresql":
        # The text is lowered by the server, as the column was: the same case rules. Both
        # tests say the same; LIKE lets the trigram index find a rare text, and strpos, tested
        # first, rejects a row at half the cost while a newest-first walk tests row after row
        # (LIKE's matcher retries at every Cyrillic letter, as they share their first byte).
        substring = RawSQL(
            """strpos("tickets_ticket"."search_text", lower(%s)) <> 0"""
            """ AND "tickets_ticket"."search_text" LIKE lower(%s) ESCAPE '\\'""",
            [text, f"%{connection.ops.prep_for_like_query(text)}%"],
            output_field=BooleanField(),
        )
        fts = RawSQL(
            f'"tickets_ticket"."search_vector" @@ {_tsquery_sql()}',
            [text],
            output_field=BooleanField(),
        )
        match = Q(substring) | Q(fts)
    else:
        match = Q(title__search_contains=text) | Q(description__search_contains=text)
    number = text.lstrip("#")
    if number.isdigit() and int(number) <= MAX_ID:
        match |= Q(pk=int(number))
    return match


def search_rank(text: str) -> Any:
    """Higher for better matches: the id itself, then title hits, then word-form relevance."""
    number = text.lstrip("#")
    exact_id = (
        [When(pk=int(number), then=Value(100.0))]
        if number.isdigit() and int(number) <= MAX_ID
        else []
    )
    title_hit = Case(
        *exact_id,
        When(title__search_contains=text, then=Value(10.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if connection.vendor != "postgresql":
        return title_hit
    relevance = RawSQL(
        f'ts_rank_cd("tickets_ticket"."search_vector", {_tsquery_sql()})',
        [text],
        output_field=FloatField(),
    )
    return title_hit + relevance
