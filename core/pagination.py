"""Pages whose count stays cheap at national scale.

A plain page count is COUNT(*) over every visible row: the central union sees 2,000,000
assignments, and counting them costs more than reading the page. Here the count stops at
COUNT_CAP (a subquery with LIMIT), and pages beyond it are reached by filtering, not paging:
nobody reads page 400 of anything.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count is at most COUNT_CAP; `capped` says whether more rows exist."""

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list[: COUNT_CAP + 1]
        return rows.count() if isinstance(rows, QuerySet) else len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


class CappedPagination(PageNumberPagination):
    """The API's pages (DEFAULT_PAGINATION_CLASS): `count` stops at COUNT_CAP and `count_capped`
    says that it did; `page_size` may be asked for, up to 200."""

    django_paginator_class = CappedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_capped": paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_capped"] = {
            "type": "boolean", "description": f"The count stopped at {COUNT_CAP}: filter to see further.",
        }
        described["required"] = [*described.get("required", []), "count_capped"]
        return described
