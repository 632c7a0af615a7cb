"""postBuild and start: the two scripts repo2docker runs (rules §8).

postBuild runs once, last in the build, as the normal user (jovyan, not root), from the repository root, via
`RUN chmod +x postBuild && ./postBuild` (so `/bin/sh` runs it when it has no shebang). start runs at *every*
launch through `Popen([start] + argv)`: it needs a shebang and must end with `exec "$@"` or Jupyter never starts.
"""

from __future__ import annotations

import os
import re
import shlex
import stat

from wizard.core.common.lazy_regex import lazy_compile
from wizard.core.common.diagnostics import Diagnostic
from wizard.core.common.fileio import read_file_bytes

LINE_BREAK = lazy_compile(r"\r\n|\r|\n")
SHELLS = {"bash", "sh", "dash"}
# Interpreters a shebang can name that exist in every repo2docker image (buildpack-deps:24.04 + conda).
KNOWN_PATHS = {"/bin/bash", "/bin/sh", "/bin/dash", "/usr/bin/bash", "/usr/bin/sh", "/usr/bin/env",
               "/usr/bin/perl", "/usr/bin/python3"}
KNOWN_ENV_NAMES = SHELLS | {"python", "python3", "perl", "Rscript", "R", "julia", "node"}
BOL = r"(?:^|[\s;&|(`])"  # a command starts at the line start or after a separator
SUDO = lazy_compile(BOL + r"(sudo)\s")
APT = lazy_compile(BOL + r"((?:apt-get|apt|dpkg)\s+(?:-\S+\s+)*(?:install|update|upgrade|-i)\b)")
PIP_INSTALL = lazy_compile(BOL + r"((?:python3?\s+-m\s+)?pip3?\s+install)\s+(.*)$")
CONDA_INSTALL = lazy_compile(BOL + r"((?:conda|mamba|micromamba)\s+install)\b")
LABEXTENSION = lazy_compile(BOL + r"(jupyter\s+labextension\s+install)\b")
LAB_BUILD = lazy_compile(BOL + r"(jupyter\s+lab\s+build)\b")
# Commands of the classic Notebook (< 7) and its extension tools: Notebook 7 has none of them.
CLASSIC_COMMAND = lazy_compile(BOL + r"(jupyter[\s-](?:serverextension|nbextension|bundlerextension"
                             r"|contrib[\s-]nbextension|nbextensions_configurator)\b(?:\s+[\w-]+)?)")
# npm source extensions with no JupyterLab 4 release, or built into JupyterLab since 3: `install` fails.
LAB4_FAILS = {"@jupyterlab/toc": "The table of contents is built into JupyterLab since 3.0: delete this line.",
              "@jupyterlab/hub-extension": "The hub menu is built into JupyterLab since 2.0: delete this line.",
              "plotlywidget": "Install `plotly` (5 or newer) with pip instead; it brings its JupyterLab support.",
              "@jupyterlab/celltags": "Cell tags are built into JupyterLab since 3.0: delete this line.",
              "jupyterlab_bokeh": "Install `jupyter_bokeh` with pip instead."}
# npm name -> the pip package that ships the same extension prebuilt.
PREBUILT = {"@jupyter-widgets/jupyterlab-manager": "ipywidgets (already in Binder's image)",
            "jupyter-matplotlib": "ipympl", "jupyterlab-plotly": "plotly", "@bokeh/jupyter_bokeh": "jupyter_bokeh",
            "@pyviz/jupyterlab_pyviz": "pyviz_comms", "jupyter-leaflet": "ipyleaflet",
            "@jupyterlab/git": "jupyterlab-git",
            "jupyterlab-jupytext": "jupytext", "@jupyter-voila/jupyterlab-preview": "voila", "bqplot": "bqplot",
            "@jupyterlab/latex": "jupyterlab-latex", "@krassowski/jupyterlab-lsp": "jupyterlab-lsp",
            "@jupyterlab/server-proxy": "jupyter-server-proxy", "jupyterlab-drawio": "jupyterlab-drawio",
            "@lckr/jupyterlab_variableinspector": "lckr-jupyterlab-variableinspector", "nglview-js-widgets": "nglview"}
DOWNLOAD = lazy_compile(BOL + r"(wget|curl|git\s+clone|gdown|aws\s+s3\s+cp)\b")
DOWNLOAD_WORDS = ("wget", "curl", "git", "gdown", "aws")
FTP = lazy_compile(r"\bftp://", re.IGNORECASE)
SET_E = lazy_compile(r"^set\s+(?:[^#]*\s)?(?:-[a-zA-Z]*e[a-zA-Z]*|-o\s+errexit)\b")
EXEC_ARGS = lazy_compile(r"^exec\s+(?:.*\s)?\"\$(?:@|\{@\})\"\s*;?$")
EXEC_UNQUOTED = lazy_compile(r"^exec\s+(?:.*\s)?\$(?:@|\{@\})\s*;?$")
BASHISM = lazy_compile(r"(\[\[\s|^\s*source\s|^\s*function\s+\w|\w=\(|\$\{\w+//|<<<|\bdeclare\s|&>)")
CLOSERS = {"fi", "done", "esac", "}", ")", "fi;", "done;"}
# pip options that take a value, so the next word is not a package
PIP_VALUE_OPTIONS = {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                     "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                     "--src", "--cache-dir", "--progress-bar"}


def _lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def _code(line: str) -> str:
    """The part of a shell line before a comment (approximate: `#` at the start or after whitespace)."""
    if line.lstrip().startswith("#"):
        return ""
    match = re.search(r"\s#", line)
    return (line[: match.start()] if match else line).strip()


def _interpreter(shebang: str) -> tuple[str, str]:
    """('/bin/bash', 'bash') from '#!/bin/bash -e'; ('/usr/bin/env', 'python3') from '#!/usr/bin/env python3'."""
    words = shebang[2:].strip().split()
    if not words:
        return "", ""
    path = words[0]
    name = path.rsplit("/", 1)[-1]
    if name == "env":
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        name = rest[0] if rest else ""
    return path, name


def _code_lines(lines: list[str]) -> list[tuple[int, str]]:
    """(1-based line number, code) for every line that holds a command, skipping heredoc bodies."""
    return _scan(lines)[0]


def _scan(lines: list[str]) -> tuple[list[tuple[int, str]], str | None]:
    """The code lines, and the terminator of a heredoc still open at the end of the file (or None)."""
    out: list[tuple[int, str]] = []
    heredoc_end: str | None = None
    for number, raw in enumerate(lines, start=1):
        if heredoc_end is not None:
            if raw.strip() == heredoc_end:
                heredoc_end = None
            continue
        code = _code(raw)
        if number == 1 and raw.startswith("#!"):
            continue
        if code:
            out.append((number, code))
            match = re.search(r"<<-?\s*['\"]?(\w+)['\"]?", code)
            if match and "<<<" not in code:
                heredoc_end = match.group(1)
    return out, heredoc_end


def validate(text: str, ctx) -> list[Diagnostic]:
    is_start = ctx.name == "start"
    path = ctx.path
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(path, line, column, severity, code, message, fix))

    lines = _lines(text)
    bom = text.startswith("\ufeff") or (_bom_on_disk(ctx) if ctx.bom is None else ctx.bom)
    if bom:
        add(1, 1, "error" if is_start else "warning", "script-bom",
            "The file starts with an invisible byte-order mark, so the system cannot see the `#!` line"
            + (" and the container fails to start." if is_start else " and runs it with /bin/sh instead."),
            "Save the file as UTF-8 without BOM.")
    first = lines[0].lstrip("\ufeff")
    has_shebang = first.startswith("#!")
    if "\r" in text:
        line = next(i for i, raw in enumerate(text.split("\n"), start=1) if "\r" in raw)
        symptom = ("/bin/sh: 1: ./postBuild: not found" if not is_start else "[Errno 2] No such file or directory") \
            if has_shebang else "$'\\r': command not found"
        add(line, None, "error", "script-crlf",
            f"The file has Windows line endings (CRLF). Linux then fails with messages like \"{symptom}\".",
            "Convert the line endings to LF (Unix).")

    if not text.strip():
        if not is_start:
            add(None, None, "info", "script-empty", "postBuild is empty, so it does nothing.",
                "Add the commands to run at the end of the build, or delete the file.")
        else:
            add(None, None, "error", "start-no-exec",
                "start is empty, so the container fails to start (\"OSError: [Errno 8] Exec format error\") "
                "and Jupyter never runs.", "Start the file with `#!/bin/bash` and end it with `exec \"$@\"`.")
        return out

    path_, interpreter = _interpreter(first.rstrip("\r")) if has_shebang else ("", "")
    is_shell = not has_shebang or interpreter in SHELLS
    if not has_shebang:
        later = next((i for i, raw in enumerate(lines, start=1) if raw.strip()), 1)
        if later > 1 and lines[later - 1].lstrip().startswith("#!") or lines[0].lstrip().startswith("#!"):
            add(later, 1, "error" if is_start else "warning", "script-shebang-not-first",
                "The `#!` line only works as the very first characters of the file.",
                "Move the `#!` line to the top, with nothing before it.")
        elif is_start:
            add(1, 1, "error", "script-no-shebang",
                "start has no `#!` line, so the container fails to start with "
                "\"OSError: [Errno 8] Exec format error\" and Jupyter never runs.",
                "Add `#!/bin/bash` as the first line.")
        else:
            add(1, 1, "warning", "script-no-shebang",
                "postBuild has no `#!` line, so it runs with /bin/sh (dash): bash features such as `[[`, "
                "`source` or arrays fail.", "Add `#!/bin/bash` as the first line.")
    elif not interpreter:
        add(1, 1, "error", "script-shebang-empty", "The `#!` line names no program to run this script.",
            "Write `#!/bin/bash`.")
    elif (path_ != "/usr/bin/env" and path_ not in KNOWN_PATHS) or (path_ == "/usr/bin/env"
                                                                  and interpreter not in KNOWN_ENV_NAMES):
        add(1, 3, "warning", "script-shebang-path",
            f"`{first.rstrip()[2:].strip()}` may not exist in Binder's image, and the script then fails with "
            "\"not found\".", "Use `#!/bin/bash` (or `#!/usr/bin/env python3` for a Python script).")

    code_lines = _code_lines(lines)
    if is_shell:
        _shell_checks(code_lines, lines, has_shebang, interpreter, is_start, add, ctx)
    elif is_start and not any("exec" in code for _, code in code_lines):
        add(None, None, "warning", "start-no-handover",
            "start must hand over to Jupyter at the end (`exec \"$@\"` in a shell script, `os.execvp` in "
            "Python), otherwise Jupyter never starts.", "Rewrite start as a bash script ending in `exec \"$@\"`.")
    _executable_check(ctx, add)
    return out


def _shell_checks(code_lines, lines, has_shebang, interpreter, is_start, add, ctx=None) -> None:
    name = "start" if is_start else "postBuild"
    shebang_has_e = has_shebang and re.search(r"\s-[a-zA-Z]*e", lines[0]) is not None
    if not shebang_has_e and not any(SET_E.match(code) for _, code in code_lines):
        add(2 if has_shebang else 1, None, "warning" if not is_start else "info", "script-no-set-e",
            f"Without `set -e`, {name} carries on after a command fails"
            + (", so the build \"succeeds\" and you only find out when a notebook breaks." if not is_start
               else ", hiding the error."),
            "Add `set -e` near the top, so the first failing command stops the script.")
    seen: set[str] = set()

    def once(code, line, column, severity, message, fix):
        if code not in seen:
            seen.add(code)
            add(line, column, severity, code, message, fix)

    for number, code in code_lines:
        if (has_shebang and interpreter in ("sh", "dash") or not has_shebang) and (match := BASHISM.search(code)):
            once("script-bashism", number, match.start() + 1, "warning",
                 "This line uses bash-only syntax, but the script runs with /bin/sh (dash), where it fails.",
                 "Make the first line `#!/bin/bash`.")
        if "sudo" in code and (match := SUDO.search(code)):
            add(number, match.start(1) + 1, "error", "script-sudo",
                f"There is no sudo on Binder: {name} runs as the normal user (jovyan), so this line fails.",
                "Put Ubuntu packages in apt.txt; Binder installs those as root for you.")
        elif ("apt" in code or "dpkg" in code) and (match := APT.search(code)):
            add(number, match.start(1) + 1, "error", "script-apt-get",
                f"{name} runs as the normal user, not root, so apt-get fails with "
                "\"E: Could not open lock file ... (13: Permission denied)\".",
                "List the packages in apt.txt instead, one per line.")
        if "ftp:" in code.lower() and (match := FTP.search(code)):
            add(number, match.start() + 1, "error", "script-ftp",
                "mybinder.org blocks FTP (only HTTP(S), git and a few other ports are open), so this download "
                "hangs and fails.", "Download the file over https:// instead.")
        if "pip" in code and (match := PIP_INSTALL.search(code)):
            unpinned = _unpinned_pip_packages(match.group(2))
            if unpinned:
                add(number, match.start(1) + 1, "warning", "script-pip-unpinned",
                    f"`{match.group(1)}` installs {', '.join(unpinned)} without a version, so every build may "
                    "get a different version" + (" — and start runs at every launch, slowing it down." if is_start
                                                 else "."),
                    "List Python packages in requirements.txt (or environment.yml) with `==` versions.")
        if "install" in code and (match := CONDA_INSTALL.search(code)):
            once("script-conda-install", number, match.start(1) + 1, "info",
                 "Installing conda packages here works, but they belong in environment.yml, where Binder "
                 "solves them together and caches the result.", "Move the packages into environment.yml.")
        if "jupyter" in code:
            _jupyter_checks(number, code, ctx, code_lines, shebang_has_e, is_start, add)
        if any(word in code for word in DOWNLOAD_WORDS) and (match := DOWNLOAD.search(code)):
            if is_start:
                add(number, match.start(1) + 1, "warning", "start-download",
                    "start runs at every launch, so downloading here makes every launch slow.",
                    "Download in postBuild (once, at build time) or read the data on demand.")
            else:
                once("script-download", number, match.start(1) + 1, "info",
                     "Files downloaded in postBuild become part of the image: fine up to a few hundred MB. "
                     "Larger data makes the image slow to build and launch.",
                     "For big data, read it on demand at run time instead of downloading it here.")
    if is_start:
        _exec_checks(code_lines, add)


def _stops_here(number: int, code_lines, shebang_has_e: bool, is_start: bool) -> bool:
    """Whether a failing command on this line stops the build (or the launch): `set -e` before it, or the last
    command of postBuild (its exit status is the script's)."""
    if shebang_has_e or any(SET_E.match(code) for n, code in code_lines if n < number):
        return True
    return not is_start and code_lines and code_lines[-1][0] == number


def _jupyter_checks(number, code, ctx, code_lines, shebang_has_e, is_start, add) -> None:
    """Notebook 7 and JupyterLab 4 commands, decided by the versions the build really gets."""
    classic = CLASSIC_COMMAND.search(code)
    labext = LABEXTENSION.search(code)
    if not classic and not labext and not LAB_BUILD.search(code):
        return
    from wizard.core.environment.validators.jupyter_versions import server_versions  # only for Jupyter commands

    earlier = [c for n, c in code_lines if n < number]
    versions = server_versions(ctx, earlier) if ctx is not None else server_versions(_NoContext(), earlier)
    stops = _stops_here(number, code_lines, shebang_has_e, is_start)
    severity = "error" if stops else "warning"
    consequence = ((" and the launch fails" if is_start else " and the build stops") if stops else
                   ", and the script carries on without it (no `set -e`)")
    if classic:
        notebook = versions["notebook"]
        command = re.sub(r"\s+", " ", classic.group(1))
        if notebook.major < 7:
            if "nbextension" in command:
                add(number, classic.start(1) + 1, "info", "script-nbextension",
                    f"Classic notebook extensions work with Notebook {notebook.version} ({notebook.why}), but only "
                    "in the classic interface (/tree); JupyterLab, which Binder can also open, ignores them.",
                    "Prefer the extension's JupyterLab version, installed with pip.")
            return
        add(number, classic.start(1) + 1, severity,
            "script-serverextension" if "serverextension" in command else "script-nbextension",
            f"`{command}` is a command of the classic Notebook (before 7). Binder installs Notebook "
            f"{notebook.version} ({notebook.why}), which has no such command, so this line fails"
            f"{consequence}.", _classic_fix(command, code, notebook))
        return
    lab = versions["jupyterlab"]
    if labext:
        packages = [w for w in code[labext.end(1):].split() if not w.startswith("-")]
        failing = next((p for p in packages if _npm_name(p) in LAB4_FAILS), None)
        if lab.major < 3:
            return
        if lab.major == 3:
            add(number, labext.start(1) + 1, "info", "script-labextension-install",
                f"JupyterLab {lab.version} ({lab.why}) still builds source extensions with Node.js, which Binder's "
                "image has, but the build is slow and memory-hungry.", _prebuilt_fix(packages))
            return
        if failing is not None:
            name = _npm_name(failing)
            add(number, labext.start(1) + 1, severity, "script-labextension-install",
                f"`jupyter labextension install {failing}` fails with JupyterLab {lab.version} ({lab.why}): npm has "
                f"no version of {name} for JupyterLab 4 (\"No version of {name} could be found that is compatible "
                f"with the current version of JupyterLab\"){consequence}.", LAB4_FAILS[name])
            return
        add(number, labext.start(1) + 1, "warning", "script-labextension-install",
            f"`jupyter labextension install` is deprecated in JupyterLab {lab.version} ({lab.why}): it builds the "
            "extension from npm with Node.js, works only for extensions that have a JupyterLab 4 release, and the "
            "build often runs out of memory (\"Killed\", exit code 137).", _prebuilt_fix(packages))
        return
    if lab.major >= 3:
        match = LAB_BUILD.search(code)
        add(number, match.start(1) + 1, "warning", "script-lab-build",
            f"`jupyter lab build` needs a lot of memory and often kills the build (exit code 137) on Binder; "
            f"JupyterLab {lab.version} ({lab.why}) loads prebuilt extensions without it.",
            "Use prebuilt extensions from pip or conda; if you must build, add `--minimize=False`.")


class _NoContext:
    detection = None
    project = None


def _classic_fix(command: str, code: str, notebook) -> str:
    pin = f"or keep the classic Notebook by pinning `notebook<7` in {notebook.pin_file}."
    if "serverextension" in command:
        module = re.search(r"serverextension\s+(?:enable|disable)\s+(?:--\S+\s+)*([\w.]+)", code)
        modern = f"jupyter server extension enable --sys-prefix {module.group(1) if module else '<module>'}"
        return (f"Most server extensions enable themselves when pip installs them; otherwise write `{modern}`, "
                + pin)
    if "widgetsnbextension" in code:
        return "Delete this line: ipywidgets 8 in Binder's image works in Notebook 7 and JupyterLab as it is."
    return ("Notebook 7 runs JupyterLab extensions: install the extension's Python package (pip or conda; it is "
            "enabled on install), " + pin)


def _npm_name(argument: str) -> str:
    """'@scope/name' from '@scope/name@1.2'; 'name' from 'name@1.2'."""
    if argument.startswith("@"):
        return "@" + argument[1:].partition("@")[0]
    return argument.partition("@")[0]


def _prebuilt_fix(packages: list[str]) -> str:
    known = [f"{_npm_name(p)} → {PREBUILT[_npm_name(p)]}" for p in packages if _npm_name(p) in PREBUILT]
    return ("Install the prebuilt Python package instead (pip or conda; no build needed)"
            + (f": {', '.join(known)}." if known else ", usually named like the extension."))


def _unpinned_pip_packages(arguments: str) -> list[str]:
    try:
        words = shlex.split(arguments)
    except ValueError:
        words = arguments.split()
    unpinned: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in ("&&", "||", ";", "|") or word.startswith(("&", ";", "|", ">", "<")):
            break
        if word in PIP_VALUE_OPTIONS:
            skip = True
            continue
        if word.startswith("-"):
            continue
        local = word.startswith((".", "/", "~", "$")) or "://" in word or word.endswith((".whl", ".tar.gz", ".zip"))
        if not local and not re.search(r"==|===|@", word):
            unpinned.append(word)
    return unpinned


def _exec_checks(code_lines, add) -> None:
    execs = [n for n, code in code_lines if EXEC_ARGS.match(code)]
    unquoted = [n for n, code in code_lines if EXEC_UNQUOTED.match(code)]
    if not execs:
        if unquoted:
            add(unquoted[-1], 1, "warning", "start-exec-unquoted",
                "`exec $@` without quotes splits arguments that contain spaces.",
                "Write `exec \"$@\"` (with the double quotes).")
        else:
            add(None, None, "error", "start-no-exec",
                "start does not end with `exec \"$@\"`, so Jupyter never starts and the launch fails "
                "(\"failed to start\").", "Add `exec \"$@\"` as the last line.")
        return
    last_number, last_code = code_lines[-1]
    if last_number not in execs and last_code not in CLOSERS:
        add(last_number, 1, "warning", "start-exec-not-last",
            "Lines after `exec \"$@\"` never run: `exec` hands the process over to Jupyter.",
            "Move `exec \"$@\"` to the end of the file.")


def _bom_on_disk(ctx) -> bool:
    if ctx.project is None:
        return False
    try:
        return read_file_bytes(os.path.join(ctx.project, ctx.path)).startswith(b"\xef\xbb\xbf")
    except OSError:
        return False


def _executable_check(ctx, add) -> None:
    if ctx.project is None:
        return
    try:
        mode = os.stat(os.path.join(ctx.project, ctx.path)).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode) and not mode & 0o111:
        add(None, None, "info", "script-not-executable",
            f"{ctx.name} is not marked executable. Binder makes it executable itself, but you cannot run it "
            "locally to test it.",
            f"Run `chmod +x {ctx.path}` (on Windows: `git update-index --chmod=+x {ctx.path}`).")


# ---- fixes: each returns the new text and keeps everything else as it was ----

def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _fix_crlf(text: str, diagnostic: Diagnostic) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fix_bom(text: str, diagnostic: Diagnostic) -> str:
    return text.lstrip("\ufeff")


def _fix_no_shebang(text: str, diagnostic: Diagnostic) -> str:
    text = text.lstrip("\ufeff")
    if text.startswith("#!"):
        return text
    return "#!/bin/bash" + _newline(text) + text


def _fix_shebang_not_first(text: str, diagnostic: Diagnostic) -> str:
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith("#!"):
                shebang = line.lstrip()
                if not shebang.endswith(("\n", "\r")):
                    shebang += _newline(text)
                return shebang + "".join(lines[:index] + lines[index + 1:])
            break
    return text


def _fix_set_e(text: str, diagnostic: Diagnostic) -> str:
    newline = _newline(text)
    if text.startswith("#!"):
        first = re.match(r"[^\r\n]*(\r\n|\r|\n)?", text)
        return first.group(0) + ("" if first.group(1) else newline) + "set -e" + newline + text[first.end():]
    return "set -e" + newline + text


def _fix_no_exec(text: str, diagnostic: Diagnostic) -> str:
    newline = _newline(text)
    if not text.strip():
        return "#!/bin/bash" + newline + 'exec "$@"' + newline
    if not text.endswith(("\n", "\r")):
        text += newline
    open_heredoc = _scan(_lines(text))[1]
    if open_heredoc:  # the file ends inside a here-document: close it, or exec would be part of its text
        text += open_heredoc + newline
    return text + 'exec "$@"' + newline


def _fix_exec_unquoted(text: str, diagnostic: Diagnostic) -> str:
    parts = re.split(r"(\r\n|\r|\n)", text)
    for index in range(0, len(parts), 2):
        if EXEC_UNQUOTED.match(_code(parts[index])):
            parts[index] = re.sub(r"\$(@|\{@\})", r'"$\1"', parts[index])
    return "".join(parts)


def _fix_exec_not_last(text: str, diagnostic: Diagnostic) -> str:
    kept = [line for line in text.splitlines(keepends=True) if not EXEC_ARGS.match(_code(line))]
    body = "".join(kept)
    return _fix_no_exec(body, diagnostic)


FIXES = {
    "script-crlf": _fix_crlf,
    "script-bom": _fix_bom,
    "script-no-shebang": _fix_no_shebang,
    "script-shebang-not-first": _fix_shebang_not_first,
    "script-no-set-e": _fix_set_e,
    "start-no-exec": _fix_no_exec,
    "start-exec-unquoted": _fix_exec_unquoted,
    "start-exec-not-last": _fix_exec_not_last,
}
