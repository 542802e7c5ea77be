"""The ticket API: tickets, the agent picker, and authentication."""

import re
from collections.abc import Callable
from typing import Any

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import Http404, JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import filters, mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .filters import TicketFilterSet
from .models import AGENT_Q, Ticket, is_agent
from .permissions import IsAgent
from .search import ascii_number, search_rank
from .serializers import (
    CommentSerializer,
    CredentialsSerializer,
    MeSerializer,
    TicketChangeSerializer,
    TicketInputSerializer,
    TicketSerializer,
    TokenSerializer,
    UserSerializer,
)
from .services import (
    IdempotencyMismatch,
    TicketNotFound,
    VersionConflict,
    comment_create,
    idempotent_create,
    request_fingerprint,
    ticket_create,
    ticket_delete,
    ticket_restore,
    ticket_update,
)
from .throttles import LoginAddressThrottle, LoginUsernameThrottle

User = get_user_model()

FILTERS = frozenset(TicketFilterSet.base_filters)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag of the version this change is based on; a stale one gives 412.",
)


class UnprocessableEntity(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")


IDEMPOTENCY_KEY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "Makes a create safe to retry: for 24 hours the same key and body return the first "
        "response instead of creating again; the same key with another body is a 422."
    ),
)


def etag_for(ticket: Ticket) -> str:
    return f'"{ticket.version}"'


def parse_if_match(request: Request) -> int | None:
    """The version named by If-Match; None when absent or `*`. An unusable value never matches."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    tag = raw.split(",")[0].strip().removeprefix("W/")
    if tag.startswith('"') or tag.endswith('"'):
        if len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
            return -1
        tag = tag[1:-1]
    version = ascii_number(tag)
    return -1 if version is None else version


@extend_schema_view(
    list=extend_schema(summary="List tickets visible to the caller"),
    retrieve=extend_schema(summary="Get a ticket"),
    create=extend_schema(summary="File a ticket", parameters=[IDEMPOTENCY_KEY_HEADER]),
    update=extend_schema(summary="Replace a ticket's editable fields", parameters=[IF_MATCH]),
    partial_update=extend_schema(summary="Change some fields of a ticket", parameters=[IF_MATCH]),
    destroy=extend_schema(summary="Delete a ticket (agents)", parameters=[IF_MATCH]),
)
class TicketViewSet(viewsets.ModelViewSet):
    """Tickets: requesters see and edit their own; agents see and work all of them."""

    queryset = Ticket.objects.for_display()
    serializer_class = TicketSerializer
    filterset_class = TicketFilterSet

    def get_queryset(self) -> Any:
        # The stubs say QuerySet; it is a copy of `queryset`, a TicketQuerySet.
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[attr-defined]

    def filter_queryset(self, queryset: Any) -> Any:
        # Building the filter form copies every filter (milliseconds): only lists that ask for
        # filters or an ordering pay it, not reads of one ticket or plain lists.
        if self.action != "list" or self.request.query_params.keys().isdisjoint(FILTERS):
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Ticket:
        self._ticket_id()  # an id the database can hold, or 404
        return super().get_object()

    def get_search_rank(self) -> Any:
        """How a list ranks its search matches: only when the caller chose no ordering."""
        text = self.request.query_params.get("search", "").strip()
        if self.action != "list" or not text or "ordering" in self.request.query_params:
            return None
        return search_rank(text)

    def _respond(
        self, ticket: Ticket, status_code: int = status.HTTP_200_OK, **headers: str
    ) -> Response:
        return Response(
            TicketSerializer(ticket).data,
            status=status_code,
            headers={"ETag": etag_for(ticket), **headers},
        )

    def _conflict(self, conflict: VersionConflict) -> Response:
        return self._respond(conflict.current, status.HTTP_412_PRECONDITION_FAILED)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(self.get_object())

    def _create(self, request: Request) -> tuple[int, dict[str, Any], str]:
        serializer = TicketInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = ticket_create(by=request.user, data=serializer.validated_data)
        location = reverse("ticket-detail", kwargs={"pk": ticket.pk}, request=request)
        return status.HTTP_201_CREATED, TicketSerializer(ticket).data, location

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            status_code, body, location = self._create(request)
        else:
            if not IDEMPOTENCY_KEY.fullmatch(key):
                raise ValidationError(
                    {"Idempotency-Key": [_("Use 1 to 255 printable ASCII characters.")]}
                )
            try:
                status_code, body, location = idempotent_create(
                    user=request.user,
                    key=key,
                    fingerprint=request_fingerprint(request.data),
                    create=lambda: self._create(request),
                )
            except IdempotencyMismatch:
                raise UnprocessableEntity(
                    _("This Idempotency-Key was already used with a different request body.")
                ) from None
        return Response(
            body,
            status=status_code,
            headers={"Location": location, "ETag": f'"{body["version"]}"'},
        )

    def _ticket_id(self) -> int:
        number = ascii_number(str(self.kwargs["pk"]))
        if number is None:
            raise Http404
        return number

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TicketInputSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        result = self._write(ticket_update, changes=serializer.validated_data)
        return result if isinstance(result, Response) else self._respond(result)

    def _write(self, service: Callable[..., Ticket], **arguments: Any) -> Ticket | Response:
        """Runs a write service on the visible ticket, with the request's If-Match."""
        try:
            return service(
                ticket_id=self._ticket_id(),
                by=self.request.user,
                expected_version=parse_if_match(self.request),
                scope=self.get_queryset(),
                **arguments,
            )
        except TicketNotFound:
            raise Http404 from None
        except VersionConflict as conflict:
            return self._conflict(conflict)

    def _page(self, queryset: Any, serializer_class: Any, **context: Any) -> Response:
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(
            page, many=True, context={**self.get_serializer_context(), **context}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="A ticket's activity history, newest first",
        responses=TicketChangeSerializer(many=True),
    )
    @action(detail=True, serializer_class=TicketChangeSerializer, filterset_class=None)
    def history(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        changes = ticket.changes.select_related("actor").order_by("-created_at", "-id")
        if not is_agent(request.user):
            changes = changes.filter(internal=False)
        page = self.paginate_queryset(changes)
        assert page is not None  # None only without a pagination class
        user_ids = {
            value
            for change in page
            if change.field == "assignee"
            for value in (change.old_value, change.new_value)
            if isinstance(value, int)
        }
        users = {user.pk: user for user in User.objects.filter(pk__in=user_ids)} if user_ids else {}
        serializer = TicketChangeSerializer(
            page, many=True, context={**self.get_serializer_context(), "users": users}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        methods=["GET"],
        summary="Comments on a ticket, oldest first",
        responses=CommentSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Comment on a ticket",
        request=CommentSerializer,
        responses={201: CommentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=CommentSerializer,
        filterset_class=None,
    )
    def comments(self, request: Request, pk: str) -> Response:
        ticket = self.get_object()
        if request.method == "POST":
            serializer = CommentSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            comment = comment_create(ticket=ticket, by=request.user, **serializer.validated_data)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = ticket.comments.select_related("author").order_by("created_at", "id")
        if not is_agent(request.user):
            comments = comments.filter(internal=False)
        return self._page(comments, CommentSerializer)

    @extend_schema(
        summary="Deleted tickets, most recently deleted first (agents)",
        responses=TicketSerializer(many=True),
    )
    @action(
        detail=False,
        url_path="deleted",
        permission_classes=[IsAuthenticated, IsAgent],
        filterset_class=None,
    )
    def deleted(self, request: Request) -> Response:
        tickets = (
            Ticket.objects.for_display()
            .visible_to(request.user, deleted=True)
            .order_by("-deleted_at", "-id")
        )
        return self._page(tickets, TicketSerializer)

    @extend_schema(summary="Restore a deleted ticket (agents)", request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsAgent])
    def restore(self, request: Request, pk: str) -> Response:
        try:
            ticket = ticket_restore(ticket_id=self._ticket_id(), by=request.user)
        except TicketNotFound:
            raise Http404 from None
        return self._respond(ticket)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = self._write(ticket_delete)
        return result if isinstance(result, Response) else Response(status=204)


@extend_schema_view(list=extend_schema(summary="List active agents (for the assignee picker)"))
class UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Active agents, searchable by username and name; for agents only."""

    queryset = User.objects.filter(AGENT_Q).order_by("username", "id")
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated, IsAgent]
    filter_backends = [filters.SearchFilter]
    search_fields = ["username", "first_name", "last_name"]


def _authenticate_credentials(request: Request) -> Any:
    serializer = CredentialsSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    user = authenticate(request._request, **serializer.validated_data)
    if user is None or not user.is_active:
        raise ValidationError({"non_field_errors": [_("Unable to log in with these credentials.")]})
    return user


class LoginThrottled(APIView):
    """Login endpoints: anyone may call them, throttled per address and per username."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginAddressThrottle, LoginUsernameThrottle]

    def get_throttles(self) -> list[Any]:
        return [throttle() for throttle in self.throttle_classes]


class TokenView(APIView):
    """Exchanges a username and password for an API token; DELETE revokes the caller's token."""

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    def get_throttles(self) -> list[Any]:
        return [] if self.request.method == "DELETE" else LoginThrottled().get_throttles()

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        user = _authenticate_credentials(request)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Token revoked")})
    def delete(self, request: Request) -> Response:
        assert request.user.is_authenticated  # IsAuthenticated
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginView(LoginThrottled):
    """Starts a browser session (CSRF-protected, like Django's own login form)."""

    @extend_schema(request=CredentialsSerializer, responses={200: MeSerializer})
    def post(self, request: Request) -> Response:
        SessionAuthentication().enforce_csrf(request)
        user = _authenticate_credentials(request)
        login(request._request, user)
        return Response(MeSerializer(user).data)


class LogoutView(APIView):
    """Ends the browser session."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Logged out")})
    def post(self, request: Request) -> Response:
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeView(APIView):
    """Who is signed in, and in which role; also hands the SPA its CSRF cookie."""

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


@csrf_exempt
def api_not_found(request: Any, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown API paths answer in JSON like the rest of the API."""
    return JsonResponse({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
