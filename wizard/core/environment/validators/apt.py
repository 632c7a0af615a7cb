"""apt.txt: Ubuntu packages installed as root before the repository is copied in.

repo2docker 2026.4.0 (buildpacks/base.py:705-740) reads each line as `line.partition("#")[0].strip()`,
skips empty results and checks only the *start* with `re.match(r"^[a-z0-9.+-]+", package)`. Everything that
passes is sorted and pasted into one root `apt-get install` command, so `vim; echo hi` passes its check and
runs as a shell command. We reproduce its check exactly (the one error it raises) and add a full-line check.
"""

from __future__ import annotations

import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic

# repo2docker's own check, verbatim: only the start of the line is matched.
R2D_NAME_START = lazy_compile(r"^[a-z0-9.+-]+")
# What apt-get really accepts as one argument: name[:arch][=version | /release].
APT_ARG = lazy_compile(r"^[a-z0-9][a-z0-9.+-]+(:[a-z0-9-]+)?(=[A-Za-z0-9.+:~_-]+|/[a-z0-9.-]+)?$")
SHELL_CHAR = lazy_compile(r"""[;&|$`<>(){}\[\]*?!'"\\^]""")
QUALIFIER = lazy_compile(r"[=/:]")
LINE_BREAK = lazy_compile(r"\r\n|\r|\n")  # how Python's text-mode open() splits lines

# Names that Ubuntu 24.04 "noble" (repo2docker's base image) no longer has -> their replacement.
GONE_IN_NOBLE: dict[str, str] = {
    "texlive-generic-recommended": "texlive-plain-generic",
    "texlive-generic-extra": "texlive-plain-generic",
    "libgl1-mesa-glx": "libgl1",
    "python-pip": "python3-pip",
    "python-dev": "python3-dev",
    "python-tk": "python3-tk",
    "libpng12-dev": "libpng-dev",
}
# Python distributions people list here by mistake: pip, not apt, installs them.
PIP_NOT_APT = {
    "numpy", "pandas", "scipy", "matplotlib", "seaborn", "scikit-learn", "sklearn", "jupyter", "jupyterlab",
    "notebook", "ipywidgets", "requests", "tensorflow", "torch", "pytorch", "keras", "plotly", "bokeh",
    "xarray", "dask", "sympy", "networkx", "statsmodels", "opencv-python", "pillow", "beautifulsoup4",
    "nltk", "spacy", "geopandas", "shapely", "pyyaml", "tqdm", "altair", "folium", "numba", "h5py",
    "netcdf4", "pip", "conda", "mamba",
}
COMMAND_WORDS = {"sudo", "apt", "apt-get", "install", "-y", "--yes", "--no-install-recommends", "-qq", "-q"}
SYSTEM_PYTHON_OK = {"python3-dev", "python3-pip", "python3-venv", "python3-tk", "python3-setuptools",
                    "python-is-python3", "python3-minimal", "python3"}


def _lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def _package_part(raw: str) -> tuple[str, int]:
    """repo2docker's reduction of a line, plus the 1-based column where the kept text starts."""
    kept = raw.partition("#")[0]
    stripped = kept.strip()
    column = (kept.index(stripped) + 1) if stripped else 1
    return stripped, column


def validate(text: str, ctx) -> list[Diagnostic]:
    path = ctx.path
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(path, line, column, severity, code, message, fix))

    packages = 0
    for number, raw in enumerate(_lines(text), start=1):
        package, column = _package_part(raw)
        if not package:
            continue
        packages += 1
        if not R2D_NAME_START.match(package):
            lowered = package.lower()
            hint = (f"Package names are lower case: write `{lowered}`."
                    if R2D_NAME_START.match(lowered) else
                    "Write one Ubuntu package name per line (lower-case letters, digits, `.`, `+`, `-`), "
                    "or turn this line into a comment.")
            add(number, column, "error", "apt-invalid-name",
                f"`{package}` is not a valid package name, so the build stops with: "
                f"\"Found invalid package name {package} in apt.txt\".", hint)
            continue
        words = package.split()
        if words[0] in ("sudo", "apt", "apt-get") or (len(words) > 1 and words[0] == "install"):
            rest = [w for w in words if w not in COMMAND_WORDS]
            add(number, column, "error", "apt-command",
                "apt.txt holds package names only, not commands: Binder runs `apt-get install` for you "
                "(as root, with --yes).",
                f"Keep just the package name{'s' if len(rest) != 1 else ''}: {' '.join(rest) or '(none)'}.")
            continue
        shell_char = SHELL_CHAR.search(package)
        if shell_char is not None:
            bad_char = shell_char.start()
            add(number, column + bad_char, "error", "apt-shell-chars",
                f"`{package}` contains the shell character `{package[bad_char]}`. repo2docker checks only the "
                "start of each line and pastes the rest into a command that runs as root, so this runs as a "
                "shell command or breaks the install.",
                "Write only package names here, one per line; put commands in postBuild.")
            continue
        for offset, word in _words_with_offsets(package):
            _check_word(word, number, column + offset, add)
        if len(words) > 1:
            add(number, column, "info", "apt-several-per-line",
                "Several packages on one line work, but one per line is easier to read and to review.",
                "Put each package on its own line.")
    if packages == 0:
        add(None, None, "info", "apt-empty",
            "apt.txt lists no packages, so it does nothing.",
            "Add Ubuntu package names, one per line, or delete the file.")
    return out


def _words_with_offsets(package: str):
    if " " not in package and "\t" not in package:
        yield 0, package
        return
    for match in re.finditer(r"\S+", package):
        yield match.start(), match.group()


def _check_word(word: str, line: int, column: int, add) -> None:
    if word.startswith("-"):
        add(line, column, "error", "apt-option",
            f"`{word}` is an apt-get option, not a package. repo2docker already installs with "
            "`--yes --no-install-recommends`, and extra options can break the install.",
            "Delete the option and keep only package names.")
        return
    if not APT_ARG.match(word):
        add(line, column, "error", "apt-bad-name",
            f"`{word}` is not a valid Ubuntu package name, so apt-get will stop with "
            f"\"E: Unable to locate package {word}\".",
            "Look the name up at https://packages.ubuntu.com/noble/ (Binder builds on Ubuntu 24.04).")
        return
    name = QUALIFIER.split(word, maxsplit=1)[0]
    if name in GONE_IN_NOBLE:
        add(line, column, "error", "apt-not-in-noble",
            f"Ubuntu 24.04, which Binder builds on, no longer has `{name}`, so apt-get stops with "
            f"\"E: Unable to locate package {name}\" (or \"has no installation candidate\").",
            f"Use `{GONE_IN_NOBLE[name]}` instead.")
        return
    if name in PIP_NOT_APT:
        add(line, column, "error", "apt-pip-package",
            f"`{name}` is a Python package, not an Ubuntu package, so apt-get will stop with "
            f"\"E: Unable to locate package {name}\".",
            "List it in requirements.txt (or environment.yml) instead, with a version.")
        return
    if name.startswith(("python-", "python3-")) and name not in SYSTEM_PYTHON_OK:
        pip_name = name.partition("-")[2]
        add(line, column, "warning", "apt-system-python-package",
            f"`{name}` installs into Ubuntu's own Python, not the Python your notebooks use "
            "(Binder's lives in /srv/conda), so `import` will not find it.",
            f"List `{pip_name}` in requirements.txt (or environment.yml) instead.")
        return
    if "=" in word:
        add(line, column, "warning", "apt-version-pin",
            f"`{word}` pins an exact Ubuntu package version. Ubuntu removes old versions when it publishes "
            "updates, and the build then fails with \"Version ... was not found\".",
            f"Write just `{name}`: Ubuntu 24.04 keeps package versions stable.")


def _fix_lines(text: str, change) -> str:
    """Apply `change(line) -> line | None` to every line, keeping the file's line endings."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    out: list[str] = []
    for index in range(0, len(parts), 2):
        new = change(parts[index])
        ending = parts[index + 1] if index + 1 < len(parts) else ""
        if new is not None:
            out.append(new + ending)
    return "".join(out)


def _replace_package(line: str, transform) -> str:
    kept, hash_, comment = line.partition("#")
    package = kept.strip()
    if not package:
        return line
    new = transform(package)
    return kept.replace(package, new, 1) + hash_ + comment


def _fix_invalid_name(text: str, diagnostic: Diagnostic) -> str:
    """Lower-case a name when that makes it valid; otherwise turn the line into a comment (nothing is lost)."""
    def change(line: str) -> str:
        package = line.partition("#")[0].strip()
        if not package or R2D_NAME_START.match(package):
            return line
        if R2D_NAME_START.match(package.lower()):
            return _replace_package(line, str.lower)
        return "# not a package name: " + line.lstrip()
    return _fix_lines(text, change)


def _fix_not_in_noble(text: str, diagnostic: Diagnostic) -> str:
    def rename(package: str) -> str:
        return " ".join(GONE_IN_NOBLE.get(re.split(r"[=/:]", w, maxsplit=1)[0], w) for w in package.split())
    return _fix_lines(text, lambda line: _replace_package(line, rename))


def _fix_command(text: str, diagnostic: Diagnostic) -> str:
    def strip_words(package: str) -> str:
        words = package.split()
        if words[0] in ("sudo", "apt", "apt-get") or (len(words) > 1 and words[0] == "install"):
            return " ".join(w for w in words if w not in COMMAND_WORDS)
        return package
    return _fix_lines(text, lambda line: _replace_package(line, strip_words))


def _fix_several(text: str, diagnostic: Diagnostic) -> str:
    ending = "\r\n" if "\r\n" in text else "\n"

    def split(line: str) -> str:
        kept, hash_, comment = line.partition("#")
        words = kept.split()
        if len(words) < 2:
            return line
        first = words[0] + (f"  #{comment}" if hash_ else "")
        return ending.join([first, *words[1:]])
    return _fix_lines(text, split)


def _fix_version_pin(text: str, diagnostic: Diagnostic) -> str:
    def unpin(package: str) -> str:
        return " ".join(w.split("=", 1)[0] for w in package.split())
    return _fix_lines(text, lambda line: _replace_package(line, unpin))


FIXES = {
    "apt-invalid-name": _fix_invalid_name,
    "apt-not-in-noble": _fix_not_in_noble,
    "apt-command": _fix_command,
    "apt-several-per-line": _fix_several,
    "apt-version-pin": _fix_version_pin,
}
