"""Processes the fault-injection tests start, break and restore: Redis, a TCP proxy, the site."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings

from tests.ops.conftest import VENV_BIN, free_port
from tests.support.processes import stop_group
from tests.support.services import ROOT, unavailable


def wait_for(condition: Any, what: str, timeout: float = 30, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if condition():
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


def port_answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    """Signal the process's whole group and wait for its leader."""
    if process is None or process.poll() is not None:
        return
    stop_group(process, sig=sig)


class RedisServer:
    """A private redis-server on a free port whose data outlives a kill (append-only file)."""

    def __init__(self, folder: Path) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed")
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        assert self.binary
        argv = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        argv += ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: port_answers(self.port), "redis-server to listen")
        return self

    def kill(self) -> None:
        stop(self.process, signal.SIGKILL)
        wait_for(lambda: not port_answers(self.port), "redis-server to stop listening")


class Proxy:
    """A TCP proxy to PostgreSQL that can be cut (refusing and dropping every connection)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.closing = threading.Event()

    def start(self) -> Proxy:
        self.closing.clear()
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        self.closing.set()
        if self.listener is not None:
            self.listener.close()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()
        wait_for(lambda: not port_answers(self.port), "the proxy to stop listening")

    def _accept(self, listener: socket.socket) -> None:
        while not self.closing.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        poller = selectors.DefaultSelector()
        poller.register(a, selectors.EVENT_READ, b)
        poller.register(b, selectors.EVENT_READ, a)
        with contextlib.suppress(OSError, ValueError):
            while not self.closing.is_set():
                for key, _ in poller.select(timeout=0.5):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        poller.close()


def database_url(port: int | None = None) -> str:
    db = settings.DATABASES["default"]
    host_port = f"127.0.0.1:{port}" if port else f"{db['HOST']}:{db['PORT']}"
    return f"postgres://{db['USER']}@{host_port}/{db['NAME']}?connect_timeout=2"


class Site:
    """The site under gunicorn (one sync worker), as production runs it."""

    def __init__(self, folder: Path, **env: str) -> None:
        self.port = free_port()
        self.log = folder / "web.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "briefroom.settings",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "MEDIA_ROOT": str(folder / "media"),
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> Site:
        argv = [str(VENV_BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "1"]
        argv += ["--timeout", "60", "briefroom.wsgi"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(lambda: self.get("/healthz")[0] == 200, "the site to answer", log=self.log)
        return self

    def stop(self) -> None:
        stop(self.process)

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        return self.request("GET", path, headers=headers)

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        """A management command with the site's environment, as an operator would run it."""
        return subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
