"""Stopping the server and worker processes tests start in a session of their own."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess


def stop_group(process: subprocess.Popen, grace: float = 15, sig: int = signal.SIGTERM) -> None:
    """Stop a process started with start_new_session and every process of its group:
    `sig` (SIGTERM), then SIGKILL if the group has not gone after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
