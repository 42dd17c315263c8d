"""gunicorn settings of the web process: `gunicorn -c config/gunicorn.py config.wsgi`.

benchmarks/load_votes.py starts gunicorn with this file, so its figures are those of what is deployed.
Each value can be changed by the environment variable read next to it, or on gunicorn's command line.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# A request mostly waits on PostgreSQL and Redis round trips: threads overlap those waits, and a few
# processes use every core (measured on 2 cores: cores + 1 processes of 8 threads).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# One request per connection. The reverse proxy keeps the browsers' connections alive; behind it, a
# connection that gunicorn kept alive would stay with the process that accepted it, and processes end
# up unevenly loaded (measured with 50 keep-alive clients on 3 processes: 42, 4 and 4 connections, the
# busiest process saturated while the others idled, p95 latency doubled).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))

# Load the application (and warm it up: config/wsgi.py) once in the master process, before forking:
# workers start ready, and share that memory until they write to it.
preload_app = True

# Requests slower than this are killed and logged (the slowest pages answer in well under a second).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
