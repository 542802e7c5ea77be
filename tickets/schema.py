"""OpenAPI tweaks: paths as the API documents them (no trailing slash; both forms work)."""

from typing import Any


def strip_trailing_slashes(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    return [(path.rstrip("/") or "/", *rest) for path, *rest in endpoints]
