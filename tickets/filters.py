"""Query-string filters for the ticket list: status, priority, people, dates, search, ordering."""

import datetime
from typing import Any, NamedTuple

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .models import RankedChoices, Ticket
from .search import MAX_ID, search_condition

SEARCH_MAX_LENGTH = 200


class UserRefField(forms.CharField):
    """A user id, `me`, or (where allowed) `none`."""

    def __init__(self, *, allow_none: bool = False, **kwargs: Any) -> None:
        self.allow_none = allow_none
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str | int | None:
        value = super().clean(value)
        if value in ("", None):
            return None
        words = ("me", "none") if self.allow_none else ("me",)
        if value in words:
            return value
        if value.isdigit() and int(value) <= MAX_ID:
            return int(value)
        raise ValidationError(
            _("Expected a user id or one of: %(words)s."), params={"words": ", ".join(words)}
        )


class DateOrDateTimeField(forms.CharField):
    """An ISO date (`2026-01-31`) or date-time (`2026-01-31T12:00:00Z`)."""

    def clean(self, value: Any) -> datetime.date | datetime.datetime | None:
        value = super().clean(value)
        if not value:
            return None
        try:
            parsed = parse_date(value) or parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(
                _("Enter an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SSZ).")
            )
        return parsed


def _as_aware(value: datetime.date | datetime.datetime, *, end_of_day: bool) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    day = value + datetime.timedelta(days=1) if end_of_day else value
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@extend_schema_field({"type": "string", "description": "A user id, or `me`, or (assignee) `none`."})
class UserRefFilter(django_filters.Filter):
    field_class = UserRefField

    def __init__(self, *, allow_none: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.extra["allow_none"] = allow_none

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is None:
            return qs
        if value == "none":
            return qs.filter(**{f"{self.field_name}__isnull": True})
        if value == "me":
            return qs.filter(**{self.field_name: self.parent.request.user.pk})
        return qs.filter(**{f"{self.field_name}_id": value})


@extend_schema_field({"type": "string", "description": "An ISO date (YYYY-MM-DD) or date-time."})
class CreatedFilter(django_filters.Filter):
    """`created_after` is inclusive from its start; `created_before` includes a whole date."""

    field_class = DateOrDateTimeField

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value is None:
            return qs
        if self.lookup_expr == "gte":
            return qs.filter(created_at__gte=_as_aware(value, end_of_day=False))
        bound = _as_aware(value, end_of_day=True)
        lookup = "lt" if not isinstance(value, datetime.datetime) else "lte"
        return qs.filter(**{f"created_at__{lookup}": bound})


class RankedChoiceFilter(django_filters.MultipleChoiceFilter):
    """Repeatable choice filter on a ranked field; its error names the allowed values.

    It filters the field's rank column, the one the list indexes and orderings use, with one
    IN: `status=new&status=on_hold` becomes `status_rank IN (0, 2)`.
    """

    def __init__(self, *, choices: type[RankedChoices], **kwargs: Any) -> None:
        self.ranks = {value: rank for rank, value in enumerate(choices.values)}
        allowed = ", ".join(choices.values)
        super().__init__(
            choices=choices.choices,
            distinct=False,
            error_messages={
                "invalid_choice": format_lazy(
                    "{} {}.", _("%(value)s is not a valid choice. Allowed values:"), allowed
                )
            },
            **kwargs,
        )

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        ranks = sorted({self.ranks[choice] for choice in value})
        return qs.filter(**{f"{self.field_name}_rank__in": ranks})


class TicketOrderingFilter(django_filters.OrderingFilter):
    """Orders by columns; priority by severity and status by workflow, not alphabetically."""

    RANKED = {"priority": "priority_rank", "status": "status_rank"}

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        ordering = []
        for term in value:
            descending = term.startswith("-")
            field = self.param_map[term.lstrip("-")]
            field = self.RANKED.get(field, field)
            ordering.append(f"-{field}" if descending else field)
        # A unique tiebreaker in the same direction keeps pages stable and index-backed.
        if not any(term.lstrip("-") == "id" for term in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return qs.order_by(*ordering)


class ListHints(NamedTuple):
    """What a list's filters tell about their matches, beyond filtering them.

    `narrowing` is a condition they imply, which lets PostgreSQL read a page in list order from
    fewer index entries: `created_after` bounds `updated_at` too, since no ticket is updated
    before it is created (migration 0010 keeps that true on PostgreSQL), so a list in
    `updated_at` order starts its index at the bound instead of walking every older ticket
    first. It is no filter: the planner would count it as one and underestimate the matches.

    `clustered` says that the matches lie together in creation order (a date range), and so
    also in id order, which lists sorted by anything else end with: they do not spread evenly
    along the list order, as the choice of how to read a page otherwise assumes.
    """

    narrowing: Q
    clustered: bool


class TicketFilterSet(django_filters.FilterSet):
    """Filters of the ticket list, named after the fields they filter."""

    status = RankedChoiceFilter(choices=Ticket.Status)
    priority = RankedChoiceFilter(choices=Ticket.Priority)
    assignee = UserRefFilter(field_name="assignee", allow_none=True)
    requester = UserRefFilter(field_name="requester")
    created_after = CreatedFilter(lookup_expr="gte")
    created_before = CreatedFilter(lookup_expr="lte")
    search = django_filters.CharFilter(method="filter_search", max_length=SEARCH_MAX_LENGTH)
    ordering = TicketOrderingFilter(
        fields=["id", "title", "status", "priority", "created_at", "updated_at"]
    )

    class Meta:
        model = Ticket
        fields = [
            "status",
            "priority",
            "assignee",
            "requester",
            "created_after",
            "created_before",
            "search",
        ]

    def hints(self) -> "ListHints":
        """What the filters tell about their matches beyond filtering them (see ListHints)."""
        start, end = (self.form.cleaned_data.get(f"created_{side}") for side in ("after", "before"))
        narrowing = Q()
        if start is not None and connection.vendor == "postgresql":
            narrowing = Q(updated_at__gte=_as_aware(start, end_of_day=False))
        return ListHints(narrowing=narrowing, clustered=start is not None or end is not None)

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return qs.filter(search_condition(text)) if text else qs
