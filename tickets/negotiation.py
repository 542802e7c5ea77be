"""Content negotiation that answers the Accept headers of API clients without parsing them."""

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation

# What the SPA and scripts send (and no header at all, which DRF reads as */*). Any other value
# is negotiated by DRF as usual; the answers kept are bounded by this set, not by clients.
COMMON_ACCEPT = frozenset({"*/*", "application/json"})


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with its answer for a common Accept header kept per renderer classes.

    DRF parses the header into media types, ranks them and matches each against each renderer
    on every request, and reading the header builds `request.headers` from the whole WSGI
    environment: a tenth of what Django and DRF spend on reading one ticket. The answer depends
    only on the header and the renderers, so it is worked out by DRF once and reused.
    """

    _kept: dict[tuple[str, tuple[type, ...]], tuple[int, str]] = {}

    # Renderers are picked by index, so a list: DRF passes get_renderers(); the stubs say Iterable.
    def select_renderer(  # type: ignore[override]
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        accept = request.META.get("HTTP_ACCEPT", "*/*")
        if (
            accept not in COMMON_ACCEPT
            or format_suffix
            or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        ):
            return super().select_renderer(request, renderers, format_suffix)
        key = (accept, tuple(type(renderer) for renderer in renderers))
        kept = self._kept.get(key)
        if kept is None:
            renderer, media_type = super().select_renderer(request, renderers, format_suffix)
            kept = self._kept[key] = (renderers.index(renderer), media_type)
        return renderers[kept[0]], kept[1]
