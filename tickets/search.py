"""Ticket search: substrings in any case, word forms, a ticket's id, and relevance.

Both read the ticket's generated columns: `search_text` (title and description, lowered, with
a trigram index) for substrings, `search_vector` (Russian stemming, which stems Latin words as
English, with a GIN index) for word forms.
"""

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Lower

MAX_ID = 2**63 - 1


def ascii_number(text: str) -> int | None:
    """The whole number `text` spells in ASCII digits, if it fits an id; None otherwise.

    `str.isdigit()` also accepts other scripts' digits and superscripts, which are no id.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def _words(text: str) -> SearchQuery:
    return SearchQuery(text, config="russian", search_type="websearch")


def search_condition(text: str) -> Q:
    """Tickets whose title or description contains `text` in any case, or its word forms; `42`
    and `#42` also find ticket 42."""
    # The server lowers the text as it lowered the column: the same case rules.
    match = Q(search_text__contains=Lower(Value(text))) | Q(search_vector=_words(text))
    number = ascii_number(text.lstrip("#"))
    if number is not None:
        match |= Q(pk=number)
    return match


def search_rank(text: str) -> Any:
    """Higher for better matches: the id itself, then title hits, then word-form relevance."""
    number = ascii_number(text.lstrip("#"))
    exact_id = [When(pk=number, then=Value(100.0))] if number is not None else []
    title_hit = Case(
        *exact_id,
        When(title__icontains=text, then=Value(10.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return title_hit + SearchRank(F("search_vector"), _words(text), cover_density=True)
