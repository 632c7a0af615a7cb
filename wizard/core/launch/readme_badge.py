"""Put the Binder badge into a README: replace an existing Binder badge in place, or insert one under the title.

Pure text in, text out: callers show `diff(old, new)` and write only after the user agrees. Running it
twice gives the same text (idempotent). Line endings (LF or CRLF) are kept.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.fileio import check_inside, read_file_bytes, write_file

README_NAMES = ("README.md", "README.rst", "README.markdown", "README.txt", "README", "readme.md", "Readme.md")

# A link that launches on some BinderHub: /v2/<provider>/…, the legacy /repo/<user>/<repo>, or any
# mybinder.org link. Stale forms (master, filepath=, labpath=) are all matched so they get replaced.
_BINDER_LINK = r"[^\s)\"'<>]*(?:/v2/(?:gh|gl|gist|git|zenodo|figshare|hydroshare|dataverse|ckan)/|mybinder\.org/repo/|mybinder\.org/?(?=[\s)\"'<>]))[^\s)\"'<>]*"
_MD_BADGE = lazy_compile(r"\[!\[[^\]\n]*\]\([^)\s]*\)\]\(" + _BINDER_LINK + r"\)")
_HTML_BADGE = lazy_compile(r"<a\s[^>]*href=\"" + _BINDER_LINK + r"\"[^>]*>\s*<img\s[^>]*>\s*</a>", re.IGNORECASE)
# rST: ".. image:: IMG" or ".. |Binder| image:: IMG" followed by an indented ":target: URL" line.
_RST_BADGE = lazy_compile(
    r"^(?P<head>\.\. (?:\|[^|\n]+\| )?image:: )(?P<image>\S+)[ \t]*(?P<nl>\r?\n)"
    r"(?P<opts>(?:[ \t]+:(?!target:)[a-z]+:.*\r?\n)*)"
    r"(?P<tprefix>[ \t]+:target: )(?P<target>" + _BINDER_LINK + r")[ \t]*$",
    re.MULTILINE,
)
_MD_ANY_BADGE = lazy_compile(r"^\s*(?:\[!\[[^\]\n]*\]\([^)]*\)\]\([^)]*\)\s*|<a\s[^>]*>\s*<img[^>]*>\s*</a>\s*|!\[[^\]\n]*\]\([^)]*\)\s*)+$")


@dataclass(frozen=True)
class BadgeEdit:
    path: Path
    old: str
    new: str
    action: str  # "replaced", "inserted", "unchanged", "created"
    project: Path | None = None  # writes stay in it (None: the registered project folder)
    notes: tuple[str, ...] = ()  # what the replacement kept or could not keep (say them with the diff)

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> str:
        return diff(self.old, self.new, self.path.name)


def find_readme(project: Path) -> Path | None:
    for name in README_NAMES:
        candidate = project / name
        if candidate.exists() or candidate.is_symlink():  # not only files: a pipe must not count as "no README"
            return candidate
    return None


def kind_of(path: Path) -> str:
    return "rst" if path.suffix.lower() in (".rst", ".rest") else "markdown"


def plan_badge(project: Path, markdown: str, rst: str, html: str | None = None) -> BadgeEdit:
    """The edit for the project's README (README.md is created when there is none). Writes nothing."""
    path = find_readme(project)
    if path is None:
        path = project / "README.md"
        new = f"# {project.name}\n\n{markdown}\n"
        return BadgeEdit(path, "", new, "created", project)
    check_inside(path, project, writing=True)  # a README linked from outside is neither quoted nor written
    raw = read_file_bytes(path, limit=5_000_000, root=project)  # a named pipe or a huge file raises OSError
    if b"\0" in raw[:8192]:
        raise ValueError(f"{path.name} is not a text file; not touching it")
    old = raw.decode("utf-8", errors="surrogateescape")
    notes: list[str] = []
    new, action = put_badge(old, rst if kind_of(path) == "rst" else markdown, kind_of(path), html, notes, project)
    return BadgeEdit(path, old, new, action, project, tuple(notes))


def write_edit(edit: BadgeEdit) -> None:
    """Write the new README atomically. Raises OutsideProject (a link out of the project: nothing written)
    or CannotWrite (disk full, read-only, locked, a folder in the way: the README untouched)."""
    write_file(edit.path, edit.new.encode("utf-8", errors="surrogateescape"),
               **({"root": edit.project} if edit.project is not None else {}))


def put_badge(text: str, badge: str, kind: str = "markdown", html: str | None = None,
              notes: list[str] | None = None, project: Path | None = None) -> tuple[str, str]:
    """Return (new text, what happened): replace the first Binder badge, or insert under the title.

    In Markdown an existing HTML badge is replaced by `html` (the same badge as HTML) when given.
    A replaced badge keeps what the old one opened (labpath=/filepath=/urlpath=, written as today's urlpath=)
    unless the new badge opens something itself; `notes` gets a sentence saying so, and a warning when that
    file is not in `project` any more."""
    newline = "\r\n" if "\r\n" in text else "\n"
    notes = notes if notes is not None else []
    replaced = _replace_rst(text, badge, notes, project) if kind == "rst" else \
        _replace_markdown(text, badge, html or badge, notes, project)
    if replaced is not None:
        return replaced
    block = badge.replace("\n", newline) if kind == "rst" else badge
    lines = text.splitlines(keepends=True)
    if not lines:
        return block + newline, "inserted"
    title_end = (_rst_title_end if kind == "rst" else _markdown_title_end)(lines)
    if title_end is None:
        return block + newline + newline + text, "inserted"
    row = title_end
    while row < len(lines) and not lines[row].strip():
        row += 1
    row_end = (_rst_row_end if kind == "rst" else _markdown_row_end)(lines, row)
    if row_end > row:  # a row of badges right under the title: ours goes at its end
        (_append_rst if kind == "rst" else _append_markdown)(lines, row_end, block, newline)
        return "".join(lines), "inserted"
    if not lines[title_end - 1].endswith("\n"):
        lines[title_end - 1] += newline
    insert = [newline] + [line + newline for line in block.split(newline)]
    if title_end < len(lines) and lines[title_end].strip():
        insert.append(newline)
    lines[title_end:title_end] = insert
    return "".join(lines), "inserted"


def _kept_target(old: str, new: str, notes: list[str], project: Path | None) -> str:
    """`new` (a badge) opening what the badge `old` opened, when `new` opens nothing itself (api.md §13:
    labpath X is urlpath /doc/tree/X, filepath X is /tree/X; labpath wins over filepath, which wins over urlpath)."""
    from urllib.parse import parse_qs, urlencode, urlsplit

    old_link, new_link = re.search(_BINDER_LINK, old), re.search(_BINDER_LINK, new)
    if old_link is None or new_link is None or "urlpath=" in new_link.group(0):
        return new
    query = parse_qs(urlsplit(old_link.group(0).replace("&amp;", "&")).query)
    file = None
    if query.get("labpath"):
        file = query["labpath"][0].rstrip("/")
        urlpath, said = f"/doc/tree/{file}", f"labpath={file}"
    elif query.get("filepath"):
        file = query["filepath"][0].rstrip("/")
        urlpath, said = f"/tree/{file}", f"filepath={file}"
    elif query.get("urlpath"):
        urlpath = query["urlpath"][0]
        said = f"urlpath={urlpath}"
        found = re.match(r"/?(?:doc/tree|tree|notebooks|lab/tree)/(.+)", urlpath)
        file = found.group(1) if found else None
    else:
        return new
    notes.append(f"The old badge opened {said}; the new one opens the same, written as urlpath={urlpath}.")
    if file and project is not None and not (project / file).exists():
        notes.append(f"Warning: {file} is not in the project any more, so the badge opens a file that does not "
                     "exist. Choose another file to open (badge --open FILE), or remove the urlpath.")
    link = new_link.group(0)
    return new.replace(link, f"{link}{'&' if '?' in link else '?'}{urlencode({'urlpath': urlpath})}", 1)


def _replace_markdown(text: str, markdown: str, html: str, notes: list[str] | None = None,
                      project: Path | None = None) -> tuple[str, str] | None:
    for pattern, badge in ((_MD_BADGE, markdown), (_HTML_BADGE, html)):
        match = pattern.search(text)
        if match:
            badge = _kept_target(match.group(0), badge, notes if notes is not None else [], project)
            if match.group(0) == badge:
                return text, "unchanged"
            return text[: match.start()] + badge + text[match.end():], "replaced"
    return None


def _markdown_row_end(lines: list[str], start: int) -> int:
    """End of the badge lines from `start` (a paragraph of badges is one row)."""
    end = start
    while end < len(lines) and lines[end].strip() and _MD_ANY_BADGE.match(lines[end]):
        end += 1
    return end


def _append_markdown(lines: list[str], row_end: int, badge: str, newline: str) -> None:
    """Same paragraph = same row; a README that ends without a newline still does."""
    last = lines[row_end - 1]
    if last.endswith("\n"):
        lines[row_end - 1] = last.rstrip("\r\n") + newline
        lines.insert(row_end, badge + newline)
    else:
        lines[row_end - 1] = last + newline
        lines.insert(row_end, badge)


def _markdown_title_end(lines: list[str]) -> int | None:
    """Index of the line after the first title (ATX `# Title` or setext underline), skipping front matter."""
    start = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                start = i + 1
                break
    in_fence = False
    for i in range(start, min(len(lines), start + 40)):
        stripped = lines[i].strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
        if in_fence:
            continue
        if re.match(r"#{1,6}(\s|$)", stripped):
            return i + 1
        if re.match(r"<h[1-6][\s>]", stripped, re.IGNORECASE) and re.search(r"</h[1-6]>", stripped, re.I):
            return i + 1
        if stripped and i + 1 < len(lines) and re.fullmatch(r"(=+|-+)", lines[i + 1].strip()) \
                and not re.fullmatch(r"-+", stripped):
            return i + 2
    return None


def _replace_rst(text: str, badge: str, notes: list[str] | None = None,
                 project: Path | None = None) -> tuple[str, str] | None:
    match = _RST_BADGE.search(text)
    if match is None:
        return None
    badge = _kept_target(match.group(0), badge, notes if notes is not None else [], project)
    image_line, target_line = badge.split("\n", 1)
    image = image_line.removeprefix(".. image:: ")
    target = target_line.strip().removeprefix(":target: ")
    new_block = f"{match['head']}{image}{match['nl']}{match['opts']}{match['tprefix']}{target}"
    if match.group(0) == new_block:
        return text, "unchanged"
    return text[: match.start()] + new_block + text[match.end():], "replaced"


def _rst_row_end(lines: list[str], start: int) -> int:
    """End of the group of image directives (with their indented options) from `start`."""
    end = start
    while end < len(lines) and (lines[end].startswith(".. image::") or lines[end].startswith(".. |")
                                or (end > start and lines[end][:1] in (" ", "\t") and lines[end].strip())):
        end += 1
    return end


def _append_rst(lines: list[str], row_end: int, block: str, newline: str) -> None:
    if not lines[row_end - 1].endswith("\n"):
        lines[row_end - 1] += newline
    lines[row_end:row_end] = [line + newline for line in block.split(newline)]


_RST_ADORNMENT = lazy_compile(r"([=\-`:'\"~^_*+#<>.])\1{2,}\s*")


def _rst_title_end(lines: list[str]) -> int | None:
    for i in range(min(len(lines), 40)):
        line = lines[i].rstrip("\r\n")
        if _RST_ADORNMENT.fullmatch(line) and i + 2 < len(lines) and \
                _RST_ADORNMENT.fullmatch(lines[i + 2].rstrip("\r\n")) and lines[i + 1].strip():
            return i + 3  # overline + title + underline
        if line.strip() and not _RST_ADORNMENT.fullmatch(line) and i + 1 < len(lines) \
                and _RST_ADORNMENT.fullmatch(lines[i + 1].rstrip("\r\n")) \
                and len(lines[i + 1].rstrip()) >= len(line.rstrip()):
            return i + 2
    return None


def diff(old: str, new: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{name}", f"b/{name}", n=2
        )
    )
