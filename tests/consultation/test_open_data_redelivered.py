"""A build of the open data delivered twice (tasks are acknowledged late: a worker lost after building and
before acknowledging) stores one archive, whose date does not move (issue #22)."""

from pathlib import Path

import pytest
from django.conf import settings

from consultation import services
from consultation.models import OpenDataExport
from consultation.tasks import build_open_data
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db


def test_a_second_delivery_of_a_built_export_builds_nothing(organiser, eager_celery):
    consultation = make_consultation("deux-fois")
    export = services.request_open_data_export(actor=organiser, consultation=consultation)
    build_open_data.apply(args=[export.pk])
    export.refresh_from_db()
    assert export.state == OpenDataExport.State.DONE
    built_at, name = export.finished_at, export.file.name

    build_open_data.apply(args=[export.pk])

    export.refresh_from_db()
    assert (export.finished_at, export.file.name) == (built_at, name)
    assert [p.name for p in (Path(settings.MEDIA_ROOT) / "opendata").iterdir()] == [Path(name).name]
