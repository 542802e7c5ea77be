"""Django admin for back-office agents."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .filters import MAX_ID
from .models import Ticket
from .services import ticket_bulk_update, ticket_create, ticket_update

EDITABLE = ("title", "description", "status", "priority", "assignee")


def _set_status_action(status: Ticket.Status) -> Any:
    @admin.action(description=format_lazy(_("Set status: {}"), status.label))
    def action(modeladmin: "TicketAdmin", request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = ticket_bulk_update(
            ticket_ids=ids, by=request.user, changes={"status": status.value}
        )
        modeladmin.message_user(
            request,
            ngettext("%(count)d ticket updated.", "%(count)d tickets updated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    action.__name__ = f"set_status_{status.value}"
    return action


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """The back-office ticket list: filter, search, bulk-triage, edit."""

    list_display = (
        "id",
        "title",
        "status",
        "priority",
        "assignee",
        "requester",
        "created_at",
        "updated_at",
    )
    list_display_links = ("id", "title")
    list_filter = (
        "status",
        "priority",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("title", "description")
    list_select_related = ("assignee", "requester")
    autocomplete_fields = ("assignee", "requester")
    readonly_fields = ("created_at", "updated_at", "resolved_at", "version")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("title", "description")}),
        (_("Triage"), {"fields": ("status", "priority", "assignee", "requester")}),
        (_("Timestamps"), {"fields": ("created_at", "updated_at", "resolved_at", "version")}),
    )
    actions = [
        *(_set_status_action(status) for status in Ticket.Status),
        "assign_to_me",
        "unassign",
    ]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> Any:
        """Text search in title and description; a number also finds the ticket with that id."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().lstrip("#")
        if number.isdigit() and int(number) <= MAX_ID:
            found = found | queryset.filter(pk=int(number))
        return found, may_have_duplicates

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = ticket_bulk_update(
            ticket_ids=ids, by=request.user, changes={"assignee": request.user}
        )
        self.message_user(request, _("%(count)d tickets assigned to you.") % {"count": count})

    @admin.action(description=_("Unassign"))
    def unassign(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = ticket_bulk_update(ticket_ids=ids, by=request.user, changes={"assignee": None})
        self.message_user(request, _("%(count)d tickets unassigned.") % {"count": count})

    def save_model(self, request: HttpRequest, obj: Ticket, form: Any, change: bool) -> None:
        data = {field: form.cleaned_data[field] for field in EDITABLE if field in form.cleaned_data}
        if not change:
            requester = form.cleaned_data.get("requester") or request.user
            created = ticket_create(by=request.user, requester=requester, data=data)
            obj.pk = created.pk
            return
        updated = ticket_update(ticket_id=obj.pk, by=request.user, changes=data)
        obj.version = updated.version
