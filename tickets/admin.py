"""Django admin for back-office agents."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Comment, Ticket, TicketChange, TicketStatus
from .search import search_condition
from .services import (
    VersionConflict,
    ticket_bulk_update,
    ticket_create,
    ticket_delete,
    ticket_restore,
    ticket_update,
)

EDITABLE = ("title", "description", "status", "priority", "assignee")


def _set_status_action(status: TicketStatus) -> Any:
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


class TicketAdminForm(forms.ModelForm):
    """The ticket form, remembering which version it was opened at."""

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Ticket
        fields = ["title", "description", "status", "priority", "assignee", "requester"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        base = cleaned.get("base_version")
        if self.instance.pk and base is not None and base != self.current_version():
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def current_version(self) -> int | None:
        return Ticket.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()


STALE_MESSAGE = _(
    "Someone else changed this ticket while you were editing it. Open it again to see "
    "their changes, then reapply yours."
)


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Not deleted")), ("yes", _("Deleted"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class TicketChangeInline(admin.TabularInline):
    """The ticket's history, read-only, newest first."""

    model = TicketChange
    fk_name = "ticket"
    fields = ("created_at", "actor", "action", "field", "old_value", "new_value", "internal")
    readonly_fields = fields
    ordering = ("-created_at", "-id")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("actor")


class CommentInline(admin.StackedInline):
    """Comments, read-only here: agents add them through the app or the API."""

    model = Comment
    fields = ("created_at", "author", "internal", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("author")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """The back-office ticket list: filter, search, bulk-triage, edit, delete and restore."""

    form = TicketAdminForm
    inlines = [CommentInline, TicketChangeInline]

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
        DeletedFilter,
        "status",
        "priority",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("title", "description")
    list_select_related = ("assignee", "requester")
    autocomplete_fields = ("assignee", "requester")
    readonly_fields = ("created_at", "updated_at", "resolved_at", "version", "deleted_at")
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    fieldsets = (
        (None, {"fields": ("title", "description")}),
        (_("Triage"), {"fields": ("status", "priority", "assignee", "requester")}),
        (
            _("Timestamps"),
            {"fields": ("created_at", "updated_at", "resolved_at", "deleted_at", "version")},
        ),
        (None, {"fields": ("base_version",), "classes": ("hidden",)}),
    )
    actions = [
        *(_set_status_action(status) for status in Ticket.Status),
        "assign_to_me",
        "unassign",
        "delete_tickets",
        "restore_tickets",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The same scope as the API's, deleted tickets included (the "deleted" filter).
        # The stubs say QuerySet; Ticket's default manager makes TicketQuerySets.
        return super().get_queryset(request).visible_to(request.user, deleted=None)  # type: ignore[attr-defined]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> Any:
        """The API's search: substrings, word forms, and a number finds the ticket with that id."""
        text = search_term.strip()
        if not text:
            return queryset, False
        return queryset.filter(search_condition(text)), False

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

    @admin.action(description=_("Delete selected tickets (can be restored)"))
    def delete_tickets(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.delete_queryset(request, queryset)
        self.message_user(request, _("Tickets deleted; they can be restored."))

    @admin.action(description=_("Restore selected tickets"))
    def restore_tickets(self, request: HttpRequest, queryset: QuerySet) -> None:
        for ticket_id in queryset.values_list("pk", flat=True):
            ticket_restore(ticket_id=ticket_id, by=request.user)
        self.message_user(request, _("Tickets restored."))

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # Django's own bulk delete would erase history; ours keeps it.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_model(self, request: HttpRequest, obj: Ticket) -> None:
        ticket_delete(ticket_id=obj.pk, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for ticket_id in queryset.filter(deleted_at__isnull=True).values_list("pk", flat=True):
            ticket_delete(ticket_id=ticket_id, by=request.user)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except VersionConflict:
            # Lost the race between the form's check and the write: nothing was saved.
            self.message_user(request, STALE_MESSAGE, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Ticket, form: Any, change: bool) -> None:
        data = {field: form.cleaned_data[field] for field in EDITABLE if field in form.cleaned_data}
        if not change:
            requester = form.cleaned_data.get("requester") or request.user
            created = ticket_create(by=request.user, requester=requester, data=data)
            obj.pk = created.pk
            return
        updated = ticket_update(
            ticket_id=obj.pk,
            by=request.user,
            changes=data,
            expected_version=form.cleaned_data.get("base_version"),
        )
        obj.version = updated.version
