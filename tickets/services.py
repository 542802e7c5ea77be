"""Business rules for tickets, shared by the API, the admin and management commands."""

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment, IdempotencyRecord, Ticket, TicketChange, TicketQuerySet, is_agent

REQUESTER_CREATE_FIELDS = frozenset({"title", "description", "priority"})
REQUESTER_EDIT_FIELDS = frozenset({"title", "description"})
EDITABLE_FIELDS = ("title", "description", "status", "priority", "assignee")


class TicketNotFound(Exception):
    """The ticket does not exist (any more)."""


class IdempotencyMismatch(Exception):
    """The Idempotency-Key was used before with a different request body."""


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


def _api_value(field: str, value: Any) -> Any:
    """A field value as the API writes it: users by id, everything else as stored."""
    if field == "assignee":
        return getattr(value, "pk", value)
    return value


def _record(ticket: Ticket, *, by: Any, action: str, **values: Any) -> TicketChange:
    return TicketChange(ticket_id=ticket.pk, actor=by, action=action, **values)


def _locked_ticket(
    ticket_id: int, *, scope: TicketQuerySet | None = None, with_deleted: bool = False
) -> Ticket:
    """The ticket, locked for this transaction; `scope` limits it to what the caller may see."""
    tickets = scope if scope is not None else Ticket.objects.for_display()
    if not with_deleted:
        tickets = tickets.alive()
    # No ORDER BY or LIMIT: the id matches one row at most.
    found = list(tickets.select_for_update(of=("self",)).filter(pk=ticket_id).order_by())
    if not found:
        raise TicketNotFound(ticket_id)
    return found[0]


def _check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and ticket.version != expected_version:
        raise VersionConflict(ticket)


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
    _insert_with_entry(ticket, TicketChange(actor=by, action=TicketChange.Action.CREATED))
    return ticket


def _db_values(obj: Any, fields: list[Any], *, add: bool) -> list[Any]:
    """The values of `fields` of `obj` as a save would send them (auto_now and the like set)."""
    return [f.get_db_prep_save(f.pre_save(obj, add=add), connection) for f in fields]


@functools.cache
def _insert_statement() -> tuple[list[Any], list[Any], list[Any], str]:
    """The fields _insert_with_entry writes (ticket's, entry's), those it reads back, and its
    SQL."""
    ticket_fields = [f for f in Ticket._meta.concrete_fields if not (f.primary_key or f.generated)]
    returned = [Ticket._meta.pk, *(f for f in Ticket._meta.concrete_fields if f.generated)]
    entry_fields = [
        f for f in TicketChange._meta.concrete_fields if not f.primary_key and f.name != "ticket"
    ]

    # Field.column is optional in the stubs (a relation may have none); these columns all exist.
    quote: Callable[[Any], str] = connection.ops.quote_name

    def columns(fields: list[Any]) -> str:
        return ", ".join(quote(f.column) for f in fields)

    sql = (
        f"WITH created AS (INSERT INTO {quote(Ticket._meta.db_table)} ({columns(ticket_fields)})"
        f" VALUES ({', '.join(['%s'] * len(ticket_fields))})"
        f" RETURNING {columns(returned)}),"
        f" entry AS (INSERT INTO {quote(TicketChange._meta.db_table)}"
        f" ({quote('ticket_id')}, {columns(entry_fields)})"
        f" SELECT created.{quote(Ticket._meta.pk.column)},"
        f" {', '.join(['%s'] * len(entry_fields))} FROM created"
        f" RETURNING {quote(TicketChange._meta.pk.column)})"
        " SELECT created.*, entry.* FROM created, entry"
    )
    return ticket_fields, entry_fields, returned, sql


def _insert_with_entry(ticket: Ticket, entry: TicketChange) -> None:
    """Saves a new ticket and its first history entry together.

    One statement (two inserts in a WITH), so filing a ticket costs one round trip instead of
    four (BEGIN, two INSERTs, COMMIT); the statement is built from the models' fields.
    """
    ticket_fields, entry_fields, returned, sql = _insert_statement()
    params = [
        *_db_values(ticket, ticket_fields, add=True),
        *_db_values(entry, entry_fields, add=True),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *ticket_values, entry_id = cursor.fetchone()
    for field, value in zip(returned, ticket_values, strict=True):
        setattr(ticket, field.attname, value)
    entry.pk, entry.ticket = entry_id, ticket
    for obj in (ticket, entry):
        obj._state.adding, obj._state.db = False, connection.alias


def ticket_update(
    *,
    ticket_id: int,
    by: Any,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
    scope: TicketQuerySet | None = None,
) -> Ticket:
    """Applies `changes` atomically under a row lock, writing only fields whose value changes.

    With `expected_version` the write happens only if nobody changed the ticket meanwhile.
    Each changed field gets a history entry in the same transaction.
    """
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id, scope=scope)
        _check_version(ticket, expected_version)

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

        history = [
            _record(
                ticket,
                by=by,
                action=TicketChange.Action.CHANGED,
                field=field,
                old_value=_api_value(field, getattr(ticket, field)),
                new_value=_api_value(field, value),
            )
            for field, value in changed.items()
        ]
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
        _update_with_entries(ticket, update_fields, history)
        return ticket


@functools.lru_cache(maxsize=64)
def _update_statement(
    update_fields: tuple[str, ...], entries: int
) -> tuple[list[Any], list[Any], str]:
    """The ticket's and the entries' fields _update_with_entries writes, and its SQL, for these
    fields and this many entries."""
    # Field.column is optional in the stubs (a relation may have none); these columns all exist.
    quote: Callable[[Any], str] = connection.ops.quote_name
    fields: list[Any] = [Ticket._meta.get_field(name) for name in update_fields]
    entry_fields = [f for f in TicketChange._meta.concrete_fields if not f.primary_key]
    # Typed placeholders: a NULL (or a JSON value) in VALUES has no type of its own.
    row = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in entry_fields) + ")"
    names = ", ".join(quote(f.column) for f in entry_fields)
    sql = (
        f"WITH updated AS (UPDATE {quote(Ticket._meta.db_table)}"
        f" SET {', '.join(f'{quote(f.column)} = %s' for f in fields)}"
        f" WHERE {quote(Ticket._meta.pk.column)} = %s RETURNING 1)"
        f" INSERT INTO {quote(TicketChange._meta.db_table)} ({names})"
        f" SELECT entries.* FROM updated, (VALUES {', '.join([row] * entries)})"
        f" AS entries ({names})"
    )
    return fields, entry_fields, sql


def _update_with_entries(ticket: Ticket, update_fields: list[str], entries: list[Any]) -> None:
    """Writes `update_fields` of a locked ticket and adds its history entries.

    One statement (the UPDATE in a WITH, the entries inserted from it), one round trip instead
    of two.
    """
    fields, entry_fields, sql = _update_statement(tuple(update_fields), len(entries))
    params = [*_db_values(ticket, fields, add=False), ticket.pk]
    for entry in entries:
        params += _db_values(entry, entry_fields, add=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ticket_delete(
    *,
    ticket_id: int,
    by: Any,
    expected_version: int | None = None,
    scope: TicketQuerySet | None = None,
) -> Ticket:
    """Deletes a ticket (agents only), keeping its last state and history for a restore."""
    with transaction.atomic():
        # Visibility first: a requester learns nothing about tickets that are not theirs.
        ticket = _locked_ticket(ticket_id, scope=scope)
        if not is_agent(by):
            raise PermissionDenied(_("Only agents can delete tickets."))
        _check_version(ticket, expected_version)
        ticket.deleted_at = timezone.now()
        ticket.deleted_by = by
        ticket.version += 1
        ticket.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        _record(ticket, by=by, action=TicketChange.Action.DELETED).save()
        return ticket


def ticket_restore(*, ticket_id: int, by: Any) -> Ticket:
    """Brings a deleted ticket back with its id and history (agents only); idempotent."""
    if not is_agent(by):
        raise PermissionDenied(_("Only agents can restore tickets."))
    with transaction.atomic():
        ticket = _locked_ticket(ticket_id, with_deleted=True)
        if ticket.deleted_at is None:
            return ticket
        ticket.deleted_at = None
        ticket.deleted_by = None
        ticket.version += 1
        ticket.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        _record(ticket, by=by, action=TicketChange.Action.RESTORED).save()
        return ticket


def comment_create(*, ticket: Ticket, by: Any, text: str, internal: bool = False) -> Comment:
    """Adds a comment to a ticket; only agents may write internal notes."""
    if internal and not is_agent(by):
        raise PermissionDenied(_("Only agents can write internal comments."))
    with transaction.atomic():
        comment = Comment.objects.create(ticket=ticket, author=by, text=text, internal=internal)
        _record(
            ticket,
            by=by,
            action=TicketChange.Action.COMMENTED,
            comment=comment,
            internal=internal,
            created_at=comment.created_at,
        ).save()
    return comment


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


IDEMPOTENCY_TTL = timedelta(hours=24)

Replayable = tuple[int, dict[str, Any], str]


def request_fingerprint(data: Any) -> str:
    """A stable hash of a JSON request body, insensitive to key order."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_create(
    *, user: Any, key: str, fingerprint: str, create: Callable[[], Replayable]
) -> Replayable:
    """Runs `create` once per (user, key) for 24 hours; retries get the first response back.

    The key is claimed in the same transaction as the create, so a failed create leaves no
    trace and concurrent retries wait for the first one instead of creating twice.
    """
    with transaction.atomic():
        IdempotencyRecord.objects.filter(
            user=user, created_at__lt=timezone.now() - IDEMPOTENCY_TTL
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    user=user, key=key, request_hash=fingerprint, status_code=0, response_body={}
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=user, key=key)
            if record.request_hash != fingerprint:
                raise IdempotencyMismatch(key) from None
            return record.status_code, record.response_body, record.location
        status_code, body, location = create()
        record.status_code, record.response_body, record.location = status_code, body, location
        record.save(update_fields=["status_code", "response_body", "location"])
        return status_code, body, location
