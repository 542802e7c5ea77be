"""JSON representations of tickets and users."""

import copy
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    AGENT_Q,
    COMMENT_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Comment,
    Ticket,
    TicketChange,
    display_name,
    is_agent,
)

User = get_user_model()


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers and booleans instead of silently converting them."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ListedChoiceField(serializers.ChoiceField):
    """A ChoiceField whose error names the allowed values."""

    default_error_messages = {
        "invalid_choice": _('"{input}" is not a valid choice. Allowed values: {allowed}.'),
    }

    def to_internal_value(self, data: Any) -> Any:
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            self.fail("invalid_choice", input=data, allowed=", ".join(map(str, self.choices)))


class AgentField(serializers.PrimaryKeyRelatedField):
    """An agent referred to by user id."""

    default_error_messages = {
        "does_not_exist": _("User {pk_value} does not exist or is not an agent."),
        "incorrect_type": _("Expected a user id (integer), received {data_type}."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def iso_datetime(value: Any) -> str | None:
    """ISO 8601 with a `Z` for UTC, exactly as DRF renders datetimes."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def ticket_representation(ticket: Ticket) -> dict[str, Any]:
    """A ticket as the API shows it (TicketSerializer's output). Hand-built: the generic
    field-by-field path dominates the cost of a list page, and writes answer with this without
    making a serializer."""
    return {
        "id": ticket.pk,
        "title": ticket.title,
        "description": ticket.description,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id,
        "assignee_name": display_name(ticket.assignee) if ticket.assignee_id else None,
        "requester": ticket.requester_id,
        "requester_name": display_name(ticket.requester),
        "created_at": iso_datetime(ticket.created_at),
        "updated_at": iso_datetime(ticket.updated_at),
        "resolved_at": iso_datetime(ticket.resolved_at),
        "version": ticket.version,
    }


class TicketFields(serializers.Serializer):
    """The fields of a ticket that clients write."""

    title = StrictCharField(max_length=TITLE_MAX_LENGTH)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False, trim_whitespace=False
    )
    status = ListedChoiceField(choices=Ticket.Status.choices, required=False)
    priority = ListedChoiceField(choices=Ticket.Priority.choices, required=False)
    assignee = AgentField(queryset=User.objects.filter(AGENT_Q), allow_null=True, required=False)


class TicketInputSerializer(TicketFields):
    """Validates a ticket as clients write it: the writable fields of TicketSerializer, without
    the model introspection a ModelSerializer repeats for every instance."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # Shallow copies: binding sets the copy's own name and parent, and nothing in these
        # fields changes while validating. DRF's deep copy rebuilds each field from deep copies
        # of its arguments, which cost more than the validation itself.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}


class TicketSerializer(TicketFields, serializers.ModelSerializer):
    """A ticket as the API reads and writes it; user references are ids with display names."""

    assignee_name = serializers.SerializerMethodField()
    requester_name = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
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
        ]
        read_only_fields = ["id", "requester", "created_at", "updated_at", "resolved_at", "version"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_assignee_name(self, ticket: Ticket) -> str | None:
        return display_name(ticket.assignee)

    @extend_schema_field({"type": "string"})
    def get_requester_name(self, ticket: Ticket) -> str | None:
        return display_name(ticket.requester)

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        return ticket_representation(ticket)


class UserSerializer(serializers.ModelSerializer):
    """A user as pickers and tables show them."""

    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]

    def get_display_name(self, user: Any) -> str:
        return display_name(user) or ""


class MeSerializer(UserSerializer):
    """The signed-in user with their role."""

    role = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "role"]

    @extend_schema_field({"type": "string", "enum": ["agent", "requester"]})
    def get_role(self, user: Any) -> str:
        return "agent" if is_agent(user) else "requester"


class CredentialsSerializer(serializers.Serializer):
    """Username and password for a login."""

    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    """An API token to send as `Authorization: Token <key>`."""

    token = serializers.CharField(read_only=True)


class CommentSerializer(serializers.ModelSerializer):
    """A comment on a ticket; `internal` ones are visible to agents only."""

    text = StrictCharField(max_length=COMMENT_MAX_LENGTH)
    internal = serializers.BooleanField(required=False, default=False)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "ticket", "author", "author_name", "created_at", "text", "internal"]
        read_only_fields = ["id", "ticket", "author", "created_at"]

    @extend_schema_field({"type": "string"})
    def get_author_name(self, comment: Comment) -> str | None:
        return display_name(comment.author)


class TicketChangeSerializer(serializers.ModelSerializer):
    """A history entry; values as the API writes them, each with a label people can read."""

    actor_name = serializers.SerializerMethodField()
    old_label = serializers.SerializerMethodField()
    new_label = serializers.SerializerMethodField()

    class Meta:
        model = TicketChange
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "action",
            "field",
            "old_value",
            "new_value",
            "old_label",
            "new_label",
            "comment",
            "internal",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_actor_name(self, change: TicketChange) -> str | None:
        return display_name(change.actor)

    def _label(self, field: str, value: Any) -> str | None:
        if value is None or not field:
            return None
        if field in ("status", "priority"):
            choices = Ticket.Status if field == "status" else Ticket.Priority
            return str(choices(value).label) if value in choices.values else str(value)
        if field == "assignee":
            users = self.context.get("users", {})
            return display_name(users.get(value)) or f"#{value}"
        return str(value)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_old_label(self, change: TicketChange) -> str | None:
        return self._label(change.field, change.old_value)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_new_label(self, change: TicketChange) -> str | None:
        return self._label(change.field, change.new_value)
