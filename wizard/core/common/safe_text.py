"""Making untrusted text safe to show: no secrets, no terminal control sequences.

Used for git output, error messages, build logs and anything else that came from outside.
(Markup safety is the UI's job: it never parses such text as markup.)
"""

from __future__ import annotations


from wizard.core.common.lazy_regex import lazy_compile

# https://user:token@host/... and https://token@host/... (git accepts both)
# Bounded repeats: unbounded ones made a long log line (64 KB of letters) take seconds (quadratic backtracking).
_URL_USERINFO = lazy_compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]{0,31}://)(?P<userinfo>[^/@\s]+)@")
# Well-known token shapes: GitHub (classic and fine-grained), GitLab, Slack, AWS access key ids.
_TOKENS = lazy_compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16})\b"
)
_AUTH_HEADER = lazy_compile(r"(?i)(authorization:\s*(?:token|bearer|basic)\s+)\S+")
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other two-byte escapes, and C0/C1 controls
# except tab and newline. \r is dropped too: a bare CR would let text overwrite what came before.
_ANSI = lazy_compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
# Also removed: bidirectional overrides and isolates (they make text display in another order than it reads).
_CONTROL = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Lone surrogates (JSON "\\udc80", file names decoded with surrogateescape) make every UTF-8 writer raise.
_SURROGATE = lazy_compile(r"[\ud800-\udfff]")
_UNSAFE = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Cheap guards that skip a pattern when its required literal is absent (same result, 3x faster on big
# build logs: the patterns above try a match at every character). Keep them in step with the patterns.
_TOKEN_PREFIX = lazy_compile(r"gh[pousr]_|github_pat_|glpat-|xox[abprs]-|AKIA")


def scrub_secrets(text: str, extra: tuple[str, ...] = ()) -> str:
    """Hide credentials: URL user-info, token-shaped strings, auth headers, and any `extra` values."""
    if "@" in text and "://" in text:
        text = _URL_USERINFO.sub(lambda m: f"{m['scheme']}***@", text)
    if not text.isascii() or "authorization" in text.lower():  # ASCII lower() is exactly (?i) there
        text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}***", text)
    if _TOKEN_PREFIX.search(text):
        text = _TOKENS.sub("***", text)
    for secret in extra:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def strip_control(text: str) -> str:
    """Remove terminal escape sequences and control characters (keeps tab and newline); lone surrogates
    become U+FFFD, so the result can always be written as UTF-8."""
    if not _UNSAFE.search(text):  # every escape sequence starts with a control character (ESC, CSI)
        return text
    text = _SURROGATE.sub("\ufffd", text.replace("\r\n", "\n"))
    return _CONTROL.sub("", _ANSI.sub("", text))


def has_control(text: str) -> bool:
    """True when `text` holds anything `strip_control` would change (for input that must be refused)."""
    return bool(_UNSAFE.search(text))


def safe_text(text: str, extra_secrets: tuple[str, ...] = ()) -> str:
    """Both: what every piece of outside text goes through before it is shown or logged."""
    return strip_control(scrub_secrets(text, extra_secrets))
