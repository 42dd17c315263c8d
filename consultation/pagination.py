"""Pagination of the public API (settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]).

Its own module: DRF imports it while its generic views are being defined, so it must not import them.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE_SIZE = 1000


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` as DRF's, but a value that is not a whole number in range is a 400 with a
    translated message (DRF ignored it silently, and passed any limit to the database: a huge one was a
    500), and `limit` is capped at MAX_PAGE_SIZE."""

    max_limit = MAX_PAGE_SIZE

    def _whole_number(self, request, name: str, minimum: int, default: int) -> int:
        raw = request.query_params.getlist(name)
        if not raw:
            return default
        if len(raw) > 1 or not raw[0].isascii() or not raw[0].isdigit() or int(raw[0]) < minimum:
            raise ValidationError({name: _("“%(name)s” must be one whole number, %(minimum)s or more.")
                                   % {"name": name, "minimum": minimum}})  # fmt: skip
        return int(raw[0])

    def get_limit(self, request):
        return min(self._whole_number(request, self.limit_query_param, 1, self.default_limit), self.max_limit)

    def get_offset(self, request):
        return self._whole_number(request, self.offset_query_param, 0, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"].update(minimum=1, maximum=self.max_limit, default=self.default_limit)
        offset["schema"].update(minimum=0, default=0)
        return [limit, offset]
