"""Dockerfile (rules §1, §14): used verbatim, and every other Binder file is then ignored.

repo2docker checks nothing inside it except the legacy `andrewosh/binder-base` image (fatal, and read from the
*root* Dockerfile even when binder/Dockerfile exists). Binder's own requirements are checked here: a pinned base
image, Jupyter installed, a user with UID 1000 that the image ends on, and the repository copied into $HOME.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.core.common.diagnostics import Diagnostic

LEGACY_MESSAGES = ("The legacy buildpack was removed in January 2020.", "The legacy buildpack has been removed.")
# Base images that already bring Jupyter and a UID-1000 user (Jupyter Docker Stacks, rocker/binder, pangeo...).
JUPYTER_BASES = re.compile(r"(^|/)(jupyter/|jupyterhub/singleuser|rocker/binder|pangeo/|[\w.-]*-notebook(:|@|$))")
JUPYTER_INSTALL = re.compile(r"\b(notebook|jupyterlab|jupyter_server|jupyter-server|jupyterhub|jupyter-lab)\b")
ROOT_USERS = {"root", "0", "root:root", "0:0"}


@dataclass(frozen=True)
class Instruction:
    line: int  # 1-based line where it starts
    keyword: str  # upper case
    args: str  # continuation lines joined


def parse(text: str) -> list[Instruction]:
    """Docker's line rules: `#` comment lines (also inside continuations), escape-char line continuations."""
    lines = re.split(r"\r\n|\r|\n", text)
    escape = "\\"
    for line in lines:  # parser directives are `# key=value` lines at the very top
        match = re.match(r"^#\s*(\w+)\s*=\s*(\S+)\s*$", line)
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("`", "\\"):
            escape = match.group(2)
    out: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        continued = stripped.endswith(escape)
        pending.append(stripped[:-1] if continued else stripped)
        if not continued:
            _flush(pending, start, out)
            pending = []
    if pending:
        _flush(pending, start, out)
    return out


def _flush(parts: list[str], start: int, out: list[Instruction]) -> None:
    joined = " ".join(p for p in parts if p).strip()
    if not joined:
        return
    keyword, _, args = joined.partition(" ")
    out.append(Instruction(start, keyword.upper(), args.strip()))


def _from_parts(args: str) -> tuple[str, str | None]:
    """('python:3.12-slim', 'build') from '--platform=linux/amd64 python:3.12-slim AS build'."""
    words = [w for w in args.split() if not w.startswith("--")]
    image = words[0] if words else ""
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return image, alias


def _tag(image: str) -> str | None:
    if "@" in image:
        return "@digest"
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def validate(text: str, ctx) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def add(line, column, severity, code, message, fix=None):
        out.append(Diagnostic(ctx.path, line, column, severity, code, message, fix))

    if ctx.reported_by_detector("legacy-dockerfile") or _legacy_check(text, ctx, add):
        return out  # nothing else matters: the build stops here
    instructions = parse(text)
    froms = [i for i, ins in enumerate(instructions) if ins.keyword == "FROM"]
    if not froms:
        add(None, None, "error", "docker-no-from",
            "The Dockerfile has no `FROM` line, so Docker cannot build it.",
            "Start with a pinned base image, e.g. `FROM python:3.12-slim`.")
        return out
    if instructions[0].keyword not in ("FROM", "ARG"):
        add(instructions[0].line, 1, "error", "docker-from-not-first",
            f"`{instructions[0].keyword}` comes before the first `FROM`; Docker only allows `ARG` there.",
            "Move the `FROM` line to the top.")
    aliases: set[str] = set()
    final_image = ""
    for index in froms:
        ins = instructions[index]
        image, alias = _from_parts(ins.args)
        is_final = index == froms[-1]
        final_image = image
        if image.lower() in aliases or image == "scratch" or "$" in image:
            pass
        elif _tag(image) is None:
            add(ins.line, 1, "warning", "docker-from-untagged",
                f"`FROM {image}` has no tag, so it means `latest`, which changes without notice; "
                "Binder asks for an explicit tag.",
                f"Pin a version, e.g. `FROM {image}:<version>` (a digest `@sha256:...` is best).")
        elif _tag(image) == "latest":
            add(ins.line, 1, "warning", "docker-from-latest",
                f"`{image}` uses the `latest` tag, which changes without notice; Binder asks for a fixed tag.",
                "Replace `latest` with a version number or a digest `@sha256:...`.")
        if alias:
            aliases.add(alias.lower())
        if not is_final:
            continue
    final = instructions[froms[-1]:]
    whole = " ".join(ins.args for ins in instructions if ins.keyword in ("RUN", "COPY", "ADD", "FROM"))
    jupyter_base = bool(JUPYTER_BASES.search(final_image.lower())) or any(
        JUPYTER_BASES.search(_from_parts(instructions[i].args)[0].lower()) for i in froms)
    if not jupyter_base and not JUPYTER_INSTALL.search(whole):
        add(None, None, "error", "docker-no-jupyter",
            "Nothing in this Dockerfile installs Jupyter, so Binder cannot start a session "
            "(\"failed to launch\").",
            "Add `RUN python3 -m pip install --no-cache-dir notebook jupyterlab` (with versions), or start FROM "
            "a Jupyter image such as `quay.io/jupyter/minimal-notebook:<tag>`.")
    _user_checks(instructions, final, jupyter_base, add)
    if not jupyter_base:
        _undeclared_checks(instructions, final, add)
    _copy_checks(final, add)
    for ins in instructions:
        if ins.keyword == "ENTRYPOINT" and not ins.args.startswith("["):
            add(ins.line, 1, "warning", "docker-entrypoint-shell-form",
                "A shell-form ENTRYPOINT ignores the command Binder passes, so Jupyter never starts.",
                "Use the JSON form, e.g. `ENTRYPOINT [\"/entrypoint.sh\"]`, and end that script with `exec \"$@\"`.")
        elif ins.keyword == "ENTRYPOINT":
            add(ins.line, 1, "info", "docker-entrypoint",
                "Binder runs its own command through this ENTRYPOINT; it must end by running its arguments.",
                "Make the entrypoint script end with `exec \"$@\"`.")
        if ins.keyword in ("RUN", "ADD") and (match := re.search(r"\bftp://", ins.args, re.IGNORECASE)):
            add(ins.line, None, "error", "docker-ftp",
                "mybinder.org blocks FTP, so this download hangs and fails.", "Download over https:// instead.")
    return out


def _legacy_check(text: str, ctx, add) -> bool:
    """repo2docker's own check, verbatim: the first line that starts with `FROM` (case-sensitive)."""
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):  # as Python's open() splits
        if line.startswith("FROM"):
            if "andrewosh/binder-base" in line.split("#")[0].lower():
                at_root = "/" not in ctx.path.replace("\\", "/")
                add(number, 1, "error", "legacy-dockerfile",
                    "`andrewosh/binder-base` is the retired first-generation Binder image."
                    + (f" repo2docker refuses this root Dockerfile — even when binder/ has its own — with "
                       f"\"{LEGACY_MESSAGES[0]}\" and \"{LEGACY_MESSAGES[1]}\"" if at_root
                       else " It is years out of date and will not work with current Binder") + ".",
                    "Delete this Dockerfile and describe the environment with requirements.txt or environment.yml.")
                return True
            return False
    return False


def _declared(instructions, name: str) -> str | None:
    """The default value of ARG/ENV `name`, '' when declared without one, None when not declared."""
    value = None
    for ins in instructions:
        if ins.keyword not in ("ARG", "ENV"):
            continue
        for match in re.finditer(rf"(?:^|\s){name}(?:(?:=|\s+)(\"[^\"]*\"|\S+))?", ins.args):
            found = (match.group(1) or "").strip('"')
            if ins.keyword == "ENV" and found == "" and "=" not in ins.args:
                continue
            value = found
    return value


def _user_checks(instructions, final, jupyter_base: bool, add) -> None:
    for name in ("NB_UID",):
        value = _declared(instructions, name)
        if value and value.isdigit() and value != "1000":
            line = next(ins.line for ins in instructions if ins.keyword in ("ARG", "ENV") and name in ins.args)
            add(line, 1, "error", "docker-uid",
                f"{name} is {value}, but Binder runs sessions as UID 1000; files will not be writable.",
                f"Set `{name}=1000`.")
    for ins in final:
        if ins.keyword != "RUN" or not re.search(r"\b(adduser|useradd)\b", ins.args):
            continue
        match = re.search(r"(?:--uid|-u)[\s=]+(\S+)", ins.args)
        if match is None:
            add(ins.line, 1, "warning", "docker-uid-unset",
                "This creates a user without choosing its UID. Binder needs UID 1000, and some images "
                "(ubuntu:24.04) already give 1000 to another user.",
                "Add `--uid 1000` (or `--uid ${NB_UID}` with `ARG NB_UID=1000`).")
        elif match.group(1).isdigit() and match.group(1) != "1000":
            add(ins.line, 1, "error", "docker-uid",
                f"The user gets UID {match.group(1)}, but Binder runs sessions as UID 1000.",
                "Use `--uid 1000` (or `--uid ${NB_UID}` with `ARG NB_UID=1000`).")
    users = [ins for ins in final if ins.keyword == "USER"]
    if not users:
        if not jupyter_base:
            add(None, None, "error", "docker-no-user",
                "The image never switches to a normal user, so it runs as root; Binder does not allow that and "
                "needs a user with UID 1000.",
                "Create the user as in the template (`adduser ... --uid ${NB_UID} ${NB_USER}`) and end with "
                "`USER ${NB_USER}`.")
        return
    last = users[-1]
    user = last.args.split()[0] if last.args.split() else ""
    if user.lower() in ROOT_USERS:
        add(last.line, 1, "error", "docker-root-at-end",
            "The image ends as root. Binder does not allow root sessions; switch back to the normal user.",
            "Add `USER ${NB_USER}` after the steps that need root.")
    elif user.split(":")[0].isdigit() and user.split(":")[0] != "1000":
        add(last.line, 1, "error", "docker-uid",
            f"The image ends as UID {user}, but Binder runs sessions as UID 1000.", "Use `USER 1000` (or ${NB_USER}).")


def _undeclared_checks(instructions, final, add) -> None:
    """${NB_USER}, ${NB_UID}, ${HOME}, ${USER} used but never set: Docker expands them to nothing."""
    reported: set[str] = set()
    for ins in final:
        if ins.keyword not in ("USER", "COPY", "ADD", "WORKDIR", "RUN", "ENV"):
            continue
        for match in re.finditer(r"\$\{?(NB_USER|NB_UID|HOME|USER)\b", ins.args):
            name = match.group(1)
            if name in reported or ins.keyword == "RUN" and name in ("HOME", "USER"):
                continue  # in RUN the shell sets HOME and USER itself
            earlier = [i for i in instructions if i.line < ins.line or (i is ins and i.keyword == "ENV")]
            if _declared(earlier, name) is None:
                reported.add(name)
                add(ins.line, None, "error", "docker-undeclared-variable",
                    f"`${{{name}}}` is used here but never set with ARG or ENV, so Docker replaces it with "
                    "nothing and this step breaks.",
                    f"Declare it first, e.g. `ARG NB_USER=jovyan`, `ARG NB_UID=1000`, `ENV HOME=/home/${{NB_USER}}`.")


def _copy_checks(final, add) -> None:
    copies = [ins for ins in final if ins.keyword in ("COPY", "ADD")
              and re.search(r"(^|\s)\.\S*\s+\S+$", ins.args) and "--from" not in ins.args]
    if not copies:
        add(None, None, "warning", "docker-no-copy",
            "The repository is never copied into the image, so Binder users see none of your notebooks.",
            "Add `COPY --chown=${NB_UID} . ${HOME}` near the end.")
        return
    copy = copies[-1]
    chowned = "--chown" in copy.args or any(
        ins.keyword == "RUN" and "chown" in ins.args and ins.line > copy.line for ins in final)
    if not chowned:
        add(copy.line, 1, "warning", "docker-copy-no-chown",
            "Files copied without `--chown` belong to root, so notebooks cannot be saved in the session.",
            "Write `COPY --chown=${NB_UID} . ${HOME}` (or `RUN chown -R ${NB_UID} ${HOME}` as root afterwards).")


def _append(text: str, block: str) -> str:
    """Add lines at the end, in the file's line endings, after ending a dangling `\\` continuation
    (otherwise the new first line would be glued onto the last instruction)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and lines[-1].rstrip().endswith("\\"):
        lines[-1] = lines[-1].rstrip()[:-1].rstrip()
    body = newline.join(lines) + newline if lines else ""
    return body + block.replace("\n", newline)


def _fix_root_at_end(text: str, diagnostic: Diagnostic) -> str:
    user = "${NB_USER}" if _declared(parse(text), "NB_USER") is not None else "1000"
    return _append(text, f"USER {user}\n")


USER_BLOCK = """
# Binder runs sessions as a normal user with UID 1000.
ARG NB_USER=jovyan
ARG NB_UID=1000
ENV USER=${NB_USER} \\
    NB_UID=${NB_UID} \\
    HOME=/home/${NB_USER}
RUN adduser --disabled-password --gecos "Default user" --uid ${NB_UID} ${NB_USER}
WORKDIR ${HOME}
USER ${NB_USER}
"""


def _fix_no_user(text: str, diagnostic: Diagnostic) -> str:
    return _append(text, USER_BLOCK)


FIXES = {"docker-root-at-end": _fix_root_at_end, "docker-no-user": _fix_no_user}
