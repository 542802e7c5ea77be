"""OpenAPI tweaks: paths as the API documents them, and the error answers every client meets."""

from typing import Any


def strip_trailing_slashes(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    """Documents `/api/tickets`, not `/api/tickets/` (both forms work)."""
    return [(path.rstrip("/") or "/", *rest) for path, *rest in endpoints]


ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "An error. `detail` explains it; for invalid input each offending field or query "
        "parameter (or `non_field_errors`) maps to a list of messages."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

COMMON_ERRORS = {
    "400": "Invalid input: messages per field or query parameter.",
    "401": "Not authenticated.",
    "403": "Not allowed for this role.",
    "404": "Not found, or not visible to the caller.",
    "405": "Method not allowed.",
    "415": "Unsupported media type.",
    "429": "Too many requests; see Retry-After.",
    "503": "The database is unavailable; retry shortly.",
}
WRITE_ERRORS = {"412": "If-Match names an older version; the body is the current ticket."}
CREATE_ERRORS = {"422": "The Idempotency-Key was used before with a different body."}


def _error(description: str) -> dict[str, Any]:
    content = {"schema": {"$ref": "#/components/schemas/Error"}}
    return {"description": description, "content": {"application/json": content}}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Documents the JSON errors the exception handler produces for every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ticket = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ticket"}}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in COMMON_ERRORS.items():
                responses.setdefault(code, _error(description))
            if path == "/api/tickets/{id}" and method in ("put", "patch", "delete"):
                responses.setdefault("412", {"description": WRITE_ERRORS["412"], **ticket})
            if path in ("/api/tickets", "/api/ticket") and method == "post":
                responses.setdefault("422", _error(CREATE_ERRORS["422"]))
    return result


ALWAYS_COMPLETE = ("Ticket", "Comment", "TicketChange", "User", "Me")


def require_response_fields(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Our representations always carry every field: say so, so clients need no optionals."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in ALWAYS_COMPLETE:
        if name in schemas and "properties" in schemas[name]:
            schemas[name]["required"] = list(schemas[name]["properties"])
    return result
