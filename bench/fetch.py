"""Fetch pipeline: 200 slow pages fetched by real Celery workers on the real Redis.

A threaded server on 127.0.0.1 answers every page after 200 ms with a small article page.
For each concurrency C a Celery worker (prefork pool, C processes, queue "fetch") runs on a
Redis database of its own, flushed before and after, with FETCH_ALLOWLIST naming the server.
The bench creates the articles with articles.services.article_create (which queues their
fetch) and waits until every one is fetched; the target is 0.8 x C / 0.2 s pages a second,
and every article must come back with its page's title.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import (
    BROKER_REDIS_URL,
    Result,
    bench_env,
    celery_worker,
    flush_redis,
    heading,
)

PAGES = 200
DELAY = 0.2  # seconds before the server answers
CONCURRENCIES = (8, 16)
RUNS = 3
POOL = os.environ.get("BENCH_FETCH_POOL", "prefork")
TARGET_SHARE = 0.8
URL_PREFIX = "http://127.0.0.1:"

PARAGRAPHS = [
    "研究团队在周二发布的技术报告中介绍了新模型的训练方法。与上一代相比，新模型使用了经过严格"
    "清洗的多语言语料，并在数学与代码任务上做了专门的强化学习。",
    "在公开的评测中，该模型在多项推理基准上超过了参数规模更大的对手。作者强调，这些提升主要"
    "来自数据质量和训练流程的改进，而不是单纯扩大参数量。",
    "The release includes model weights under a permissive license, an inference server and "
    "a small evaluation harness, so that other groups can reproduce the headline numbers.",
    "业内人士认为，开源权重会进一步降低中小团队使用大模型的门槛，但部署成本和安全评估仍然是"
    "落地时需要面对的现实问题。",
]


def title_for(number: int) -> str:
    return f"基准测试文章 {number}：开源推理模型在数学任务上超越更大的对手"


def page_for(number: int, url: str) -> bytes:
    title = title_for(number)
    body = "\n".join(f"<p>{text}</p>" for text in PARAGRAPHS * 2)
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} | Bench Daily</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{PARAGRAPHS[0][:80]}">
<meta name="author" content="李雷">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Bench Daily">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="2024-05-0{number % 9 + 1}T08:00:00+08:00">
<link rel="canonical" href="{url}">
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header>
<nav><a href="/">Bench Daily</a> <a href="/ai/">人工智能</a> <a href="/about/">关于</a></nav>
</header>
<main>
<article>
<h1>{title}</h1>
<p class="byline">作者：李雷 · 2024 年 5 月</p>
{body}
<p>论文地址：<a href="https://arxiv.org/abs/2405.{number:05d}">arXiv</a>，
代码：<a href="https://github.com/bench-daily/model-{number}">GitHub</a></p>
</article>
</main>
<footer><p>© 2024 Bench Daily</p></footer>
</body>
</html>
""".encode()


class SlowPages(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops bursts of connections

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SlowPageHandler)
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()


class SlowPageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SlowPages

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] += 1
        time.sleep(DELAY)
        number = int(self.path.rstrip("/").rsplit("/", 1)[-1])
        body = page_for(number, f"http://127.0.0.1:{self.server.server_port}{self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextlib.contextmanager
def worker(concurrency: int, allow: str):
    env = {
        **os.environ,
        **bench_env(),
        # BENCH_WORKER_SETTINGS tries a settings change on the workers alone.
        "DJANGO_SETTINGS_MODULE": os.environ.get("BENCH_WORKER_SETTINGS", "briefroom.settings"),
        "REDIS_URL": BROKER_REDIS_URL,
        "CELERY_BROKER_URL": BROKER_REDIS_URL,
        "FETCH_ALLOWLIST": allow,
    }
    with celery_worker(
        name=f"bench-fetch-{os.getpid()}-{concurrency}@bench",
        queue="fetch",
        concurrency=concurrency,
        pool=POOL,
        env=env,
        log=Path(f"/tmp/briefroom-bench-worker-{os.getpid()}-{concurrency}.log"),
    ) as process:
        yield process


def fetch_all(server: SlowPages, prefix: str, numbers: range) -> tuple[float, list[int]]:
    """Create the articles (which queues them), wait until all are fetched; seconds taken."""
    from articles.models import Article
    from articles.services import article_create

    port = server.server_address[1]
    started = time.perf_counter()
    ids = [
        article_create(url=f"{URL_PREFIX}{port}/{prefix}/{n}", fetch=True)[0].pk for n in numbers
    ]
    pending = Article.objects.filter(
        pk__in=ids, fetch_state__in=[Article.FetchState.PENDING, Article.FetchState.FETCHING]
    )
    deadline = time.monotonic() + 120
    while pending.exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending.count()} of {len(ids)} articles not fetched in 120 s")
        time.sleep(0.02)
    return time.perf_counter() - started, ids


def check(server: SlowPages, prefix: str, ids: list[int]) -> tuple[int, int, int, list[str]]:
    """Articles done, wrong titles, pages fetched more than once, and some errors."""
    from articles.models import Article

    fetched = Article.objects.filter(pk__in=ids)
    done = fetched.filter(fetch_state=Article.FetchState.DONE).count()
    wrong = sum(
        1
        for article in fetched.only("title", "canonical_url")
        if article.title != title_for(int(article.canonical_url.rsplit("/", 1)[-1]))
    )
    repeats = sum(
        count - 1 for path, count in server.hits.items() if path.startswith(f"/{prefix}/")
    )
    errors = list(
        fetched.exclude(fetch_state=Article.FetchState.DONE).values_list("fetch_error", flat=True)
    )
    return done, wrong, repeats, errors[:3]


def run(results: list[Result]) -> None:
    from articles.models import Article

    heading("4. fetch pipeline (Celery workers, Redis, 200 pages answering after 200 ms)")
    Article.objects.filter(canonical_url__startswith=URL_PREFIX).delete()
    server = SlowPages()
    serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serve.daemon = True
    serve.start()
    allow = f"127.0.0.1:{server.server_address[1]}"
    print(f"server {allow}; worker pool {POOL}, queue fetch, broker and cache {BROKER_REDIS_URL}")
    print(
        f"{RUNS} runs of {PAGES} new articles per concurrency after a warm-up batch; the time "
        "runs from the first article_create to the last article fetched; median run judged"
    )
    try:
        for concurrency in CONCURRENCIES:
            target = TARGET_SHARE * concurrency / DELAY
            flush_redis(BROKER_REDIS_URL)
            rates, all_ok = [], True
            with worker(concurrency, allow):
                fetch_all(server, f"warmup-{concurrency}", range(concurrency))
                for run_number in range(RUNS):
                    prefix = f"c{concurrency}-{run_number}"
                    seconds, ids = fetch_all(server, prefix, range(PAGES))
                    done, wrong, repeats, errors = check(server, prefix, ids)
                    rates.append(PAGES / seconds)
                    all_ok = all_ok and done == PAGES and not wrong
                    print(
                        f"C={concurrency:2} run {run_number + 1}: {PAGES} pages in {seconds:.2f} s"
                        f" = {rates[-1]:5.1f} pages/s ({rates[-1] / target:.0%} of {target:.0f});"
                        f" done {done}/{PAGES}, wrong titles {wrong}, fetched twice {repeats}"
                        + (f", errors: {errors}" if errors else "")
                    )
            rate = statistics.median(rates)
            ok = all_ok and rate >= target
            verdict = "pass" if ok else f"MISS by {target - rate:.1f} pages/s"
            print(f"C={concurrency:2} median {rate:.1f} pages/s, target {target:.0f}: {verdict}")
            results.append(
                Result(
                    f"fetch C={concurrency}: pages/s, every title set",
                    f">= {target:.0f}/s",
                    f"{rate:.1f}/s" + ("" if all_ok else ", articles missing"),
                    ok,
                )
            )
    finally:
        server.shutdown()
        server.server_close()
        flush_redis(BROKER_REDIS_URL)
