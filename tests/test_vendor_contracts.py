"""Contracts of the private library APIs Pacte relies on (accounts/vendor.py, config/cache.py): an
upgrade that moves or changes one fails here, naming the function to revisit, instead of somewhere in
a page."""

import inspect

import pytest
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.test import RequestFactory

from accounts import vendor


def test_django_redis_cache_keeps_its_client_where_vendor_redis_client_reads_it():
    backend = RedisCache("redis://127.0.0.1:6379/0", {})
    assert hasattr(backend, "_cache"), "Django moved RedisCache._cache: update accounts.vendor.redis_client"
    client = vendor.redis_client(backend)
    assert hasattr(client, "pipeline") and hasattr(client, "incr")


def test_django_redis_cache_client_internals_used_by_config_cache():
    assert "write" in inspect.signature(RedisCacheClient._get_connection_pool).parameters, (
        "Django changed RedisCacheClient._get_connection_pool: update config/cache.py _ReusingClient"
    )
    client = RedisCache("redis://127.0.0.1:6379/0", {})._cache
    assert isinstance(client, RedisCacheClient) and callable(client._client), (
        "Django changed RedisCacheClient._client: update config/cache.py _ReusingClient"
    )


@pytest.mark.django_db
def test_allauth_authentication_records_round_trip(citizen):
    request = RequestFactory().get("/")
    request.session = {}
    request.user = citizen
    assert vendor.password_authentications(request, citizen) == []
    vendor.record_reauthentication(request, citizen)
    (record,) = vendor.password_authentications(request, citizen)
    assert record["method"] == "password" and isinstance(record.get("at"), int | float)
