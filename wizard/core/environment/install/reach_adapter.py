"""Whether a package index answers at all: tells "offline" apart from "none of these names are listed"."""

from __future__ import annotations


def index_answers(index_url: str, *, timeout: float = 5.0) -> bool:
    """True when the index answers an HTTP request (any status), False when it cannot be reached in time."""
    import httpx

    try:  # streamed and closed after the headers: PyPI's root page lists every project (tens of MB)
        with httpx.stream("GET", index_url.rstrip("/") + "/", timeout=timeout, follow_redirects=False):
            pass
    except (httpx.HTTPError, OSError, ValueError):
        return False
    return True
