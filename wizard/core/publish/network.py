"""What a running Binder can reach, and what a project downloads (issue 17, the seed's network rules).

mybinder.org lets a session talk to the outside only over HTTP(S) and git: TCP 80, 443 and 9418, plus 873
(rsync), 1094/1095 (xroot), 16286 (Wolfram) and 4001 (IPFS) (shared design/beginner-failures.md §2). FTP,
SSH/SCP/SFTP, database servers and any other port time out. Pure: it reads the text it is given.

    network_findings(path, text)   the audit's findings: blocked protocols and ports in code and scripts
                                   (warnings: they fail when the notebook runs), and in postBuild (errors: a
                                   download there cannot work at build time, nor without a key)
    downloads(path, text)          the http(s) URLs a postBuild, start or code file downloads or reads
    url_diagnostics(found, checks) what `check --check-urls` says about them (unreachable, and their size)

A notebook is read cell by cell (its code cells only; `!` lines as shell), so a link in a Markdown cell is
neither a download nor a finding; its findings name the cell instead of a line of the JSON file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic, Severity

# mybinder.org's egress ports (mybinder/values.yaml networkPolicy.egress.tcpPorts).
OPEN_PORTS = frozenset({80, 443, 9418, 873, 1094, 1095, 16286, 4001})
WHY = ("A running Binder on mybinder.org can only reach the outside over HTTP(S) and git (ports 80, 443 and "
       "9418, and a few others); everything else, FTP included, is blocked and times out.")
HTTPS_FIX = ("Put the file where it is served over https:// (a data repository such as Zenodo, figshare or OSF, "
             "or a GitHub release) and download it from there. Another BinderHub (your institution's) may "
             "open more ports.")

# Where each kind of file runs: "build" (postBuild), "launch" (start), "run" (code). Other files (environment
# files, Dockerfile) are only searched for blocked URLs.
SHELL_SUFFIXES = {".sh", ".bash"}
PYTHON_SUFFIXES = {".py", ".ipy"}
R_SUFFIXES = {".r", ".rmd", ".qmd"}
CODE_SUFFIXES = SHELL_SUFFIXES | PYTHON_SUFFIXES | R_SUFFIXES | {".jl", ".ipynb"}
URL_FILES = {"apt.txt", "environment.yml", "environment.yaml", "requirements.txt", "install.R", "Dockerfile"}

_LOCAL_HOST = lazy_compile(r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1)$", re.IGNORECASE | re.ASCII)
_BLOCKED_URL = lazy_compile(
    r"(?<![\w+.-])(?P<scheme>ftps?|sftp|scp|ssh|telnet|postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?"
    r"|amqps?|mssql|sqlserver|oracle)(?:\+[a-z0-9]+)?://(?P<rest>[^\s\"'<>)`\\]+)", re.IGNORECASE | re.ASCII)
_PORT_URL = lazy_compile(r"(?<![\w+.-])https?://(?:[^\s/@\"'<>]*@)?(?P<host>[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])"
                       r":(?P<port>\d{1,5})(?![\d])", re.IGNORECASE | re.ASCII)
_USERINFO = lazy_compile(r"([a-zA-Z][a-zA-Z0-9+.-]{0,31}://)[^/@\s]+@")
_HTTP_URL = lazy_compile(r"(?<![\w+.-])https?://[^\s\"'<>()`\\\]]+", re.IGNORECASE | re.ASCII)
_SHELL_BLOCKED = lazy_compile(
    r"(?:^|[;&|(`]\s*|^\s*!\s*)(?:sudo\s+)?(?P<tool>scp|sftp|ssh|lftp|ftp|ncftpget|telnet|psql|mysql|mongo|mongosh"
    r"|redis-cli)\s")
_RSYNC_SSH = lazy_compile(r"(?:^|[;&|]\s*|^\s*!\s*)rsync\s.*\s(?:[\w.-]+@)?[\w.-]+:(?!//)\S")
_GIT_SSH = lazy_compile(r"\bgit\s+clone\s.*\b[\w.-]+@[\w.-]+:(?!//)\S")
_PYTHON_BLOCKED = lazy_compile(r"^\s*(?:import|from)\s+(?P<module>ftplib|paramiko|pysftp|ftputil|asyncssh|fabric)\b")
_SOCKET_PORT = lazy_compile(r"(?:create_connection|\.connect)\s*\(\s*\(\s*(?P<host>[^,()]+),\s*(?P<port>\d{1,5})\s*\)")
_SHELL_DOWNLOAD = lazy_compile(r"(?:^|[\s;&|(`!])(?:wget|curl|aria2c|gdown|http)\s")
_CODE_DOWNLOAD = lazy_compile(
    r"(?:read_\w+|read\.\w+|readRDS|readr::\w+|urlretrieve|urlopen|requests\.get|httpx\.get|\bget\(|download\w*"
    r"|open_dataset|open_mfdataset|open_zarr|open_rasterio|fsspec\.open|retrieve|fetch\w*|\bload\w*|\burl\(|"
    r"CSV\.File|Downloads\.download)", re.IGNORECASE | re.ASCII)
# A URL ending in one of these is a data file even when the line only assigns it (URL = "https://...csv").
DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".geojson", ".xml", ".parquet", ".feather", ".arrow", ".xlsx",
                 ".xls", ".zip", ".gz", ".bz2", ".xz", ".tar", ".tgz", ".7z", ".nc", ".nc4", ".h5", ".hdf5", ".he5",
                 ".hdf", ".zarr", ".grib", ".grb2", ".tif", ".tiff", ".npy", ".npz", ".pkl", ".pickle", ".rds",
                 ".rdata", ".sav", ".dta", ".sqlite", ".db", ".mat", ".fits", ".las", ".laz", ".shp", ".gpkg",
                 ".jpg", ".jpeg", ".png", ".wav", ".mp3", ".mp4", ".pdf", ".bin", ".pt", ".pth", ".onnx", ".safetensors")
_NAMES = {"ftp": "FTP", "ftps": "FTPS", "sftp": "SFTP", "scp": "SCP", "ssh": "SSH", "telnet": "telnet",
          "lftp": "FTP", "ncftpget": "FTP", "psql": "a PostgreSQL database", "mysql": "a MySQL database",
          "mongo": "a MongoDB database", "mongosh": "a MongoDB database", "redis-cli": "a Redis server",
          "postgres": "a PostgreSQL database", "postgresql": "a PostgreSQL database", "mariadb": "a MariaDB database",
          "mongodb": "a MongoDB database", "mongodb+srv": "a MongoDB database", "redis": "a Redis server",
          "rediss": "a Redis server", "amqp": "a message queue (AMQP)", "amqps": "a message queue (AMQP)",
          "mssql": "a SQL Server database", "sqlserver": "a SQL Server database", "oracle": "an Oracle database",
          "ftplib": "FTP", "ftputil": "FTP", "paramiko": "SSH", "pysftp": "SFTP", "asyncssh": "SSH",
          "fabric": "SSH"}
_DATABASE = "database"


@dataclass(frozen=True)
class Download:
    """An http(s) URL a file downloads or reads: at build time (postBuild), at each launch (start) or when the
    code runs."""

    path: str
    line: int | None  # None in a notebook: `where` names the cell
    url: str
    when: str  # "build" | "launch" | "run"
    where: str  # "line 4", "cell 3, line 2"


@dataclass(frozen=True)
class _Line:
    number: int | None  # the file's line; None inside a notebook
    where: str
    code: str  # comments removed
    shell: bool


def kind_of(path: str) -> tuple[str | None, str | None]:
    """(language, when) for a file: ("shell", "build") for postBuild, ("python", "run") for a .py file...;
    (None, None) for a file that neither runs nor downloads."""
    name = path.rsplit("/", 1)[-1]
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if name in ("postBuild", "start"):  # repo2docker runs them only from these folders
        ran = path in (name, f"binder/{name}", f".binder/{name}")
        return "shell", ("build" if name == "postBuild" else "launch") if ran else "run"
    if suffix in SHELL_SUFFIXES:
        return "shell", "run"
    if suffix in PYTHON_SUFFIXES:
        return "python", "run"
    if suffix == ".ipynb":
        return "notebook", "run"
    if suffix in R_SUFFIXES:
        return "r", "run"
    if suffix == ".jl":
        return "julia", "run"
    return None, None


def scanned(path: str) -> bool:
    """Whether `network_findings` looks at this file at all."""
    return kind_of(path)[0] is not None or path.rsplit("/", 1)[-1] in URL_FILES


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    match = re.search(r"\s#", line)  # "... # comment"; a URL's #fragment has no space before it
    return line[: match.start()] if match else line


def _lines(path: str, text: str) -> list[_Line]:
    language, _ = kind_of(path)
    if language == "notebook":
        cells = _notebook_cells(text)
        if cells is not None:
            out = []
            for index, (source, is_shell_cell) in enumerate(cells, 1):
                for number, raw in enumerate(source.splitlines(), 1):
                    shell = is_shell_cell or raw.lstrip().startswith("!")
                    out.append(_Line(None, f"cell {index}, line {number}", _strip_comment(raw), shell))
            return out
    shell = language == "shell" or path.rsplit("/", 1)[-1] == "Dockerfile"
    return [_Line(number, f"line {number}", _strip_comment(raw) if language else raw, shell)
            for number, raw in enumerate(text.splitlines(), 1)]


def _notebook_cells(text: str) -> list[tuple[str, bool]] | None:
    """(source, is a %%bash/%%sh cell) of each code cell, or None when the file is not a notebook."""
    import json

    try:
        notebook = json.loads(text)
    except (ValueError, RecursionError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    out = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(part for part in source if isinstance(part, str))
        if not isinstance(source, str):
            continue
        out.append((source, source.lstrip().startswith(("%%bash", "%%sh", "%%script bash"))))
    return out


# ----------------------------------------------------------------------------- blocked protocols and ports


def network_findings(path: str, text: str) -> list[Diagnostic]:
    """One finding per line that talks a protocol or port mybinder.org blocks (local services excepted), in
    code, scripts and environment files (documents are not searched: they may name anything)."""
    if not scanned(path) or not _maybe(text.lower()):
        return []
    language, when = kind_of(path)
    at_build = when == "build"
    out: list[Diagnostic] = []
    for line in _lines(path, text):
        found = _blocked(line, language)
        if found is None:
            continue
        code, what, shown = found
        out.append(_finding(path, line, code, what, shown, at_build))
    return out


_SCHEMES = frozenset({"ftp", "ftps", "sftp", "scp", "ssh", "telnet", "postgres", "postgresql", "mysql", "mariadb",
                      "mongodb", "redis", "rediss", "amqp", "amqps", "mssql", "sqlserver", "oracle"})
_SCHEME_BEFORE = lazy_compile(r"[a-z0-9+.-]{1,30}$")
_PORT_AFTER = lazy_compile(r"[^/\s\"'<>]{0,200}?:\d")
_WORDS = ("scp ", "sftp ", "ssh ", "ftp ", "telnet ", "psql ", "mysql ", "mongo", "redis-cli", "rsync ", "clone ",
          "ftplib", "paramiko", "pysftp", "ftputil", "asyncssh", "fabric", "create_connection", ".connect(")


def _maybe(low: str) -> bool:
    """Cheap first pass over the whole (lower-cased) text: False when no line can be a finding. Substring
    searches and a look at each "://", instead of a pattern tried at every character."""
    at = low.find("://")
    while at != -1:
        before = _SCHEME_BEFORE.search(low, max(0, at - 30), at)
        scheme = before.group(0).rpartition(".")[2] if before else ""
        if scheme.split("+", 1)[0] in _SCHEMES or scheme in ("http", "https") and _PORT_AFTER.match(low, at + 3):
            return True
        at = low.find("://", at + 3)
    return any(word in low for word in _WORDS)


def _blocked(line: _Line, language: str | None) -> tuple[str, str, str] | None:
    """(code, what is blocked, the text that shows it) for the first blocked thing on the line."""
    code = line.code
    if not code.strip():
        return None
    for match in _BLOCKED_URL.finditer(code):
        host = _host(match.group("rest"))
        if host and _LOCAL_HOST.match(host):
            continue
        scheme = match.group("scheme").lower()
        kind = "ftp-url" if scheme in ("ftp", "ftps") else "blocked-protocol"
        return kind, _NAMES.get(scheme, scheme.upper()), match.group(0)
    for match in _PORT_URL.finditer(code):
        port = int(match.group("port"))
        if port not in OPEN_PORTS and not _LOCAL_HOST.match(match.group("host")):
            return "blocked-port", f"port {port}", match.group(0)
    if line.shell:
        match = _SHELL_BLOCKED.search(code)
        if match:
            tool = match.group("tool")
            return "blocked-protocol", _NAMES.get(tool, tool), tool
        if "rsync" in code and (match := _RSYNC_SSH.search(code)):
            return "blocked-protocol", "SSH (rsync over SSH)", "rsync"
        if "clone" in code and (match := _GIT_SSH.search(code)):
            return "blocked-protocol", "SSH (git over SSH)", "git clone …@host:"
    elif language in ("python", "notebook"):
        match = _PYTHON_BLOCKED.match(code)
        if match:
            module = match.group("module")
            return "blocked-protocol", _NAMES[module], f"import {module}"
        for match in _SOCKET_PORT.finditer(code):
            port = int(match.group("port"))
            host = match.group("host").strip().strip("'\"")
            if port not in OPEN_PORTS and not _LOCAL_HOST.match(host):
                return "blocked-port", f"port {port}", match.group(0)
    return None


def _host(rest: str) -> str:
    """The host of `user:pass@host:port/path` (what follows `scheme://`)."""
    authority = rest.split("/", 1)[0].rpartition("@")[2]
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.split(":", 1)[0]


def shown_url(url: str, limit: int = 60) -> str:
    """A URL fit for a message: a user name or password in it replaced by "…", long ones shortened."""
    url = _USERINFO.sub(r"\1…@", url)
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _finding(path: str, line: _Line, code: str, what: str, shown: str, at_build: bool) -> Diagnostic:
    shown = shown_url(shown)
    where = f"{line.where.capitalize()} of {path}"
    blocked = (what if what.isupper() or what.startswith(("SSH", "port")) else "database connections"
               if what.endswith(_DATABASE) else f"connections to {what}")
    verb = "connects to" if what.startswith(("port", "a ", "an ")) else "connects with"
    if at_build:
        severity: Severity = "error"
        message = (f"{where} {verb} {what} ({shown}) while Binder builds the image. mybinder.org blocks "
                   f"{blocked}, and the build has no password or key of yours, so this fails the build (or hangs "
                   f"it until it is stopped).")
    else:
        severity = "warning"
        message = f"{where} {verb} {what} ({shown}): mybinder.org blocks {blocked}, so this times out there. {WHY}"
    if what.endswith(_DATABASE) or what.startswith(("a Redis", "a message")):
        fix = ("Export the data the notebooks need to a file and serve it over https:// (or use a service with "
               "an HTTPS API). " + HTTPS_FIX.split(". ", 1)[1])
    elif what.startswith("port"):
        fix = ("Use the service's https:// address on the standard port (443) if it has one; otherwise copy the "
               "data somewhere served over https://. Another BinderHub may open more ports.")
    elif "git over SSH" in what:
        fix = "Clone with the https:// address instead (`git clone https://host/owner/repo.git`)."
    else:
        fix = "Use an https:// address for the same file if the server offers one. " + HTTPS_FIX
    return Diagnostic(path, line.number, None, severity, code, message, fix)


# ----------------------------------------------------------------------------- downloads


def downloads(path: str, text: str) -> list[Download]:
    """The http(s) URLs this file downloads or reads, in order, each (file, URL) once. A URL with a
    placeholder (`{year}`, `$DATA`) or on this machine (localhost) cannot be checked and is left out."""
    language, when = kind_of(path)
    if language is None or "http" not in text.lower():
        return []
    out: list[Download] = []
    seen: set[str] = set()
    for line in _lines(path, text):
        code = line.code
        if "http" not in code.lower():
            continue
        call = _SHELL_DOWNLOAD.search(code) if line.shell else _CODE_DOWNLOAD.search(code)
        for match in _HTTP_URL.finditer(code):
            url = match.group(0).rstrip(".,;:!?")
            if url in seen or re.search(r"[{}$<>%]", url):
                continue
            host = url.split("://", 1)[1].split("/", 1)[0].rpartition("@")[2].split(":", 1)[0]
            if _LOCAL_HOST.match(host) or not host:
                continue
            if call is None and not _looks_like_data(url):
                continue
            seen.add(url)
            out.append(Download(path, line.number, url, when or "run", line.where))
    return out


def _looks_like_data(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(DATA_SUFFIXES)


# ----------------------------------------------------------------------------- what --check-urls says


_WHEN = {"build": "while Binder builds the image", "launch": "at every launch", "run": "when the code runs"}


def url_diagnostics(found: Iterable[Download], checks: Mapping[str, object]) -> list[Diagnostic]:
    """For each download, from `checks` (url -> common.url_check_adapter.UrlCheck): an unreachable URL is an
    error in postBuild (the build fails, or goes on without the file) and a warning elsewhere; a reachable
    one gets an info with its size when the server says it."""
    out = []
    for download in found:
        check = checks.get(download.url)
        if check is None:
            continue
        where = f"{download.where.capitalize()} of {download.path}"
        if not getattr(check, "ok", False):
            severity: Severity = "error" if download.when == "build" else "warning"
            out.append(Diagnostic(
                download.path, download.line, None, severity, "url-unreachable",
                f"{where} downloads {shown_url(download.url, 200)} {_WHEN[download.when]}, but it cannot be fetched: "
                f"{getattr(check, 'problem', None) or 'no answer'}.",
                "Open the address in a browser: fix a typo, or put the file where it is served over https:// "
                "(Zenodo, figshare, OSF, a GitHub release) and use that address."))
            continue
        size = getattr(check, "size", None)
        if size is None:
            continue
        grows = (" The image grows by that much, and every build downloads it again." if download.when == "build"
                 else " Every session downloads it again." if download.when == "launch" else "")
        out.append(Diagnostic(download.path, download.line, None, "info", "download-size",
                              f"{where} downloads {shown_url(download.url, 200)} ({human_size(size)}) "
                              f"{_WHEN[download.when]}."
                              + grows, None))
    return out


def human_size(size: int) -> str:
    if size >= 1_000_000_000:
        return f"{size / 1e9:,.1f} GB"
    if size >= 1_000_000:
        return f"{size / 1e6:,.1f} MB"
    if size >= 1_000:
        return f"{size / 1e3:,.0f} KB"
    return f"{size} bytes"
