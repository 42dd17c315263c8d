"""Migration 0014 split an address's vote window into shards; going back merges them, so that the
unique key without the shard accepts the rows (it refused any address that had voted from two shards)."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.helpers import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

SHARDED = [("consultation", "0014_rate_window_address_shards")]
BEFORE = [("consultation", "0013_a11ymap_import_language_column")]


def test_going_back_merges_an_addresss_shards_into_one_window():
    sharded = migrate_to(SHARDED)
    try:
        RateWindow = sharded.get_model("consultation", "RateWindow")
        now = timezone.now()
        window = {"action": "vote", "seconds": 60, "hit_limit": 10}
        ended = now - dt.timedelta(hours=1)
        RateWindow.objects.bulk_create(
            [
                RateWindow(scope="ip", key="shared", shard=0, started_at=now, hits=2, **window),
                RateWindow(scope="ip", key="shared", shard=3, started_at=now, hits=4, **window),
                # Ended: counted nothing in the sharded limit, nothing once merged.
                RateWindow(scope="ip", key="shared", shard=5, started_at=ended, hits=9, **window),
                RateWindow(scope="ip", key="alone", shard=7, started_at=now, hits=1, **window),
                RateWindow(scope="user", key="42", shard=0, started_at=now, hits=3, **window),
            ]
        )
        old = migrate_to(BEFORE)
        rows = old.get_model("consultation", "RateWindow").objects.values_list("scope", "key", "hits")
        assert sorted(rows) == [("ip", "alone", 1), ("ip", "shared", 6), ("user", "42", 3)]
        migrate_to(SHARDED)
        shards = sharded.get_model("consultation", "RateWindow").objects.values_list("key", "shard")
        assert sorted(shards) == [("42", 0), ("alone", 0), ("shared", 0)]
    finally:
        migrate_to_latest("consultation")
