"""Public sites played by a local HTTP server, patched in at the network edge.

Articles keep their real URLs (mp.weixin.qq.com, arxiv.org, github.com, ...); only the
fetcher's `fetch` is wrapped so that each registered URL is fetched from a route on a
LocalHTTPServer instead. The real fetcher still does the HTTP, the address checks, the
size and time limits. Unregistered public URLs fail like an unreachable host, so no test
can reach the network by mistake.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable

from core import fetcher
from tests.support.httpserver import LocalHTTPServer

URL_MAP_ENV = "BRIEFROOM_TEST_URL_MAP"


class SiteMap:
    def __init__(self, server: LocalHTTPServer) -> None:
        self.server = server
        self.urls: dict[str, str] = {}

    def serve(
        self,
        url: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        *,
        handler=None,
    ) -> str:
        """Answer `url` with this body from the local server; returns the local URL."""
        path = "/site/" + hashlib.sha1(url.encode()).hexdigest()[:16]
        local = self.server.add(path, status, {"Content-Type": content_type}, body, handler=handler)
        self.urls[url] = local
        return local

    def env(self) -> dict[str, str]:
        return {URL_MAP_ENV: json.dumps(self.urls)}


def rewriting(fetch: Callable, urls: dict[str, str]) -> Callable:
    local_prefix = "http://127.0.0.1:"

    def fetch_through_map(url: str, **kwargs):
        if url in urls:
            result = fetch(urls[url], **kwargs)
            if result.url == urls[url]:
                result.url = url  # as if fetched from the public site itself
            return result
        if url.startswith(local_prefix):
            return fetch(url, **kwargs)
        raise fetcher.FetchError("connection", f"Could not connect to {url} (test network)")

    return fetch_through_map


def install_from_env() -> None:
    """For a worker process: read the map from the environment and patch the fetcher."""
    urls = json.loads(os.environ.get(URL_MAP_ENV, "{}"))
    fetcher.fetch = rewriting(fetcher.fetch, urls)
