"""gunicorn's settings for the bot (the Procfile and deploy/nginx.conf use them).

    gunicorn -c deploy/gunicorn.conf.py 'bot:create_app()'

gthread workers: each thread waits on Redis and Twilio's client, not the CPU. Behind nginx (deploy/nginx.conf)
every request arrives whole, so a slow client never holds a thread. /metrics adds up every worker's counts
through PROMETHEUS_MULTIPROC_DIR (a fresh folder at each start; a worker's files are marked when it exits).
"""

import os
import shutil
import tempfile

bind = os.environ.get("HOTLINE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 14  # seconds: under Twilio's 15
graceful_timeout = 10
keepalive = 5
accesslog = None  # request lines would hold URLs and addresses: keep none

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "hotline-bot-metrics"))


def on_starting(server):
    """Start every run with empty metric files: counts restart with the service, as Prometheus expects."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    """A worker that exits leaves its counters behind, marked dead (gauges would be dropped)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
