"""Gunicorn settings for Maraude: `gunicorn -c deploy/gunicorn.conf.py maraude.wsgi`.

Override any value without editing this file: on the command line (`--workers 3`), which wins,
or in GUNICORN_CMD_ARGS. The Django settings come from the environment (docs/settings.md).
"""

import os

# Behind nginx on the same machine; compose.yaml and containers pass --bind 0.0.0.0:8000.
bind = "127.0.0.1:8000"

# The classic (2 x CPUs) + 1 sync workers, counting only the CPUs this process may use
# (a container's cpuset), capped so a small server does not run out of memory (~120 MB each).
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
workers = min(2 * _cpus + 1, 8)
worker_class = "sync"

# A request taking longer than this is killed (PDF summaries are the slowest: a few seconds).
# nginx's proxy_read_timeout is the same, so the client gets the app's 502 rather than a hang.
timeout = 60
graceful_timeout = 30
# nginx keeps connections to the app open between requests.
keepalive = 5

# Recycle workers now and then, so a slow leak never grows into an outage.
max_requests = 1000
max_requests_jitter = 100

# Worker heartbeats in memory, not on a disk that may be slow (recommended in containers).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Access log on standard output (journald or the container log), with the real client address
# from nginx and the request time in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'

# The proxy in front is trusted for X-Forwarded-Proto (HTTPS detection); nothing else is.
forwarded_allow_ips = "127.0.0.1,::1"
