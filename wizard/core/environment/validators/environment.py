"""environment.yml / environment.yaml, read as repo2docker reads it (ruamel YAML 1.2) and as conda will use it.

Checks: YAML errors with position, duplicate keys, not a mapping, the shape of `dependencies` and of the
`pip:` section (and `- pip` itself), build strings and macOS/Windows-only packages from `conda env export`,
`prefix:` lines, Python pins repo2docker does not see (`python>=3.11`, `conda-forge::python=3.12`),
unsupported Python versions, and every pip line with the requirements.txt checks.
"""

from __future__ import annotations

import re

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.fileio import read_file_bytes
from wizard.core.environment.detection.parsers import load_environment
from wizard.core.environment.detection.rules import LOCKFILE_PYTHONS, MAJOR_PYTHONS, PYTHON_REGEX
from wizard.core.environment.detection.stops import brief
from wizard.core.environment.validators import FileContext
from wizard.core.environment.validators.os_only import CONDA as OS_CONDA
from wizard.core.environment.validators.os_only import conda_system
from wizard.core.environment.validators.requirements import FIXES as REQUIREMENT_FIXES
from wizard.core.environment.validators.requirements import Counts, Findings, apt_packages, check_include, check_line

KNOWN_KEYS = {"name", "channels", "dependencies", "prefix", "variables", "channel_priority"}
_SPEC_CHANNEL = lazy_compile(
    r"^\s*(?:(?P<channel>[A-Za-z0-9_./:-]+)::)?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.+-]*)(?P<rest>.*)$", re.DOTALL)
_SPEC_PLAIN = lazy_compile(r"^\s*(?P<channel>)(?P<name>[A-Za-z0-9_][A-Za-z0-9_.+-]*)(?P<rest>.*)$", re.DOTALL)


class _SpecMatcher:
    """`name[=version[=build]]`, with an optional `channel::` prefix (regex chosen to avoid backtracking)."""

    @staticmethod
    def match(text: str):
        return (_SPEC_CHANNEL if "::" in text else _SPEC_PLAIN).match(text)


_SPEC = _SpecMatcher()
_BUILD = lazy_compile(r"^(?P<head>[^=<>!~\s]+=[^=<>!~\s]+)=(?P<build>[^=\s]+)$")


def validate(text: str, ctx: FileContext) -> list[Diagnostic]:
    out = Findings(ctx.path)
    if "\r\n" in text:
        out.add(None, None, "info", "crlf", "This file has Windows (CRLF) line endings; conda copes, but LF is "
                                           "the norm on Linux.", "Convert to LF line endings.")
    env, stop = load_environment(text.replace("\r\n", "\n"), ctx.path)
    if stop is not None:
        return out.items + [stop.diagnostic]
    if not env:
        out.add(None, None, "warning", "environment-empty",
                "environment.yml is empty, so Binder installs only its default Python with Jupyter.",
                "List your packages under 'dependencies:'.")
        return out.items
    key_marks = getattr(env, "key_marks", {})
    for key in env:
        line, column = key_marks.get(key, (None, None))
        if key == "prefix":
            out.add(line, column, "warning", "environment-prefix",
                    "'prefix:' is a folder on your computer (written by `conda env export`); it means nothing "
                    "inside Binder.", "Remove the prefix: line.")
        elif key not in KNOWN_KEYS:
            out.add(line, column, "warning", "environment-unknown-key",
                    f"'{key}' is not a key conda understands in environment.yml (expected name, channels, "
                    "dependencies).", "Check the spelling and the indentation of this line.")
    _check_channels(env, out)
    if "dependencies" not in env:
        out.add(None, None, "warning", "environment-no-dependencies",
                "There is no 'dependencies:' list, so nothing beyond Binder's default Python is installed.",
                "Add 'dependencies:' with one package per line.")
        return out.items
    deps = env["dependencies"]
    dep_line = key_marks.get("dependencies", (None, None))[0]
    if deps is None or isinstance(deps, (str, int, float, bool)) or not isinstance(deps, list):
        out.add(dep_line, 1, "error", "environment-dependencies-not-list",
                "'dependencies:' must be a list, one package per line starting with '- ', indented under it.",
                "Indent the packages under 'dependencies:' and start each with '- '.")
        return out.items
    _check_dependencies(deps, dep_line, ctx, out)
    return out.items


def _check_channels(env, out: Findings) -> None:
    line = getattr(env, "key_marks", {}).get("channels", (None, None))[0]
    if "channels" not in env:
        out.add(None, None, "info", "environment-no-channels",
                "No channels are listed; conda-forge is the usual choice and has the most packages.",
                "Add 'channels:' with '- conda-forge'.")
        return
    channels = env["channels"]
    if not isinstance(channels, list):
        out.add(line, 1, "error", "environment-channels-not-list", "'channels:' must be a list.",
                "Write each channel on its own line starting with '- ' (e.g. - conda-forge).")
        return
    names = [c for c in channels if isinstance(c, str)]
    if "defaults" in names:
        out.add(line, 1, "warning", "environment-defaults-channel",
                "The 'defaults' channel is turned off in Binder's conda (Anaconda's terms), so packages only found "
                "there will be missing; mixing it with conda-forge also slows the solve.",
                "Use conda-forge instead of defaults.")


_PIP = lazy_compile(r"^\s*(?:[\w.-]+::)?pip(\s|=|<|>|$)")


def _pip_names(deps) -> tuple[bool, list]:
    has_pip = any(isinstance(d, str) and "pip" in d and _PIP.match(d) for d in deps)
    blocks = [d for d in deps if isinstance(d, dict) and "pip" in d]
    return has_pip, blocks


def _check_dependencies(deps, dep_line, ctx: FileContext, out: Findings) -> None:
    marks = getattr(deps, "marks", [(None, None)] * len(deps))
    seen: dict[str, int] = {}
    python_seen = False
    has_pip, pip_blocks = _pip_names(deps)
    for index, dep in enumerate(deps):
        line, column = marks[index] if index < len(marks) else (None, None)
        if isinstance(dep, str):
            python_seen |= _check_conda_spec(dep, line, column, out, seen, python_seen)
        elif isinstance(dep, dict):
            keys = list(dep)
            if keys != ["pip"]:
                other = [k for k in keys if k != "pip"]
                out.add(line, column, "error", "environment-dependency-mapping",
                        f"'{other[0]}:' inside dependencies is not something conda understands; only '- pip:' may "
                        "hold a nested list.", "Write the package as '- name=version' instead.")
                continue
            pip = dep["pip"]
            if pip is None:
                following = deps[index + 1:]
                indent_problem = any(isinstance(d, str) for d in following)
                out.add(line, column, "error", "environment-pip-empty",
                        "'- pip:' has nothing under it" + (
                            "; the lines after it are probably meant to be inside it but are not indented enough."
                            if indent_problem else "."),
                        "Indent the pip packages two more spaces than '- pip:'.")
                continue
            if not isinstance(pip, list):
                out.add(line, column, "error", "environment-pip-not-list",
                        "'- pip:' must hold a list of packages, each on its own line starting with '- '.",
                        "Write the packages on new lines under '- pip:', indented further, each starting with '- '.")
                continue
            pip_marks = getattr(pip, "marks", [(None, None)] * len(pip))
            req_out = Findings(ctx.path, apt_packages(ctx))
            pip_seen: dict = {}
            for pip_index, entry in enumerate(pip):
                pline, pcol = pip_marks[pip_index] if pip_index < len(pip_marks) else (None, None)
                if not isinstance(entry, str):
                    out.add(pline, pcol, "error", "environment-pip-not-text",
                            f"The pip entry {brief(entry)} is not text; repo2docker expects each pip entry to be a "
                            "requirement like 'package==1.0'.", "Put the entry in quotes or write 'name==version'.")
                    continue
                if entry.strip().startswith(("-r", "--requirement")):  # pip runs in environment.yml's folder
                    check_include(entry.strip(), pline, entry, ctx.path, ctx, req_out, pip_seen, Counts(),
                                  {ctx.path})
                check_line(entry, pline, (pcol or 1) - 1, req_out, ctx.project, pip_seen, in_conda=True)
            out.items.extend(req_out.items)
        elif dep is None:
            out.add(line, column, "error", "environment-dependency-empty",
                    "There is an empty '- ' item in dependencies.", "Remove the empty line or add a package name.")
        elif isinstance(dep, list):
            out.add(line, column, "error", "environment-dependency-not-text",
                    f"The dependency {brief(dep)} is a nested list, not a package name; conda will fail.",
                    "Write one package per line, each starting with '- ', all at the same indentation.")
        else:
            read_as = "true/false" if isinstance(dep, bool) else "a number" if isinstance(dep, (int, float)) \
                else "something other than text"
            out.add(line, column, "error", "environment-dependency-not-text",
                    f"The dependency {brief(dep)} is not a package name (YAML read it as {read_as}); conda will "
                    "fail.", f"Write it as text, e.g. '- python={brief(dep)}' or put it in quotes."
                    if isinstance(dep, (int, float)) and not isinstance(dep, bool) else "Put it in quotes.")
    if pip_blocks and not has_pip:
        line = marks[deps.index(pip_blocks[0])][0] if marks else None
        out.add(line, 1, "warning", "environment-pip-missing",
                "There is a '- pip:' section but 'pip' itself is not listed, so conda warns and the pip packages "
                "may be installed with the wrong pip or not at all.",
                "Add '- pip' to the dependencies, just before '- pip:'.")
    if len(pip_blocks) > 1:
        out.add(None, None, "warning", "environment-several-pip-sections",
                "There are several '- pip:' sections; merge them (repo2docker only looks at the last one to decide "
                "when to install).", "Merge the pip lists into one '- pip:' section.")
    python_listed = any(isinstance(d, str) and "python" in d and _SPEC.match(d.strip()) and
                        _SPEC.match(d.strip()).group("name").lower() == "python" for d in deps)
    if not python_listed and ctx.detection is None:  # with a detection, the detector says it once
        out.add(dep_line, 1, "info", "environment-python-unpinned",
                "Python is not pinned, so Binder uses its current default (3.10), which will change.",
                "Add '- python=3.12' (your version) to the dependencies.")
    included = any(isinstance(entry, str) and re.match(r"^\s*(-r|--requirement)[=\s]*(\./)?requirements\.txt\s*$", entry)
                   for block in pip_blocks if isinstance(block.get("pip"), list) for entry in block["pip"])
    if not included:  # `- -r requirements.txt` under pip: installs it
        _requirements_next_door(ctx, out, dep_line)


def _used_by_conda(ctx: FileContext) -> bool:
    detection = ctx.detection
    return detection is None or getattr(detection, "buildpack", None) == "conda"


def _check_conda_spec(dep: str, line, column, out: Findings, seen: dict, python_seen: bool) -> bool:
    """One string dependency; returns True when it pins Python in a form repo2docker sees."""
    text = dep.strip()
    match = _SPEC.match(text)
    if not match or not text:
        out.add(line, column, "error", "environment-invalid-spec", f"'{dep}' is not a conda package spec.",
                "Write it as 'name' or 'name=version'.")
        return False
    name, rest, channel = match.group("name").lower(), match.group("rest").strip(), match.group("channel") or None
    if text.startswith(("git+", "-e", ".", "/")) or "://" in text:
        out.add(line, column, "error", "environment-pip-style-entry",
                f"'{dep}' is a pip-style requirement; conda cannot install it.",
                "Move it under '- pip:'.")
        return False
    build = _BUILD.match(text.replace(" ", "")) if text.count("=") >= 2 and "==" not in text else None
    if build:
        out.add(line, column, "warning", "environment-build-string",
                f"'{dep}' includes a build string ('{build.group('build')}') from `conda env export`; build strings "
                "are platform-specific, so conda on Binder's Linux usually cannot find them "
                "(ResolvePackageNotFound).",
                "Strip the build strings (keep name=version).")
    bound = conda_system(name, _pinned_version(rest))
    if bound and bound[1]:
        out.add(line, column, "warning", "environment-os-only",
                f"'{name}' is only useful on {bound[0]} (typical of `conda env export` on a laptop). conda-forge "
                "builds it for Linux too, so it installs on Binder, but it does nothing there.", "Remove this line.")
    elif bound:
        newer_for_linux = OS_CONDA.get(name, ("", None))[1]
        out.add(line, column, "error", "environment-os-only",
                f"'{name}' only exists for {bound[0]}" + (" in this version" if newer_for_linux else "")
                + " (typical of `conda env export` on a laptop); conda on Binder's Linux cannot install it.",
                "Remove this line.")
    if name in seen:
        out.add(line, column, "warning", "environment-duplicate-package",
                f"'{name}' is listed twice (first on line {seen[name]}).", "Remove one of the two lines.")
    else:
        seen[name] = line
    if name == "python":
        if python_seen:
            return True
        pin = PYTHON_REGEX.match(text)
        if not channel and not rest:
            out.add(line, column, "info", "environment-python-unpinned",
                    "python is listed without a version, so Binder uses its current default (3.10), which will "
                    "change.", "Write '- python=3.12' (your version).")
            return False
        if channel or not pin or not pin.group(1):
            version = re.search(r"\d+(?:\.\d+)?", rest)
            out.add(line, column, "warning", "environment-python-pin-form",
                    f"repo2docker does not see '{dep}' as a Python pin (it reads only 'python=X.Y' at the start of "
                    "a line), so it builds on its default Python 3.10 and conda then has to change it.",
                    f"Write '- python={version.group(0)}'." if version else "Write '- python=3.12' (your version).")
            return False
        info = pin.group(1).split(".")
        version = MAJOR_PYTHONS.get(info[0]) if len(info) == 1 else ".".join(info[:2])
        if version is None:
            out.add(line, column, "error", "python-major-unknown",
                    f"python={pin.group(1)} is not a Python version Binder knows.", "Pin Python as python=3.12.")
        elif version not in LOCKFILE_PYTHONS:
            out.add(line, column, "error", "python-unsupported",
                    f"Binder cannot install Python {version}. It offers {', '.join(LOCKFILE_PYTHONS)}.",
                    "Pick one of those versions.")
        elif len(info) == 1:
            out.add(line, column, "info", "environment-python-major",
                    f"'python={info[0]}' means Python {version} today and will change over time.",
                    f"Pin the minor version too, e.g. python={version}.")
        return True
    if name == "r-base" and rest and not rest.startswith("="):
        out.add(line, column, "info", "environment-r-pin-form",
                f"repo2docker does not see '{dep}' as an R version pin (only 'r-base=X.Y'), so RStudio is set up "
                "for whatever R conda picks.", "Write '- r-base=4.4' (your version).")
    return False


def _pinned_version(rest: str) -> str | None:
    """'0.1.3' from '=0.1.3=pyhd8ed1ab_0' or '==0.1.3'; None for ranges and no version."""
    match = re.match(r"^\s*==?\s*([0-9][^=,<>!|*\s]*)", rest)
    return match.group(1) if match else None


def _requirements_next_door(ctx: FileContext, out: Findings, dep_line) -> None:
    """requirements.txt beside a used environment.yml is ignored: offer to move it into `pip:`."""
    if ctx.project is None or not _used_by_conda(ctx):
        return
    folder = ctx.path.rsplit("/", 1)[0] if "/" in ctx.path else ""
    req = ctx.project / folder / "requirements.txt" if folder else ctx.project / "requirements.txt"
    try:
        lines = [line.strip() for line in read_file_bytes(req).decode("utf-8-sig").splitlines()]
    except (OSError, UnicodeDecodeError):
        return
    packages = [line for line in lines if line and not line.startswith("#")]
    if not packages:
        return
    listing = "\n".join(f"  {p}" for p in packages)
    out.add(dep_line, 1, "warning", "environment-requirements-ignored",
            f"requirements.txt is ignored because environment.yml is used, so these packages will not be "
            f"installed:\n{listing}",
            "Move the requirements into the '- pip:' section of environment.yml.")


# --------------------------------------------------------------------------------------------------
# Fixes (each returns the whole new file text)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _strip_build_strings(text: str, diagnostic) -> str:
    out = []
    for line in _lines(text):
        match = re.match(r"^(\s*-\s*)([^#\s]+)(\s*(?:#.*)?)$", line)
        if match and "==" not in match.group(2) and "::" not in match.group(2) and _BUILD.match(match.group(2)):
            line = match.group(1) + _BUILD.match(match.group(2)).group("head") + match.group(3)
        out.append(line)
    return "\n".join(out)


def _remove_line(text: str, diagnostic) -> str:
    lines = _lines(text)
    if diagnostic.line and diagnostic.line <= len(lines):
        del lines[diagnostic.line - 1]
    return "\n".join(lines)


def _remove_prefix(text: str, diagnostic) -> str:
    return "\n".join(line for line in _lines(text) if not re.match(r"^prefix\s*:", line))


def _add_pip(text: str, diagnostic) -> str:
    lines = _lines(text)
    for index, line in enumerate(lines):
        match = re.match(r"^(\s*)-\s*pip\s*:", line)
        if match:
            lines.insert(index, f"{match.group(1)}- pip")
            break
    return "\n".join(lines)


def _python_pin_form(text: str, diagnostic) -> str:
    lines = _lines(text)
    if not diagnostic.line or diagnostic.line > len(lines):
        return text
    line = lines[diagnostic.line - 1]
    version = re.search(r"python[^\d#]*(\d+(?:\.\d+)?)", line)
    if not version:
        return text
    lines[diagnostic.line - 1] = re.sub(r"^(\s*-\s*).*?python.*?(\s*(?:#.*)?)$",
                                        lambda m: f"{m.group(1)}python={version.group(1)}{m.group(2)}", line)
    return "\n".join(lines)


def _crlf(text: str, diagnostic) -> str:
    return text.replace("\r\n", "\n")


def _move_requirements(text: str, diagnostic) -> str:
    """Append the ignored requirements (listed in the diagnostic) under `- pip:`, adding `- pip` if needed."""
    packages = [line.strip() for line in diagnostic.message.split("\n")[1:] if line.strip()]
    if not packages:
        return text
    lines = _lines(text.rstrip("\n"))
    dep_index = next((i for i, line in enumerate(lines) if re.match(r"^dependencies\s*:", line)), None)
    if dep_index is None:
        lines += ["dependencies:", "  - pip", "  - pip:"] + [f"    - {p}" for p in packages]
        return "\n".join(lines) + "\n"
    end = dep_index + 1
    item_indent = "  "
    while end < len(lines) and (lines[end].startswith((" ", "-", "\t")) or not lines[end].strip()):
        match = re.match(r"^(\s*)-", lines[end])
        if match and end == dep_index + 1:
            item_indent = match.group(1)
        end += 1
    while end > dep_index + 1 and not lines[end - 1].strip():
        end -= 1
    block = lines[dep_index + 1:end]
    pip_at = next((dep_index + 1 + i for i, line in enumerate(block) if re.match(r"^\s*-\s*pip\s*:", line)), None)
    has_pip = any(re.match(r"^\s*-\s*pip\s*(#.*)?$", line) for line in block)
    if pip_at is not None:
        inner = item_indent + "  "
        insert_at = pip_at + 1
        while insert_at < end and (len(lines[insert_at]) - len(lines[insert_at].lstrip())) > len(item_indent):
            inner = re.match(r"^(\s*)", lines[insert_at]).group(1)
            insert_at += 1
        lines[insert_at:insert_at] = [f"{inner}- {p}" for p in packages]
        if not has_pip:
            lines.insert(pip_at, f"{item_indent}- pip")
    else:
        new = ([] if has_pip else [f"{item_indent}- pip"]) + [f"{item_indent}- pip:"] + [
            f"{item_indent}  - {p}" for p in packages]
        lines[end:end] = new
    return "\n".join(lines) + "\n"


FIXES = {
    **{code: REQUIREMENT_FIXES[code] for code in ("req-windows-only", "req-macos-only", "req-stdlib",
                                                    "req-duplicate", "req-single-equals")},
    "environment-build-string": _strip_build_strings,
    "environment-os-only": _remove_line,
    "environment-prefix": _remove_prefix,
    "environment-pip-missing": _add_pip,
    "environment-python-pin-form": _python_pin_form,
    "environment-requirements-ignored": _move_requirements,
    "environment-duplicate-package": _remove_line,
    "crlf": _crlf,
}
