"""Gunicorn settings shared by the container image, docker compose, the Helm chart and CI.

Every value a deployment may want to change is read from the environment, so the same image
serves a laptop and a cluster. Gunicorn loads this file with `--config config/gunicorn.conf.py`.
"""

import os
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# A container sees the node's cores, not its CPU limit, so the default is a fixed small number;
# scale with replicas, or raise it per deployment. GUNICORN_WORKERS wins over the PaaS-style
# WEB_CONCURRENCY.
workers = _env_int("GUNICORN_WORKERS", _env_int("WEB_CONCURRENCY", 2))
threads = _env_int("GUNICORN_THREADS", 1)

# A request that takes longer than this is stuck: the worker is killed and replaced.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a rolling update, `docker compose down`) workers finish in-flight requests first;
# keep this below the pod's terminationGracePeriodSeconds.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
# Longer than a load balancer would wait is pointless; shorter than its idle timeout causes 502s.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak can never take a pod down.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 2000)
# Workers fork from a master that has imported the app already, so a recycled worker serves
# again within milliseconds instead of importing Django for half a second while the other
# workers take its connections (a p99 spike under load). No connection is open at import time.
# A code change then needs a restart of the master, not just SIGHUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in ("0", "false")

# Logs go to stdout/stderr for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The heartbeat files must live on a writable filesystem: the root filesystem is read-only in
# Kubernetes, and /dev/shm (a tmpfs) avoids stalls of a disk-backed /tmp.
worker_tmp_dir = (
    "/dev/shm" if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else None
)

# The runtime control socket would be written under $HOME, which is read-only in the image.
control_socket_disable = True
