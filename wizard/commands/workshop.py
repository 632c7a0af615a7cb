"""`binder-wizard workshop ACTION`: plan, split, warm, hand out and watch a Binder for a room (issue 16).

  link     an nbgitpuller Binder link: Binder builds --env, nbgitpuller pulls the content at launch
  split    write a new environment-only folder (shown first as a plan; never overwrites)
  warm     build the image on every member of a federated hub at once, stopping each server
  plan     the attendees against the quota and capacity, the days left, the quota request
  handout  one page for slides: link, badge, QR code, fallback links, the rules
  status   the members, their health and free capacity, and where to send people

Exit codes: 0 done; 1 when the action failed or found something to do (warm: a member not warm; plan: a
quota request or too little capacity; status: no member takes people; split/handout: declined or a file
in the way); 2 usage errors. JSON shapes: README "workshop".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from wizard.commands.common import EXIT_FAILED, EXIT_OK, UsageError, add_path_argument, project_path
from wizard.core.common.safe_text import safe_text

today = dt.date.today  # tests fix the date


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1 or value > 1_000_000:
        raise argparse.ArgumentTypeError(f"the number of attendees must be from 1 to 1000000, not {text}")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not 0 < value <= 24 * 14:
        raise argparse.ArgumentTypeError(f"the length must be more than 0 and at most two weeks, not {text}")
    return value


def _date(text: str) -> dt.date:
    import re

    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {safe_text(text)!r}")


def _hub_option(parser) -> None:
    parser.add_argument("--hub", metavar="URL", help="the BinderHub (default: your config, else https://mybinder.org)")


def _link_options(parser, env_required: bool) -> None:
    add_path_argument(parser)
    parser.add_argument("--env", metavar="SPEC", required=env_required,
                        help="the environment repository Binder builds: owner/name, a URL, PROVIDER:SPEC "
                             "(gh:teach-org/lesson-env) or its folder on this computer")
    parser.add_argument("--env-ref", default="HEAD", metavar="REF", help="its branch, tag or commit (default: HEAD)")
    parser.add_argument("--content", metavar="URL", help="the content repository (default: this project's origin)")
    parser.add_argument("--branch", metavar="NAME",
                        help="the content's branch or tag (default: this project's current branch; with "
                             "--content, the repository's default branch)")
    parser.add_argument("--open", metavar="TARGET",
                        help="what to open after the pull: a file, lab, classic:FILE, rstudio or /url/path")
    _hub_option(parser)


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    link = actions.add_parser("link", help="an nbgitpuller Binder link (environment + content)")
    _link_options(link, env_required=True)
    link.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    split = actions.add_parser("split", help="write a new environment-only folder for the workshop")
    add_path_argument(split)
    split.add_argument("--env-dir", required=True, metavar="DIR", help="the new folder (never overwritten)")
    split.add_argument("--env", metavar="SPEC",
                       help="where it will be published, for its badge (default: beside origin, named after DIR)")
    _hub_option(split)
    split.add_argument("--yes", action="store_true", help="write without asking")

    warm = actions.add_parser("warm", help="build the image on every member of the hub, stopping each server")
    add_path_argument(warm)
    _hub_option(warm)
    warm.add_argument("--ref", default="HEAD", metavar="REF", help="branch, tag or commit (default: HEAD)")
    warm.add_argument("--members", default="auto", metavar="auto|URL,...",
                      help="the hub's active members (auto, the default), or hub URLs separated by commas")
    warm.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    plan = actions.add_parser("plan", help="attendees against quota and capacity; the quota request")
    add_path_argument(plan)
    plan.add_argument("--attendees", type=_positive, required=True, metavar="N", help="how many people at once")
    plan.add_argument("--date", type=_date, required=True, metavar="YYYY-MM-DD", help="the day of the event")
    plan.add_argument("--hours", type=_hours, metavar="H", help="how long it lasts (for the quota request)")
    _hub_option(plan)
    plan.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")

    handout = actions.add_parser("handout", help="one page for slides: link, badge, QR code, fallbacks, rules")
    _link_options(handout, env_required=False)
    handout.add_argument("--out", metavar="FILE", help="write the page here, and its QR code beside it (FILE-qr.png)")
    handout.add_argument("--format", choices=("markdown", "html"), default="markdown", help="default: markdown")
    handout.add_argument("--yes", action="store_true", help="replace an existing page without asking")

    status = actions.add_parser("status", help="the members, their health and free capacity")
    _hub_option(status)
    status.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args) -> int:
    return {"link": _run_link, "split": _run_split, "warm": _run_warm, "plan": _run_plan,
            "handout": _run_handout, "status": _run_status}[args.action](args)


# --- shared -------------------------------------------------------------------------------------------


def _warn(text: str) -> None:
    print(f"warning: {safe_text(text)}", file=sys.stderr)


def _note(text: str) -> None:
    print(safe_text(text), file=sys.stderr)


def _hub(args) -> str:
    from wizard.core.common.config import Config
    from wizard.core.launch.links import LinkError, hub_base

    try:
        return hub_base(args.hub or Config.load().hub_url)
    except LinkError as error:
        raise UsageError(error.message, error.next_action) from None


def _usage(error) -> UsageError:
    return UsageError(error.message, error.next_action)


def _workshop_link(args, project: Path):
    """The nbgitpuller link the link options describe (UsageError when they cannot make one)."""
    from wizard.core.launch.links import LinkError
    from wizard.core.launch.workshop.links import credentials_notes, workshop_link

    try:
        link = workshop_link(project, _hub(args), args.env, args.env_ref, args.content, args.branch, args.open)
    except LinkError as error:
        raise _usage(error) from None
    link.warnings[:0] = credentials_notes([("The hub address", args.hub)])
    return link


def _ask(question: str) -> bool:
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline() if sys.stdin else ""
    return answer.strip().lower() in ("y", "yes")


async def _federation(hub: str, members: str = "auto"):
    from wizard.core.launch.links import LinkError
    from wizard.core.launch.workshop.federation_adapter import Federation, discover, members_given

    if members.strip().lower() != "auto":
        try:
            return Federation(hub, members_given(members), True)
        except LinkError as error:
            raise _usage(error) from None
    return await discover(hub)


# --- link ---------------------------------------------------------------------------------------------


def _run_link(args) -> int:
    link = _workshop_link(args, project_path(args.path))
    for warning in link.warnings:
        _warn(warning)
    if args.format == "json":
        print(json.dumps(link.as_json()))
        return EXIT_OK
    print(f"Binder builds {link.env_name}; nbgitpuller pulls {link.content.url}"
          + (f" ({link.content.branch})" if link.content.branch else " (its default branch)")
          + (f" and opens {link.target}." if link.target else "."))
    print(link.url)
    print()
    print(link.badge_markdown)
    return EXIT_OK


# --- split --------------------------------------------------------------------------------------------


def _guess_env(project_git, env_dir: Path):
    from wizard.core.common.remotes import parse_remote
    from wizard.core.launch.links import Target

    remote = parse_remote(project_git.origin_url)
    if remote is not None and remote.owner and remote.is_github:
        return Target("gh", f"{remote.owner}/{env_dir.name}")
    if remote is not None and remote.owner and remote.host in ("gitlab.com", "www.gitlab.com"):
        return Target("gl", f"{remote.owner}/{env_dir.name}")
    raise UsageError("where the environment will be published cannot be guessed from the origin remote",
                     "Name it: --env owner/name.")


def _run_split(args) -> int:
    from wizard.core.common.fileio import write_file
    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.launch.links import LinkError, OpenTarget
    from wizard.core.launch.workshop.envrepo import env_readme, plan_split
    from wizard.core.launch.workshop.links import content_repo, env_target, make_link

    project = project_path(args.path)
    env_dir = Path(args.env_dir).expanduser().absolute()
    if env_dir.exists() and not env_dir.is_dir():
        raise UsageError(f"{safe_text(args.env_dir)} is a file, not a folder", "Give a new folder's name.")
    if env_dir.resolve() == project or project.is_relative_to(env_dir.resolve()):
        raise UsageError("the environment folder must be a new folder, not the project or a folder around it",
                         "For example: --env-dir ../lesson-env")
    git = read_git_facts(project)
    if not git.origin_url or not git.branch:
        raise UsageError("the project needs an origin remote and a current branch: the environment's badge pulls "
                         "the content from there", "Publish it first (binder-wizard publish).")
    try:
        env = env_target(args.env) if args.env else _guess_env(git, env_dir)
        content = content_repo(git.origin_url, git.branch)
        link = make_link(git, _hub(args), env, content, OpenTarget())
    except LinkError as error:
        raise _usage(error) from None
    readme = env_readme(f"{env.repo.rsplit('/', 1)[-1]}: workshop environment", link.url, link.badge_markdown,
                        content.url)
    plan = plan_split(project, env_dir, readme)
    _note(f"Plan: a new environment-only folder {env_dir} for {link.env_name}. Binder builds it; the project "
          "keeps its content, which nbgitpuller pulls at launch.")
    for planned in plan.files:
        _note(f"  + {planned.path:<20} {planned.source}")
    for note in plan.notes:
        _warn(note)
    if plan.conflicts:
        _note(f"Nothing written: {env_dir} already has {', '.join(plan.conflicts)} (split never overwrites). "
              "Choose a new folder.")
        return EXIT_FAILED
    if not args.yes and not _ask(f"Write these {len(plan.files)} files?"):
        _note("Nothing written.")
        return EXIT_FAILED
    written = []
    for planned in plan.files:
        try:  # the one safe writer, never through a link out of the new folder
            write_file(env_dir / planned.path, planned.content, root=env_dir, mode=0o755 if planned.executable else None)
        except OSError as error:
            _note(f"binder-wizard: {getattr(error, 'message', None) or error}"
                  + (f" (already written: {', '.join(written)})" if written else ""))
            return EXIT_FAILED
        written.append(planned.path)
    print(f"Wrote {len(written)} files to {env_dir}.")
    print("Next:")
    print(f"  1. Publish it as its own repository: binder-wizard publish {env_dir} --remote "
          f"https://github.com/{env.repo}" if env.provider == "gh" else
          f"  1. Publish it as its own repository ({env.provider}:{env.repo}): binder-wizard publish {env_dir}")
    print(f"  2. Make the link: binder-wizard workshop link {project} --env {env.provider}:{env.repo}")
    print(f"  3. The week of the workshop: binder-wizard workshop warm {env_dir}")
    return EXIT_OK


# --- warm ---------------------------------------------------------------------------------------------


def _run_warm(args) -> int:
    import asyncio

    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.launch.links import LinkError, target_for

    git = read_git_facts(project_path(args.path))
    hub = _hub(args)
    try:
        target = target_for(git, None, None, args.ref)
    except LinkError as error:
        raise _usage(error) from None
    return asyncio.run(_warm(hub, target, args))


async def _warm(hub: str, target, args) -> int:
    from wizard.core.launch.binderhub_adapter import hub_token_from_env
    from wizard.core.launch.workshop.warm import warm_all

    federation = await _federation(hub, args.members)
    text = args.format == "text"
    if federation.note:
        _note(federation.note)
    if not federation.members:
        if not text:
            print(json.dumps({"hub": hub, "target": f"{target.provider}/{target.spec}", "members": [], "warm": False}))
        return EXIT_FAILED
    width = max(len(m.name) for m in federation.members)
    if text:
        print(f"Warming {target.provider}/{target.spec} on {len(federation.members)} member"
              f"{'s' if len(federation.members) != 1 else ''} of {hub} at once…", flush=True)

    def done(result) -> None:
        if text:
            print(_warm_line(result, width), flush=True)

    listed_by = hub if args.members.strip().lower() == "auto" else None  # the hub's list: its hosts get the token
    results = await warm_all(federation.members, target, token=hub_token_from_env(), hub=listed_by, on_done=done)
    warm = all(r.warm for r in results)
    if text:
        count = sum(r.warm for r in results)
        print(f"All {count} members are warm." if warm else f"{count} of {len(results)} members are warm.")
    else:
        print(json.dumps({"hub": hub, "target": f"{target.provider}/{target.spec}",
                          "members": [r.as_json() for r in results], "warm": warm}))
    return EXIT_OK if warm else EXIT_FAILED


def _warm_line(result, width: int) -> str:
    import time

    head = f"{result.member.name:<{width}}  {result.member.url}"
    if result.warm:
        built = {True: "already built", False: "built now", None: "ready"}[result.already_built]
        stopped = "" if result.stopped in (True, None) else "; the server was not stopped (it stops by itself)"
        return f"  ✓ {head}  warm in {result.seconds:.1f} s ({built}){stopped}"
    if result.result == "rate-limited":
        when = time.strftime("%H:%M", time.localtime(result.retry_at)) if result.retry_at else "an hour"
        return f"  ✗ {head}  rate limited after {result.seconds:.1f} s: try again after {when}"
    return f"  ✗ {head}  {result.result} after {result.seconds:.1f} s: {safe_text(str(result.problem or ''))}"


# --- plan ---------------------------------------------------------------------------------------------


def _run_plan(args) -> int:
    import asyncio

    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.common.remotes import parse_remote
    from wizard.core.launch.workshop.federation_adapter import health_all
    from wizard.core.launch.workshop.plan import REQUEST_FORM, make_plan

    git = read_git_facts(project_path(args.path))
    hub = _hub(args)
    now = today()
    if args.date < now:
        raise UsageError(f"{args.date.isoformat()} is in the past", "Give the day of the event, YYYY-MM-DD.")
    remote = parse_remote(git.origin_url)
    repository = remote.https_url if remote is not None and remote.host else "FILL IN (the repository's address)"

    async def healths():
        federation = await _federation(hub)
        return await health_all(federation.members)

    plan = make_plan(hub, repository, args.attendees, args.date, now, asyncio.run(healths()), args.hours)
    if args.format == "json":
        print(json.dumps(plan.as_json()))
        return EXIT_FAILED if plan.todo else EXIT_OK
    print(f"Workshop on {plan.date.isoformat()} ({plan.days_left} day{'s' if plan.days_left != 1 else ''} left) "
          f"for {plan.attendees} attendees, on {hub}")
    if plan.per_repo_quota is not None:
        print(f"Quota: {plan.per_repo_quota} people may use one repository at once.")
    if plan.healths:
        counts = ", ".join(f"{h.member.name} {h.free if h.free is not None else '?'}" if h.takes_people
                           else f"{h.member.name} {h.state}" for h in plan.healths)
        free = "unknown" if plan.capacity is None else str(plan.capacity)
        print(safe_text(f"Free places now: {free} ({counts})."))
    for item in plan.todo:
        print(f"To do: {item}")
    if plan.request_text:
        print(f"\nThe quota request, filled in (file it at {REQUEST_FORM}):\n")
        print(safe_text(plan.request_text))
        print()
    for note in plan.notes:
        print(f"Note: {note}")
    return EXIT_FAILED if plan.todo else EXIT_OK


# --- handout ------------------------------------------------------------------------------------------


def _run_handout(args) -> int:
    import asyncio

    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.launch.links import LinkError, badge_image_url, launch_url, open_target_for, target_for
    from wizard.core.launch.workshop.handout import Handout, html_page, markdown, qr_file_name
    from wizard.core.launch.workshop.links import nbgitpuller_url

    project = project_path(args.path)
    if not args.env and (args.content or args.branch or args.env_ref != "HEAD"):
        raise UsageError("--content, --branch and --env-ref belong to a workshop link", "Give --env as well.")
    if args.env:
        link = _workshop_link(args, project)
        warnings, url, title = link.warnings, link.url, link.content.url.rstrip("/").split("/")[-1]

        def on(member_url: str) -> str:
            return nbgitpuller_url(member_url, link.env, link.content, open_target_for(args.open))
    else:
        try:
            target = target_for(read_git_facts(project), None, None, "HEAD")
            opening = open_target_for(args.open)
        except LinkError as error:
            raise _usage(error) from None
        warnings, url, title = [], launch_url(_hub(args), target, opening), target.repo.rstrip("/").split("/")[-1]

        def on(member_url: str) -> str:
            return launch_url(member_url, target, opening)
    for warning in warnings:
        _warn(warning)
    hub = _hub(args)  # fallback links: the same link on each member of this hub
    federation = asyncio.run(_federation(hub))
    fallbacks = [(m.name, on(m.url)) for m in federation.members] if federation.federated else []
    if federation.note:
        _note(f"No fallback links: {federation.note}")
    out = Path(args.out).expanduser() if args.out else None
    page = Handout(f"Workshop: {title.removesuffix('.git')}", url, hub, badge_image_url(hub), fallbacks,
                   qr_file_name(out.name) if out else None)
    text = markdown(page) if args.format == "markdown" else html_page(page)
    if out is None:
        sys.stdout.write(text)
        _note("Use --out FILE to also write the QR code (FILE-qr.png beside it).")
        return EXIT_OK
    return _write_handout(out, text, url, args.yes)


def _write_handout(out: Path, text: str, url: str, yes: bool) -> int:
    import difflib

    from wizard.core.common.errors import UserError
    from wizard.core.common.fileio import OutsideProject, read_file_bytes, write_file
    from wizard.core.common.safe_text import strip_control
    from wizard.core.launch.workshop.handout import qr_file_name, qr_png

    qr_path = out.with_name(qr_file_name(out.name))
    files = [(out, text.encode("utf-8")), (qr_path, qr_png(url))]
    changes, replaced = [], []
    for path, data in files:
        try:
            old = read_file_bytes(path) if path.exists() or path.is_symlink() else None
        except OutsideProject:
            raise UsageError(f"{safe_text(path.name)} is a link to a file outside the project: binder-wizard never "
                             "writes through it", "Choose another --out file.") from None
        except (OSError, UserError) as error:
            raise UsageError(f"cannot read {safe_text(str(path))}: "
                             f"{getattr(error, 'message', None) or getattr(error, 'strerror', None) or error}") from None
        if old == data:
            continue
        changes.append((path, data))
        if old is not None:
            replaced.append(path)
            if path == out:
                diff = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                            text.splitlines(keepends=True), f"a/{out.name}", f"b/{out.name}")
                sys.stderr.write(strip_control("".join(diff)))
            else:
                _note(f"{path.name} (the QR code) is replaced by the new link's.")
    if not changes:
        print(f"{out.name} and {qr_path.name} are up to date; nothing written.")
        return EXIT_OK
    if replaced and not yes and not _ask(f"Replace {', '.join(p.name for p in replaced)}?"):
        _note("Nothing written.")
        return EXIT_FAILED
    for path, data in changes:
        try:  # atomic; never through a link out of the project
            write_file(path, data)
        except OSError as error:
            _note(f"binder-wizard: {getattr(error, 'message', None) or error} {getattr(error, 'next_action', '')}")
            return EXIT_FAILED
    print(f"Wrote {', '.join(p.name for p, _ in changes)}.")
    return EXIT_OK


# --- status -------------------------------------------------------------------------------------------


def _run_status(args) -> int:
    import asyncio

    from wizard.core.launch.workshop.federation_adapter import health_all, recommend

    hub = _hub(args)

    async def read():
        federation = await _federation(hub)
        return federation, await health_all(federation.members)

    federation, healths = asyncio.run(read())
    best = recommend(healths)
    if args.format == "json":
        print(json.dumps({
            "hub": hub, "federated": federation.federated, "note": federation.note,
            "members": [{"name": h.member.name, "url": h.member.url, "state": h.state, "free": h.free,
                         "quota": h.quota, "pods": h.pods, "failing": h.failing, "binderhub": h.binderhub,
                         "error": h.problem} for h in healths],
            "recommended": {"name": best.member.name, "url": best.member.url} if best else None}))
        return EXIT_OK if best else EXIT_FAILED
    if federation.note:
        _note(federation.note)
    width = max((len(h.member.name) for h in healths), default=0)
    print(f"{hub}: {len(healths)} member{'s' if len(healths) != 1 else ''}"
          + (" in rotation" if federation.federated else " (not a federation)"))
    for h in healths:
        print(safe_text(f"  {h.member.name:<{width}}  {h.member.url}  {_health_words(h)}"))
    if best:
        print(safe_text(f"Send people to {best.member.name} ({best.member.url})"
                        + (f": {best.free} free places." if best.free is not None else ".")))
        return EXIT_OK
    print("No member takes people right now.")
    return EXIT_FAILED


def _health_words(h) -> str:
    if not h.reachable:
        return f"unreachable: {h.problem}"
    if h.ok is None:
        return f"unknown: {h.problem}"
    words = h.state
    if h.failing:
        words += f" ({', '.join(h.failing)} failing)"
    if h.free is not None:
        words += f", {h.free} free ({h.pods}/{h.quota} pods)"
        if h.takes_people and h.nearly_full:
            words += ", nearly full: mybinder.org's redirector sends nobody new there"
    if h.binderhub:
        words += f", BinderHub {h.binderhub}"
    return words
