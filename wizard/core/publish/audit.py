"""Pre-push audit: what should not go into a public repository that anyone can launch on Binder.

    result = audit_files(project, ["analysis.ipynb", "data/big.csv", ".env"])   # the caller's list

Pure: it reads the files it is given and runs nothing. `git_adapter.audit_project` audits every file
git would commit (`git ls-files`, or `files_without_git` here when git cannot list them).

`AuditResult.findings` holds one `Finding` per problem, each with the file, the line (when there
is one), a plain explanation, a suggested fix, and `blocks_commit`: the Publish step unchecks
those files by default (the user can still tick them again). `gitignore` is the pattern the
suggested fix would add to .gitignore; `gitignore_text()` produces the new .gitignore (add-only),
which the UI offers as a diff, never applies silently. Secrets are never echoed: messages show
only the kind of secret and its first characters.

Checks: file size tiers (10 MB per file, GitHub's 100 MB hard limit, 100 MB / 1 GB / 2 GB for the
whole project: Binder's build storage is 2 GB), with advice fitting the format for files far above the
medium tier (`large_data_advice`), Git LFS pointers and `filter=lfs` patterns, notebooks with very large
outputs, `.ipynb_checkpoints`, `__pycache__`, `.DS_Store`, `.env`, private keys, common token formats,
`password = "..."` assignments, and the protocols and ports mybinder.org blocks (`network`: FTP, SSH,
database URLs...). With `downloads=True` it also collects the http(s) URLs the code and scripts download
(`AuditResult.downloads`, for `check --check-urls`).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.fileio import check_inside, read_file_bytes
from wizard.core.common.diagnostics import Diagnostic, Severity
from wizard.core.publish import network

MB = 1_000_000
FILE_WARN = 10 * MB  # keep data under this in the repository
FILE_GITHUB_LIMIT = 100 * MB  # GitHub refuses the push
TOTAL_WARN = 100 * MB
TOTAL_SLOW = 1_000 * MB
TOTAL_BUILD_LIMIT = 2_000 * MB  # mybinder.org build pods have 2 GB of ephemeral storage
NOTEBOOK_OUTPUT_WARN = 2 * MB
LARGE_DATA = 500 * MB  # far above the medium tier (tens to hundreds of MB): stream it, do not download it
SCAN_TEXT_LIMIT = 20 * MB  # bigger files are data, not code: size findings only

PUBLIC = "Binder launches are public: anyone with the link can read every file in the repository."


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the project, forward slashes
    line: int | None
    code: str  # stable: "secret-token", "large-file", ...
    severity: Severity
    message: str
    fix: str
    blocks_commit: bool  # the Publish step unchecks this file by default
    gitignore: str | None = None  # pattern the suggested fix adds to .gitignore

    def to_diagnostic(self) -> Diagnostic:
        return Diagnostic(self.path, self.line, None, self.severity, self.code, self.message, self.fix)


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    total_bytes: int = 0
    downloads: list[network.Download] = field(default_factory=list)  # with audit_files(..., downloads=True)

    @property
    def blocked_paths(self) -> set[str]:
        """Files to leave unchecked in the commit list."""
        return {f.path for f in self.findings if f.blocks_commit}

    def for_path(self, path: str) -> list[Finding]:
        return [f for f in self.findings if f.path == path]

    def diagnostics(self) -> list[Diagnostic]:
        return [f.to_diagnostic() for f in self.findings]

    def gitignore_patterns(self) -> list[str]:
        seen: list[str] = []
        for finding in self.findings:
            if finding.gitignore and finding.gitignore not in seen:
                seen.append(finding.gitignore)
        return seen


# ----------------------------------------------------------------------------- secrets

_TOKENS: list[tuple[str, re.Pattern]] = [
    ("a GitHub token", lazy_compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b")),
    ("a GitLab token", lazy_compile(r"\bglpat-[A-Za-z0-9_-]{20,}\b")),
    ("an AWS access key", lazy_compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("an AWS secret key", lazy_compile(r"(?i)aws_secret_access_key\s*[:=]\s*\\?[\"']?[A-Za-z0-9/+]{40}\b")),
    ("a Google API key", lazy_compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Google OAuth client secret", lazy_compile(r"\bGOCSPX-[A-Za-z0-9_-]{28}\b")),
    ("a Slack token", lazy_compile(r"\bxox[abprs]-[0-9A-Za-z-]{10,}\b")),
    ("a Slack webhook", lazy_compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+")),
    ("an OpenAI API key", lazy_compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{32,}\b")),
    ("an Anthropic API key", lazy_compile(r"\bsk-ant-[A-Za-z0-9_-]{32,}\b")),
    ("a Stripe secret key", lazy_compile(r"\b[sr]k_live_[0-9A-Za-z]{20,}\b")),
    ("a Hugging Face token", lazy_compile(r"\bhf_[A-Za-z0-9]{34,}\b")),
    ("an npm token", lazy_compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("a PyPI token", lazy_compile(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,}")),
]
_PRIVATE_KEY = lazy_compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")
# password = "..." / PASSWORD: '...' / "password": "..." (also inside notebook JSON, where quotes are \")
_PASSWORD = lazy_compile(
    r"(?i)\b(?P<key>[A-Za-z_]*(?:password|passwd|pwd|secret|api_?key|access_?token|auth_?token))\b\\?[\"']?\s*"
    r"(?::|=|==)\s*(?P<q>\\?[\"'])(?P<value>[^\"'\\\n]{4,})(?P=q)"
)
_PLACEHOLDER = lazy_compile(
    r"(?i)^(?:x+|\*+|\.+|-+|<.*>|\{.*\}|\$\{?.*|%\(.*|changeme|change[-_ ]?me|password|secret|example|your[\w -]*|"
    r"my[\w -]*|enter[\w -]*|none|null|test|dummy|placeholder|todo|fixme|redacted|\.\.\.)$"
)
_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"

_ENV_FILE = lazy_compile(r"^\.env(?:\.(?!example$|sample$|template$|dist$)[\w.-]+)?$")
# Private keys in text form are caught by their BEGIN line; these are the binary or conventional ones.
_KEY_FILES = lazy_compile(r"^(?:id_(?:rsa|dsa|ecdsa|ed25519)|.*\.(?:p12|pfx|keystore|jks))$")


def _mask(secret: str) -> str:
    return secret[:4] + "…" if len(secret) > 8 else "…"


# Cheap first pass (plain substring tests on lower-cased text): a line can only match a check
# above if it contains one of these.
_HINTS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "akia", "asia", "aws_secret", "aiza",
          "gocspx-", "xox", "hooks.slack", "sk-", "k_live_", "hf_", "npm_", "pypi-", "private key", "passw", "pwd",
          "secret", "api_key", "apikey", "token")


def _hinted(text: str) -> bool:
    low = text.lower()
    return any(hint in low for hint in _HINTS)


def _secret_findings(path: str, text: str) -> list[Finding]:
    findings = []
    if not _hinted(text):
        return findings
    for number, line in enumerate(text.splitlines(), 1):
        if not _hinted(line):
            continue
        if "PRIVATE KEY" in line and _PRIVATE_KEY.search(line):
            findings.append(Finding(
                path, number, "secret-private-key", "error",
                f"{path} contains a private key (line {number}). {PUBLIC}",
                "Remove the key from the project, add the file to .gitignore, and treat the key as leaked "
                "if it was ever pushed: make a new one.", True, path))
            continue
        for label, pattern in _TOKENS:
            match = pattern.search(line)
            if match:
                findings.append(Finding(
                    path, number, "secret-token", "error",
                    f"Line {number} of {path} looks like {label} ({_mask(match.group(0))}). {PUBLIC}",
                    "Remove it and read it at run time instead (an environment variable, or ask with "
                    "getpass()); revoke it if it was ever pushed.", True, None))
                break
        else:
            match = _PASSWORD.search(line)
            if match and not _PLACEHOLDER.match(match.group("value").strip()):
                findings.append(Finding(
                    path, number, "secret-password", "error",
                    f"Line {number} of {path} sets `{match.group('key')}` to a written-out value. {PUBLIC}",
                    "Remove the value; read it with getpass() or os.environ at run time, and change the "
                    "password if it was ever pushed.", True, None))
    return findings


def _network_findings(path: str, text: str) -> list[Finding]:
    return [Finding(d.file, d.line, d.code, d.severity, d.message, d.fix or "", False, None)
            for d in network.network_findings(path, text)]


# Large data, by format: read what the notebook uses, where the data lives (never automatic: advice only).
_STREAMING = (
    ((".csv", ".tsv", ".parquet", ".pq", ".feather", ".arrow"),
     "read only the columns and rows you need over HTTP range requests: store it as Parquet and use "
     "`pandas.read_parquet(url, columns=[...])` or `duckdb` (`SELECT ... FROM 'https://…/file.parquet'`); "
     "pyarrow and fsspec fetch just those parts"),
    ((".nc", ".nc4", ".netcdf", ".zarr", ".grib", ".grb", ".grb2"),
     "open it lazily with xarray + fsspec (`xr.open_dataset(fsspec.open(url).open(), engine=\"h5netcdf\")`), or "
     "convert it to Zarr and use `xr.open_zarr(url)`: only the slices the notebook touches are downloaded (an "
     "OPeNDAP server works with `xr.open_dataset(url)` too)"),
    ((".h5", ".hdf5", ".he5", ".hdf"),
     "read it lazily over HTTP with h5py or h5netcdf on an fsspec file (`h5py.File(fsspec.open(url).open())`), "
     "so only the datasets you index are fetched"),
    ((".tif", ".tiff", ".jp2"),
     "make it a Cloud-Optimized GeoTIFF and read windows of it over HTTP with rasterio or rioxarray"),
    ((".las", ".laz", ".copc"),
     "publish it as COPC (cloud-optimized point cloud) and read the area you need with PDAL or laspy"),
)
_STREAMING_DEFAULT = ("split it into smaller files and fetch the ones a notebook needs when it runs (pooch, "
                      "or fsspec with a local cache), or read it with a library made for its format")


def large_data_advice(path: str) -> str:
    """How to use a file far above the medium tier without putting it into the image, by its format."""
    name = path.lower()
    for suffixes, advice in _STREAMING:
        if name.endswith(suffixes):
            return advice
    return _STREAMING_DEFAULT


def _notebook_output_bytes(data: bytes) -> int:
    import json

    try:
        notebook = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return 0
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return 0
    total = 0
    for cell in cells:
        if isinstance(cell, dict) and isinstance(cell.get("outputs"), list):
            total += len(json.dumps(cell["outputs"]))
    return total


# ----------------------------------------------------------------------------- per file


def _junk(path: str) -> Finding | None:
    parts = path.split("/")
    name = parts[-1]
    if ".ipynb_checkpoints" in parts[:-1]:
        return Finding(path, None, "junk-checkpoint", "warning",
                       f"{path} is an automatic Jupyter checkpoint copy, not part of the project.",
                       "Leave it out and add `.ipynb_checkpoints/` to .gitignore.", True, ".ipynb_checkpoints/")
    if "__pycache__" in parts[:-1] or name.endswith((".pyc", ".pyo")):
        return Finding(path, None, "junk-pycache", "warning",
                       f"{path} is compiled Python that Python recreates by itself.",
                       "Leave it out and add `__pycache__/` to .gitignore.", True, "__pycache__/")
    if name in {".DS_Store", "Thumbs.db", "desktop.ini"}:
        return Finding(path, None, "junk-os-file", "warning",
                       f"{path} is a file your operating system made for its file browser.",
                       f"Leave it out and add `{name}` to .gitignore.", True, name)
    return None


def _audit_one(root: Path, path: str, result: AuditResult, lfs_patterns: list[str], downloads: bool,
               folders_inside: dict[str, bool]) -> None:
    full = root / path
    try:
        info = os.lstat(full)
        if not stat.S_ISREG(info.st_mode):  # a link (git has only the link), a folder, a pipe...
            return
        folder = path.rpartition("/")[0]
        if folder not in folders_inside:  # once per folder: the file is no link, so only a folder can lead out
            try:
                check_inside(full.parent, root)  # under a folder linked from outside the project
                folders_inside[folder] = True
            except OSError:
                folders_inside[folder] = False
        if not folders_inside[folder]:
            return
        size = info.st_size
    except OSError:
        return
    result.files_checked += 1
    result.total_bytes += size
    name = path.rsplit("/", 1)[-1]
    junk = _junk(path)
    if junk:
        result.findings.append(junk)
        return
    if _ENV_FILE.match(name):
        result.findings.append(Finding(
            path, None, "secret-env-file", "error",
            f"{path} usually holds passwords and keys for your computer. {PUBLIC}",
            f"Leave it out and add `{name}` to .gitignore; share a `.env.example` with empty values instead.",
            True, name))
    elif _KEY_FILES.match(name) and size < 100_000:
        result.findings.append(Finding(
            path, None, "secret-key-file", "error",
            f"{path} looks like a key or certificate file. {PUBLIC}",
            f"Leave it out and add `{name}` to .gitignore.", True, name))
    if size > FILE_GITHUB_LIMIT:
        result.findings.append(Finding(
            path, None, "file-too-large", "error",
            f"{path} is {size / MB:,.0f} MB; GitHub refuses files over 100 MB, so the push would fail.",
            "Leave it out of the repository: host it elsewhere and download it at run time, or in postBuild "
            "with `wget -q -O name URL`.", True, path))
    elif size > FILE_WARN:
        result.findings.append(Finding(
            path, None, "large-file", "warning",
            f"{path} is {size / MB:,.0f} MB. Files this big make every Binder build and launch slower.",
            "Keep data under 10 MB in the repository; download bigger files in postBuild "
            "(`wget -q -O name URL`) or read them from the web at run time.", True, path))
    if size > LARGE_DATA:
        result.findings.append(Finding(
            path, None, "large-data", "info",
            f"{path} is {size / MB:,.0f} MB, far more than a Binder image should carry: downloading it in "
            f"postBuild would make the image, and every launch, that much bigger.",
            f"Leave it where it is published and {large_data_advice(path)}.", False, None))
    if any(fnmatch.fnmatch(path, p) or fnmatch.fnmatch(name, p) for p in lfs_patterns):
        result.findings.append(Finding(
            path, None, "lfs-tracked", "warning",
            f"{path} is stored with Git LFS (see .gitattributes); Binder may get a small pointer file "
            f"instead of the data.",
            "Download the real file in postBuild (`wget -q -O name URL`), or keep it small enough for "
            "plain git.", False, None))
    if size > SCAN_TEXT_LIMIT and not name.endswith(".ipynb"):
        return
    try:
        with open(full, "rb") as handle:
            data = handle.read(SCAN_TEXT_LIMIT * 3 if name.endswith(".ipynb") else SCAN_TEXT_LIMIT)
    except OSError:
        return
    if data.startswith(_LFS_POINTER):
        result.findings.append(Finding(
            path, 1, "lfs-pointer", "warning",
            f"{path} is a Git LFS pointer, not the data itself; code that reads it on Binder gets a few "
            f"lines of text.",
            "Download the real file in postBuild (`wget -q -O name URL`).", False, None))
        return
    if b"\x00" in data[:8192]:
        return  # binary: no text to scan
    text = data.decode("utf-8", errors="replace")
    result.findings += _secret_findings(path, text)
    if network.scanned(path):
        result.findings += _network_findings(path, text)
        if downloads:
            result.downloads += network.downloads(path, text)
    if name.endswith(".ipynb") and size > NOTEBOOK_OUTPUT_WARN:
        outputs = _notebook_output_bytes(data)
        if outputs > NOTEBOOK_OUTPUT_WARN:
            result.findings.append(Finding(
                path, None, "notebook-large-outputs", "warning",
                f"{path} carries {outputs / MB:,.1f} MB of saved outputs (plots, tables, printed data).",
                "Clear the outputs before committing (Jupyter: Edit → Clear All Outputs, or "
                "`jupyter nbconvert --clear-output --inplace NOTEBOOK`); Binder runs the notebook anyway.",
                False, None))


def _lfs_patterns(root: Path) -> list[str]:
    try:  # read_file_bytes: a named pipe called .gitattributes must not block the audit
        text = read_file_bytes(root / ".gitattributes", MB).decode("utf-8", errors="replace")
    except OSError:
        return []
    patterns = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].startswith("#") and "filter=lfs" in parts[1:]:
            patterns.append(parts[0].lstrip("/"))
    return patterns


def _totals(result: AuditResult) -> None:
    total = result.total_bytes
    if total > TOTAL_BUILD_LIMIT:
        severity, text = "error", ("over 2 GB: mybinder.org's build has 2 GB of storage, so the build will run "
                                   "out of space")
    elif total > TOTAL_SLOW:
        severity, text = "warning", "over 1 GB: builds and launches will be slow and may time out"
    elif total > TOTAL_WARN:
        severity, text = "warning", "over 100 MB: every build copies all of it, so builds and launches slow down"
    else:
        return
    result.findings.append(Finding(
        ".", None, "total-size", severity, f"The files to commit add up to {total / MB:,.0f} MB, {text}.",
        "Keep data out of the repository: download it in postBuild or read it from the web at run time.",
        False, None))


def environment_folders(files: Iterable[str]) -> list[str]:
    """Folders (with a trailing "/") that hold a Python environment made on this computer (a virtualenv's
    pyvenv.cfg, a conda env's conda-meta/history): thousands of files Binder must not get, since it builds its
    own environment from the environment files."""
    return sorted({rel.removesuffix("pyvenv.cfg").removesuffix("conda-meta/history") for rel in files
                   if rel.endswith(("/pyvenv.cfg", "/conda-meta/history"))})


def audit_files(root: Path, files: Iterable[str], *, downloads: bool = False) -> AuditResult:
    """Audit exactly these files (paths relative to `root`); the caller already applied .gitignore.
    `downloads`: also list the URLs code and scripts download (`AuditResult.downloads`)."""
    result = AuditResult()
    lfs = _lfs_patterns(root)
    folders_inside: dict[str, bool] = {}
    for path in files:
        _audit_one(root, path.replace(os.sep, "/"), result, lfs, downloads, folders_inside)
    _totals(result)
    return result


def files_without_git(root: Path) -> list[str]:
    """The files git would commit, for a folder git cannot list (no git, or not a repository yet): a
    walk with a basic .gitignore reading (name and path patterns, folders; `!` lines ignored)."""
    patterns = []
    try:
        for line in read_file_bytes(root / ".gitignore", MB).decode("utf-8", errors="replace").splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "!")):
                patterns.append(line)
    except OSError:
        pass

    def ignored(rel: str, is_dir: bool) -> bool:
        name = rel.rsplit("/", 1)[-1]
        for pattern in patterns:
            if pattern.endswith("/"):
                if not is_dir:
                    continue
                pattern = pattern[:-1]
            anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
            pattern = pattern.lstrip("/")
            if fnmatch.fnmatch(rel if anchored else name, pattern):
                return True
        return False

    found = []
    for folder, dirs, names in os.walk(root):
        rel_dir = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        dirs[:] = sorted(d for d in dirs if d != ".git" and not ignored(prefix + d, True))
        found += [prefix + n for n in sorted(names) if not ignored(prefix + n, False)]
    return found


def gitignore_text(existing: str, patterns: Iterable[str]) -> str:
    """The .gitignore with `patterns` added (those not already there); nothing removed or reordered."""
    present = {line.strip() for line in existing.splitlines()}
    additions = [p for p in dict.fromkeys(patterns) if p not in present and f"/{p}" not in present]
    if not additions:
        return existing
    newline = "\r\n" if "\r\n" in existing else "\n"
    text = existing if not existing or existing.endswith(("\n", "\r")) else existing + newline
    return text + newline.join(additions) + newline
