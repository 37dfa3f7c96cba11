"""Gunicorn for the warm benchmark: the site's WSGI app on 127.0.0.1, no access log.

The access log is off so that both sides of the comparison (the app and WhiteNoise) are
measured without a cost neither of them decides; max_requests is off so that no worker is
recycled in the middle of a measurement.
"""

import os

bind = os.environ["BENCH_BIND"]
workers = int(os.environ.get("BENCH_WORKERS", "2"))
worker_class = os.environ.get("BENCH_WORKER_CLASS", "sync")
threads = int(os.environ.get("BENCH_THREADS", "1"))
keepalive = 5
timeout = 30
accesslog = None
errorlog = os.environ.get("BENCH_ERRORLOG", "-")
loglevel = "warning"
