"""The one page for slides and handouts: the launch link and badge, a QR code of the link, a fallback link
per federation member, and the rules attendees need.

The QR code is made by segno (imported inside functions): a PNG for the page, and rows of half-block
characters for a terminal (two modules per character cell; the UI draws them dark on light).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.launch.workshop.plan import is_mybinder

QR_SCALE = 8  # pixels per module in the PNG
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules


@dataclass
class Handout:
    title: str
    url: str
    hub: str
    badge_image: str
    fallbacks: list[tuple[str, str]] = field(default_factory=list)  # (member name, the same link on that member)
    qr_file: str | None = None  # the QR image's file name, beside the page

    @property
    def rules(self) -> list[str]:
        if is_mybinder(self.hub):
            return ["Your session stops after about 10 minutes without activity, and after 6 hours at most.",
                    "It has about 2 GB of memory: using more restarts the kernel.",
                    "Nothing is saved when it stops: download your work (File → Download) before a break and "
                    "before you leave.",
                    "Sessions are public: never type passwords or personal data into them."]
        return ["Your session stops after some minutes without activity (on mybinder.org: 10 minutes).",
                "Its memory is limited: using more than the hub allows restarts the kernel.",
                "Nothing is saved when it stops: download your work (File → Download) before a break and "
                "before you leave.",
                "Never type passwords or personal data into it."]


_MD_SPECIAL = lazy_compile(r"([\\`*_{}\[\]<>()#+!|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown(handout: Handout) -> str:
    lines = [f"# {_md(handout.title)}", "", f"**Start here:** <{handout.url}>", "",
             f"[![Binder]({handout.badge_image})]({handout.url})", ""]
    if handout.qr_file:
        lines += [f"![QR code of the link]({handout.qr_file})", ""]
    if handout.fallbacks:
        lines += ["If the link is slow, or says the hub is full, use one of these instead:", ""]
        lines += [f"* {_md(name)}: <{url}>" for name, url in handout.fallbacks] + [""]
    lines += ["## Before you start", ""] + [f"* {rule}" for rule in handout.rules]
    return "\n".join(lines) + "\n"


def html_page(handout: Handout) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{e(handout.title)}</title>", "</head>", "<body>", f"<h1>{e(handout.title)}</h1>",
             f'<p><strong>Start here:</strong> <a href="{e(handout.url)}">{e(handout.url)}</a></p>',
             f'<p><a href="{e(handout.url)}"><img src="{e(handout.badge_image)}" alt="Binder"></a></p>']
    if handout.qr_file:
        parts.append(f'<p><img src="{e(handout.qr_file)}" alt="QR code of the link" width="320"></p>')
    if handout.fallbacks:
        parts.append("<p>If the link is slow, or says the hub is full, use one of these instead:</p>")
        parts.append("<ul>" + "".join(f'<li>{e(name)}: <a href="{e(url)}">{e(url)}</a></li>'
                                      for name, url in handout.fallbacks) + "</ul>")
    parts.append("<h2>Before you start</h2>")
    parts.append("<ul>" + "".join(f"<li>{e(rule)}</li>" for rule in handout.rules) + "</ul>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


# --- the QR code ------------------------------------------------------------------------------------


def _qr(url: str, error: str):
    import segno

    return segno.make_qr(url, error=error, boost_error=False)


def qr_png(url: str) -> bytes:
    """A PNG of the link's QR code (error correction M, the quiet zone included)."""
    import io

    buffer = io.BytesIO()
    _qr(url, "m").save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


def qr_matrix(url: str, error: str = "l", border: int = 2) -> list[list[bool]]:
    """The modules (True: dark), with `border` light modules around."""
    qr = _qr(url, error)
    return [[bool(module) for module in row] for row in qr.matrix_iter(scale=1, border=border)]


def qr_rows(url: str, border: int = 2) -> list[str]:
    """The QR code as text: each character is two modules, top and bottom (█ ▀ ▄ or a space for dark ones).
    Error correction L keeps it small enough for a terminal."""
    matrix = qr_matrix(url, "l", border)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    glyphs = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return ["".join(glyphs[top, bottom] for top, bottom in zip(matrix[i], matrix[i + 1]))
            for i in range(0, len(matrix), 2)]


def qr_file_name(page_name: str) -> str:
    """The QR image beside a handout page: handout.md -> handout-qr.png."""
    stem = page_name.rsplit(".", 1)[0] if "." in page_name.lstrip(".") else page_name
    return f"{stem}-qr.png"
