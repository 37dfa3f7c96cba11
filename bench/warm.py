"""Warm published issue: the app behind gunicorn against WhiteNoise serving the same bytes.

gunicorn runs the site's WSGI application on 127.0.0.1 (DEBUG off, PostgreSQL, Redis cache)
with 2 workers. The API detail JSON and the HTML page of a 30-entry issue are rendered once,
and copies of exactly those bytes are put in STATIC_ROOT, so WhiteNoise in the same gunicorn
serves a file of the same size. wrk then loads each URL for a fixed time, in interleaved
rounds, and the app's requests/s are compared with WhiteNoise's. The If-None-Match runs
send the current ETag and must get 304s; a run with a session cookie shows the uncached path.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.test import Client

from bench.common import BIN, ROOT, Result, bench_env, heading, stop_group
from bench.seed import BASE_DIGEST, base_issues

TARGET_RATIO = 0.8
DURATION = int(os.environ.get("BENCH_WRK_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_WRK_ROUNDS", "3"))
THREADS, CONNECTIONS = 2, 32
WORKERS = os.environ.get("BENCH_WORKERS", "2")
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
SESSION = f"{settings.SESSION_COOKIE_NAME}=bench-no-such-session"
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml"}


@dataclass
class Target:
    name: str
    path: str
    headers: dict[str, str]


@dataclass
class WrkRun:
    rps: float
    requests: int
    bad: int  # non-2xx/3xx responses, socket errors and timeouts
    latency: str
    bytes_each: float  # read per response, headers included


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(port: int, static_root: Path):
    log = Path(f"/tmp/briefroom-bench-gunicorn-{os.getpid()}.log")
    env = {
        **os.environ,
        **bench_env(),
        "BENCH_STATIC_ROOT": str(static_root),
        "BENCH_BIND": f"127.0.0.1:{port}",
        "BENCH_WORKERS": WORKERS,
        "BENCH_WORKER_CLASS": WORKER_CLASS,
        "BENCH_ERRORLOG": str(log),
    }
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "bench/gunicorn_conf.py"), "briefroom.wsgi"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                if http_get(port, "/healthz", {})[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer in 30 s")
            time.sleep(0.2)
        yield process
    finally:
        stop_group(process)


def wrk(wrk_path: str, port: int, target: Target, seconds: int) -> WrkRun:
    command = [wrk_path, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{target.path}")
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    count = re.search(r"(\d+) requests in", out)
    if rate is None or count is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rps, requests = float(rate.group(1)), int(count.group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        bad += sum(int(n) for n in errors.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    latency = f"p50 {p50.group(1) if p50 else '?'} p99 {p99.group(1) if p99 else '?'}"
    read = re.search(r"requests in \S+, ([\d.]+)([KMG]?B) read", out)
    scale = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
    total = float(read.group(1)) * scale[read.group(2)] if read else 0.0
    return WrkRun(rps, requests, bad, latency, total / max(requests, 1))


def run(results: list[Result]) -> None:
    from bench.common import ensure_wrk

    heading("1. published issue, warm (gunicorn + wrk)")
    wrk_path = ensure_wrk()
    assert wrk_path, "wrk is missing"
    issue = base_issues()[1]
    port = free_port()
    host = f"127.0.0.1:{port}"
    api = f"/api/v1/digests/{BASE_DIGEST}/issues/{issue.number}/"
    page = f"/{BASE_DIGEST}/{issue.number}/"
    client = Client(HTTP_HOST=host)
    api_body = client.get(api, headers=JSON).content
    page_body = client.get(page, headers=HTML).content
    static_root = Path(os.environ["BENCH_STATIC_ROOT"])
    (static_root / "bench").mkdir(parents=True, exist_ok=True)
    (static_root / "bench/issue.json").write_bytes(api_body)
    (static_root / "bench/issue.html").write_bytes(page_body)

    with gunicorn(port, static_root):
        etags = {}
        for name, path, headers, body in (
            ("api", api, JSON, api_body),
            ("page", page, HTML, page_body),
            ("static json", "/static/bench/issue.json", JSON, api_body),
            ("static html", "/static/bench/issue.html", HTML, page_body),
        ):
            status, response_headers, served = http_get(port, path, headers)
            assert status == 200, (path, status)
            assert len(served) == len(body), f"{path}: {len(served)} bytes, expected {len(body)}"
            etags[name] = response_headers["etag"]
        for name, path, headers in (("api", api, JSON), ("page", page, HTML)):
            status = http_get(port, path, {**headers, "If-None-Match": etags[name]})[0]
            assert status == 304, (path, status)
        static_json = Target("static json (WhiteNoise)", "/static/bench/issue.json", JSON)
        static_html = Target("static html (WhiteNoise)", "/static/bench/issue.html", HTML)
        pairs = [
            (static_json, Target("API issue JSON", api, JSON)),
            (
                static_json,
                Target("API JSON If-None-Match", api, {**JSON, "If-None-Match": etags["api"]}),
            ),
            (static_html, Target("HTML issue page", page, HTML)),
            (
                static_html,
                Target("HTML If-None-Match", page, {**HTML, "If-None-Match": etags["page"]}),
            ),
            (static_json, Target("API JSON, session cookie", api, {**JSON, "Cookie": SESSION})),
            (static_html, Target("HTML, session cookie", page, {**HTML, "Cookie": SESSION})),
        ]
        print(
            f"gunicorn {WORKERS} {WORKER_CLASS} workers on {host}; wrk -t{THREADS} "
            f"-c{CONNECTIONS} -d{DURATION}s per run"
        )
        print(f"bytes: API JSON {len(api_body)}, HTML page {len(page_body)} (static copies equal)")
        print(
            f"{ROUNDS} rounds; in each, every app run is bracketed by runs of its static file, "
            "and its ratio is taken to their mean (other load on the machine drifts); the "
            "figure is the median of the rounds' ratios. Session-cookie runs (no page cache): "
            "one round, for information."
        )
        for _, target in pairs:
            wrk(wrk_path, port, target, 1)  # warm-up: connections, worker caches
        wrk(wrk_path, port, static_json, 1)
        wrk(wrk_path, port, static_html, 1)
        ratios: dict[str, list[float]] = {app.name: [] for _, app in pairs}
        rps: dict[str, list[float]] = {t.name: [] for pair in pairs for t in pair}
        last: dict[str, WrkRun] = {}
        bad: dict[str, int] = dict.fromkeys(rps, 0)
        for round_number in range(ROUNDS):
            for static, app in pairs:
                if "cookie" in app.name and round_number > 0:
                    continue
                before = wrk(wrk_path, port, static, DURATION)
                measured = wrk(wrk_path, port, app, DURATION)
                after = wrk(wrk_path, port, static, DURATION)
                for target, result in ((static, before), (app, measured), (static, after)):
                    rps[target.name].append(result.rps)
                    bad[target.name] += result.bad
                    last[target.name] = result
                ratios[app.name].append(measured.rps / ((before.rps + after.rps) / 2))

    print(
        f"\n{'target':26} {'req/s':>6} {'ratio':>5}  {'per round':15} {'B/resp':>6}  "
        "latency (last run)"
    )
    for static in (static_json, static_html):
        runs = rps[static.name]
        print(
            f"{static.name:26} {statistics.median(runs):6.0f} {'':5}  "
            f"{min(runs):.0f}-{max(runs):.0f} req/s{'':3} {last[static.name].bytes_each:6.0f}  "
            f"{last[static.name].latency}"
            + (f"  {bad[static.name]} BAD" if bad[static.name] else "")
        )
    for _, app in pairs:
        ratio = statistics.median(ratios[app.name])
        rounds = " ".join(f"{r:.2f}" for r in ratios[app.name])
        print(
            f"{app.name:26} {statistics.median(rps[app.name]):6.0f} {ratio:5.2f}  {rounds:15} "
            f"{last[app.name].bytes_each:6.0f}  {last[app.name].latency}"
            + (f"  {bad[app.name]} BAD" if bad[app.name] else "")
        )
    print()
    for _, app in pairs:
        if "cookie" in app.name:
            continue
        ratio = statistics.median(ratios[app.name])
        ok = ratio >= TARGET_RATIO and bad[app.name] == 0
        verdict = "pass" if ok else f"MISS by {TARGET_RATIO - ratio:.2f}"
        print(f"warm {app.name} vs WhiteNoise: {ratio:.2f}x  {verdict}")
        results.append(
            Result(
                f"warm {app.name} vs WhiteNoise",
                f">= {TARGET_RATIO}x",
                f"{ratio:.2f}x ({statistics.median(rps[app.name]):.0f} req/s)",
                ok,
            )
        )
