"""Pagination of the public API (settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]).

Its own module: DRF imports it while its generic views are being defined, so it must not import them.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE_SIZE = 1000


class Pagination(LimitOffsetPagination):
    """`limit` and `offset` as DRF's, but a value that is not one whole number in range (`limit` from 1
    to MAX_PAGE_SIZE) is a 400 with a translated message, as the schema says. DRF ignored such values
    silently, and passed any limit to the database: a huge one was a 500 (found by schemathesis)."""

    max_limit = MAX_PAGE_SIZE

    def _whole_number(
        self, request, name: str, default: int, minimum: int, maximum: int | None = None
    ) -> int:
        raw = request.query_params.getlist(name)
        if not raw:
            return default
        value = int(raw[0]) if len(raw) == 1 and raw[0].isascii() and raw[0].isdigit() else None
        if value is None or value < minimum or (maximum is not None and value > maximum):
            if maximum is None:
                message = _("“%(name)s” must be one whole number, %(minimum)s or more.")
            else:
                message = _("“%(name)s” must be one whole number from %(minimum)s to %(maximum)s.")
            raise ValidationError({name: message % {"name": name, "minimum": minimum, "maximum": maximum}})
        return value

    def get_limit(self, request):
        return self._whole_number(request, self.limit_query_param, self.default_limit, 1, self.max_limit)

    def get_offset(self, request):
        return self._whole_number(request, self.offset_query_param, 0, 0)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["schema"].update(minimum=1, maximum=self.max_limit, default=self.default_limit)
        offset["schema"].update(minimum=0, default=0)
        return [limit, offset]
