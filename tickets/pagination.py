"""Page-number pagination that rejects malformed paging instead of guessing."""

from typing import Any

from django.core.paginator import InvalidPage
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` and `page_size` (default 25, capped at 100); a bad value is a 400 naming it."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {"page_size": [_("Enter a whole number from 1 to %d.") % self.max_page_size]}
            )
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any]:
        self.request = request
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page": [_("Enter a whole number from 1.")]})
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        try:
            self.page = paginator.page(int(raw))
        except InvalidPage:
            raise ValidationError(
                {
                    "page": [
                        _("There is no page %(page)s: the last page is %(last)d.")
                        % {"page": raw, "last": paginator.num_pages}
                    ]
                }
            ) from None
        self.display_page_controls = paginator.num_pages > 1
        return list(self.page)
