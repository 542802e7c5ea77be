"""Business rules for tickets, shared by the API, the admin and management commands."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Ticket, is_agent

REQUESTER_CREATE_FIELDS = frozenset({"title", "description", "priority"})
REQUESTER_EDIT_FIELDS = frozenset({"title", "description"})
EDITABLE_FIELDS = ("title", "description", "status", "priority", "assignee")


class TicketNotFound(Exception):
    """The ticket does not exist (any more)."""


class VersionConflict(Exception):
    """The client's If-Match version is not the ticket's current version."""

    def __init__(self, current: Ticket) -> None:
        super().__init__(f"ticket {current.pk} is at version {current.version}")
        self.current = current


def _check_requester_fields(*, fields: set[str], allowed: frozenset[str], message: str) -> None:
    forbidden = sorted(fields - allowed)
    if forbidden:
        raise PermissionDenied(message % {"fields": ", ".join(forbidden)})


def _resolved_at_for(*, old_status: str | None, new_status: str, old_resolved_at: Any) -> Any:
    """resolved_at is set when a ticket becomes resolved or closed and cleared on reopening."""
    if new_status not in Ticket.DONE_STATUSES:
        return None
    if old_status in Ticket.DONE_STATUSES and old_resolved_at is not None:
        return old_resolved_at
    return timezone.now()


def ticket_create(*, by: Any, data: Mapping[str, Any], requester: Any = None) -> Ticket:
    """Files a ticket; `by` is its requester unless an agent files it for someone else."""
    values = dict(data)
    requester = requester or by
    if requester != by and not is_agent(by):
        raise PermissionDenied(_("Only agents can file tickets for someone else."))
    if not is_agent(by):
        # Sending the defaults back is harmless; choosing anything else is an agent's call.
        defaults = {"status": Ticket.Status.NEW, "assignee": None}
        chosen = {field for field, value in values.items() if defaults.get(field, value) != value}
        _check_requester_fields(
            fields=chosen | (set(values) - set(defaults)),
            allowed=REQUESTER_CREATE_FIELDS,
            message=_("Requesters cannot set these fields: %(fields)s."),
        )
    ticket = Ticket(requester=requester, **values)
    ticket.resolved_at = _resolved_at_for(
        old_status=None, new_status=ticket.status, old_resolved_at=None
    )
    ticket.save()
    return ticket


def ticket_update(
    *, ticket_id: int, by: Any, changes: Mapping[str, Any], expected_version: int | None = None
) -> Ticket:
    """Applies `changes` atomically under a row lock, writing only fields whose value changes.

    With `expected_version` the write happens only if nobody changed the ticket meanwhile.
    """
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("assignee", "requester")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            raise TicketNotFound(ticket_id)
        if expected_version is not None and ticket.version != expected_version:
            raise VersionConflict(ticket)

        changed = {
            field: value
            for field, value in changes.items()
            if field in EDITABLE_FIELDS and getattr(ticket, field) != value
        }
        if not is_agent(by):
            _check_requester_fields(
                fields=set(changed),
                allowed=REQUESTER_EDIT_FIELDS,
                message=_("Requesters cannot change these fields: %(fields)s."),
            )
        if not changed:
            return ticket

        old_status = ticket.status
        for field, value in changed.items():
            setattr(ticket, field, value)
        update_fields = [*changed, "version", "updated_at"]
        if "status" in changed:
            ticket.resolved_at = _resolved_at_for(
                old_status=old_status, new_status=ticket.status, old_resolved_at=ticket.resolved_at
            )
            update_fields.append("resolved_at")
        ticket.version += 1
        ticket.save(update_fields=update_fields)
        return ticket


def ticket_delete(*, ticket_id: int, by: Any, expected_version: int | None = None) -> None:
    """Deletes a ticket; only agents may."""
    if not is_agent(by):
        raise PermissionDenied(_("Only agents can delete tickets."))
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            raise TicketNotFound(ticket_id)
        if expected_version is not None and ticket.version != expected_version:
            raise VersionConflict(ticket)
        ticket.delete()


def ticket_bulk_update(*, ticket_ids: list[int], by: Any, changes: Mapping[str, Any]) -> int:
    """Applies the same changes to many tickets through the single-update rule."""
    count = 0
    for ticket_id in ticket_ids:
        try:
            ticket_update(ticket_id=ticket_id, by=by, changes=changes)
        except TicketNotFound:
            continue
        count += 1
    return count
