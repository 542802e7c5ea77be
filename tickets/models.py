"""The Ticket: a request for help that agents triage, assign, work and close."""

from typing import Any, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Concat, Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 10_000

# The columns the list filters on, besides search: each ordering's index carries them, so that
# a walk of it in list order tests them without visiting the table (an index-only scan), even
# when it passes many tickets to find a page of matches. A new filterable column goes here.
LISTED = ["status_rank", "priority_rank", "assignee", "requester", "created_at"]
# What the API shows of a ticket's people, and the columns only search reads.
USER_NAMES = ("username", "first_name", "last_name")
SEARCH_FIELDS = frozenset({"search_vector", "search_text"})

AGENT_Q = Q(is_active=True) & (Q(is_staff=True) | Q(is_superuser=True))
ALIVE = Q(deleted_at__isnull=True)


def is_agent(user: AbstractUser | AnonymousUser | Any) -> bool:
    """Agents are active staff users (superusers included): they work every ticket."""
    return bool(
        user and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)
    )


def display_name(user: Any) -> str | None:
    """The name people see for a user: full name when set, the username otherwise."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class TicketQuerySet(models.QuerySet["Ticket"]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> Self:
        return self.filter(deleted_at__isnull=False)

    def for_display(self) -> "TicketQuerySet":
        """Tickets with what the API shows of them: their people's names (never their password
        hashes), without the search columns."""
        shown = [
            field.name for field in Ticket._meta.concrete_fields if field.name not in SEARCH_FIELDS
        ]
        people = [f"{role}__{name}" for role in ("assignee", "requester") for name in USER_NAMES]
        return self.select_related("assignee", "requester").only(*shown, *people)

    def visible_to(self, user: Any, *, deleted: bool | None = False) -> "TicketQuerySet":
        """The one scope for every read path: agents see all, requesters their own.

        Live tickets; with `deleted` the deleted ones, and with None both, which only agents see.
        """
        tickets = {False: self.alive(), True: self.deleted(), None: self.all()}[deleted]
        if is_agent(user):
            return tickets
        if deleted is not False or user is None or not user.is_authenticated:
            return self.none()
        return tickets.filter(requester=user)


class RankedChoices(models.TextChoices):
    """Choices whose declaration order is meaningful (workflow order, severity)."""

    @classmethod
    def rank_expression(cls, field: str) -> Case:
        return Case(
            *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(cls.values)),
            output_field=models.IntegerField(),
        )


class TicketStatus(RankedChoices):
    """Workflow states, in workflow order."""

    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class TicketPriority(RankedChoices):
    """Priorities, from least to most severe."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Ticket(models.Model):
    """A request for help filed by a requester and worked by agents."""

    Status = TicketStatus
    Priority = TicketPriority

    DONE_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})

    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=20, choices=TicketPriority.choices, default=TicketPriority.MEDIUM
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        limit_choices_to=AGENT_Q,
        db_index=False,  # ticket_assignee_id_idx starts with it
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        db_index=False,  # ticket_requester_created_idx starts with it
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Changes with every write; used for If-Match.")
    )
    # Workflow order and severity as numbers, kept by the database, so sorting is index-backed.
    status_rank = models.GeneratedField(
        expression=TicketStatus.rank_expression("status"),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    priority_rank = models.GeneratedField(
        expression=TicketPriority.rank_expression("priority"),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    # What search reads, kept by the database and recomputed only when title or description
    # change: word forms (Russian stemming, which stems Latin words as English), title first...
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="russian")
        + SearchVector("description", weight="B", config="russian"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # ...and substrings in any case, lowered once when written rather than per row searched.
    search_text = models.GeneratedField(
        expression=Lower(
            Concat("title", Value("\n"), "description", output_field=models.TextField())
        ),
        output_field=models.TextField(),
        db_persist=True,
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # ticket_deleted_by_idx: only deleted tickets have one
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        # The list reads pages in index order (keyset pages), so each ordering it offers has an
        # index ending in the id; filters narrow those walks, or their own indexes serve them
        # when they are selective. All partial: lists never show deleted tickets, but for the
        # two on people, which deleting a user needs whole. Every index costs each update that
        # changes one of its columns: add one for a measured list shape only.
        indexes = [
            models.Index(
                fields=[*columns, "id"],
                include=[column for column in LISTED if column not in columns],
                name=name,
                condition=ALIVE,
            )
            for name, columns in [
                ("ticket_created_idx", ["created_at"]),
                ("ticket_updated_idx", ["updated_at"]),
                ("ticket_title_idx", ["title"]),
                ("ticket_status_rank_idx", ["status_rank"]),
                ("ticket_priority_rank_idx", ["priority_rank"]),
            ]
        ] + [
            models.Index(
                fields=["assignee", "created_at", "id"],
                name="ticket_assignee_created_idx",
                condition=ALIVE,
            ),
            # These two cover deleted tickets too, in place of the indexes a foreign key gets:
            # deleting a user looks for all their tickets. deleted_at comes last, so a list
            # still reads them without visiting the table.
            models.Index(fields=["assignee", "id", "deleted_at"], name="ticket_assignee_id_idx"),
            models.Index(
                fields=["requester", "created_at", "id", "deleted_at"],
                name="ticket_requester_created_idx",
            ),
            models.Index(
                fields=["created_at", "id"],
                name="ticket_unassigned_created_idx",
                condition=ALIVE & Q(assignee__isnull=True),
            ),
            models.Index(
                fields=["deleted_at", "id"],
                name="ticket_deleted_idx",
                condition=Q(deleted_at__isnull=False),
            ),
            models.Index(
                fields=["deleted_by"],
                name="ticket_deleted_by_idx",
                condition=Q(deleted_by__isnull=False),
            ),
            GinIndex(fields=["search_vector"], name="ticket_search_vector_idx", condition=ALIVE),
            GinIndex(
                fields=["search_text"],
                opclasses=["gin_trgm_ops"],
                name="ticket_search_text_trgm_idx",
                condition=ALIVE,
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="ticket_title_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=TicketPriority.values), name="ticket_priority_valid"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), DESCRIPTION_MAX_LENGTH),
                name="ticket_description_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE_STATUSES


class TicketChange(models.Model):
    """One entry of a ticket's activity history: who did what, when, with old and new values."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        COMMENTED = "commented", _("commented")
        DELETED = "deleted", _("deleted")
        RESTORED = "restored", _("restored")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="changes",
        db_index=False,  # change_ticket_time_idx starts with it
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    field = models.CharField(_("field"), max_length=30, blank=True, default="")
    old_value = models.JSONField(_("old value"), null=True, blank=True)
    new_value = models.JSONField(_("new value"), null=True, blank=True)
    comment = models.ForeignKey(
        "Comment",
        verbose_name=_("comment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # change_comment_idx: only "commented" entries have one
    )
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Shown to agents only.")
    )

    class Meta:
        verbose_name = _("ticket change")
        verbose_name_plural = _("ticket changes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ticket", "-created_at", "-id"], name="change_ticket_time_idx"),
            models.Index(
                fields=["comment"], name="change_comment_idx", condition=Q(comment__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["created", "changed", "commented", "deleted", "restored"]),
                name="change_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.field} on #{self.ticket_id}"


class Comment(models.Model):
    """A message on a ticket; internal ones are agents' notes that requesters never see."""

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        on_delete=models.CASCADE,
        related_name="comments",
        db_index=False,  # comment_ticket_time_idx starts with it
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="ticket_comments",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("text"))
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Agents' note, never shown to requesters.")
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"], name="comment_ticket_time_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), COMMENT_MAX_LENGTH),
                name="comment_text_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on #{self.ticket_id}"


class IdempotencyRecord(models.Model):
    """The first response to a create sent with an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    location = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
