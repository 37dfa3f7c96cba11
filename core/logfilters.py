"""Logging filters that settings.LOGGING attaches by dotted path."""

from __future__ import annotations

import logging


class ClientErrorAsWarning(logging.Filter):
    """At most WARNING: for loggers whose records are a client's bad request, not our fault.

    Django logs every SuspiciousOperation (too many GET fields, a disallowed Host header,
    a malformed upload) at ERROR on django.security.<name>, though the client only gets a
    400. At ERROR they would page someone and reach error reporting; they are noted instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        return True
