"""gunicorn settings for the web process (Procfile: `gunicorn config.wsgi -c config/gunicorn.conf.py`).

Sized from the machine by default; each value can be set from the environment, and a bad value
stops start-up naming the variable (config.env). docs/deploy.md says how to size them against
PostgreSQL's connections.
"""

import gc
import os

from config.env import ConfigError, env_int, env_str

#: Processes beyond this many add memory and PostgreSQL connections, not throughput, on the
#: machines we deploy to; set WEB_CONCURRENCY to go past it on purpose.
MAX_DEFAULT_WORKERS = 8
DEFAULT_THREADS = 4


def default_workers(cores: int | None) -> int:
    # 2 × cores + 1: one process per core works while another waits on PostgreSQL or the network.
    return min(2 * (cores or 1) + 1, MAX_DEFAULT_WORKERS)


def positive(name: str, value: int) -> int:
    if value < 1:
        raise ConfigError(f"Environment variable {name}={value} must be at least 1.")
    return value


# gunicorn itself reads WEB_CONCURRENCY only when no config file sets `workers`; this one does,
# so it reads the variable too.
workers = positive("WEB_CONCURRENCY", env_int("WEB_CONCURRENCY", default_workers(os.cpu_count())))
# Threads (gthread worker): a request waiting on the database or a PDF does not hold the whole
# process. Each thread may hold its own PostgreSQL connection (CONN_MAX_AGE), so a machine opens
# up to workers × threads of them.
threads = positive("GUNICORN_THREADS", env_int("GUNICORN_THREADS", DEFAULT_THREADS))
# As the Procfile did before (${HOST:-127.0.0.1}, so empty means unset too): loopback unless told,
# behind the reverse proxy that terminates TLS.
bind = [f"{env_str('HOST', '') or '127.0.0.1'}:{positive('PORT', env_int('PORT', 8000))}"]
# One line per request on stdout, beside the application's log (honcho, journald or docker collect it).
accesslog = "-"
# gunicorn's default line, plus the time the request took in the worker (milliseconds): set
# against the time the client saw, it tells slow code from requests waiting for a free thread.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"


def post_worker_init(worker):
    """Once the worker has loaded the application: its modules, settings and templates live as
    long as the process, so they are moved out of the garbage collector's reach. A full collection
    otherwise walks them all, a pause of about 120 ms in the middle of some request (measured on
    the plan page of the national dataset, docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
