"""Query-string filters for the ticket list: status, priority, people, dates, search, ordering."""

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .models import RankedChoices, Ticket
from .search import ascii_number, search_condition

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
        number = ascii_number(value)
        if number is not None:
            return number
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


def _as_aware(
    value: datetime.date | datetime.datetime, *, end_of_day: bool
) -> datetime.datetime | None:
    """The moment a date or date-time names (the day after, for the end of a date); None past
    the end of the calendar."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if end_of_day:
        if value == datetime.date.max:
            return None
        value += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


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
        if bound is None:
            return qs
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
    """Orders by columns; priority by severity and status by workflow, not alphabetically.

    The id ends every ordering, in the direction of the last term: pages are read by keyset
    over the ordering, which must be unique, and each ordering's index ends in the id.
    """

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
        if not any(term.lstrip("-") == "id" for term in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return qs.order_by(*ordering)


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

    def filter_search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return qs.filter(search_condition(text)) if text else qs
