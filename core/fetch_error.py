"""The error every outbound fetch raises, shared by the fetcher and its politeness rules."""

from __future__ import annotations

TRANSIENT_CODES = frozenset({"timeout", "connection", "rate_limited", "server_error"})


class FetchError(Exception):
    """A fetch that did not produce a usable response, with a sentence an editor can read.

    `code` is one of: blocked, invalid_url, not_found, gone, http_error, server_error,
    rate_limited, timeout, connection, too_large, bad_content_type, too_many_redirects.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        transient: bool | None = None,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.transient = code in TRANSIENT_CODES if transient is None else transient
        self.retry_after = retry_after
        self.status = status

    def __repr__(self) -> str:
        return f"FetchError({self.code!r}, {self.message!r})"

    def __reduce__(self):
        # Celery pickles exceptions (retries, results); the default would lose `code`.
        return (self.__class__, (self.code, self.message), dict(self.__dict__))
