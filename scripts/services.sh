#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 for the test suite (start them when they are
# installed but stopped, say so in one line when they are missing), and that headless Chromium is there
# for the browser tests (installed from Debian's packages when running as root).
set -u
PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

wait_for() {  # wait_for <seconds> <command...>
  local n=$1; shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}

if ! pg_isready -h $PG_HOST -p $PG_PORT >/dev/null 2>&1; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "PostgreSQL is stopped: starting it"
    for version in $(ls /etc/postgresql); do
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    wait_for 30 pg_isready -h $PG_HOST -p $PG_PORT || { echo "PostgreSQL did not start on $PG_HOST:$PG_PORT"; exit 1; }
  else
    echo "PostgreSQL is not installed: install it (Debian: apt-get install postgresql) and run make test again"
    exit 1
  fi
fi
# The suite's base database (pytest-django creates test_pacte next to it).
psql -h $PG_HOST -p $PG_PORT -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='pacte'" | grep -q 1 \
  || createdb -h $PG_HOST -p $PG_PORT -U postgres pacte

if ! redis-cli -h $PG_HOST -p $REDIS_PORT ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Redis is stopped: starting it"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port $REDIS_PORT --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for 30 redis-cli -h $PG_HOST -p $REDIS_PORT ping || { echo "Redis did not start on port $REDIS_PORT"; exit 1; }
  else
    echo "Redis is not installed: install it (Debian: apt-get install redis-server) and run make test again"
    exit 1
  fi
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is missing (browser tests): installing Debian's chromium and chromium-driver"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || { echo "Could not install chromium and chromium-driver"; exit 1; }
  else
    echo "Chromium is missing: install chromium and chromium-driver (Debian) for the browser tests"
    exit 1
  fi
fi
echo "PostgreSQL, Redis and Chromium are ready"
