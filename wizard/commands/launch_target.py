"""The target options `badge` and `launch` both take: what to launch (provider, repository, ref, what to
open) and where (the hub), read from the options, the settings and the project's git facts, and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.commands.common import UsageError, add_path_argument, project_path

if TYPE_CHECKING:
    from wizard.core.common.config import Config
    from wizard.core.common.git_facts import GitFacts
    from wizard.core.launch.links import OpenTarget, Target


def add_target_arguments(parser, ref_default: str | None, ref_help: str) -> None:
    """PATH, --hub, --provider, --repo, --ref and --open: what to launch, and where."""
    from wizard.core.launch.links import PROVIDERS

    add_path_argument(parser)
    parser.add_argument("--hub", metavar="URL", help="the BinderHub (default: your config, else https://mybinder.org)")
    parser.add_argument("--provider", choices=list(PROVIDERS), metavar="P",
                        help=f"where the hub gets the repository: {', '.join(PROVIDERS)} (default: from origin)")
    parser.add_argument("--repo", metavar="SPEC", help="owner/name, a clone URL or a DOI (default: the origin remote)")
    parser.add_argument("--ref", default=ref_default, metavar="REF", help=ref_help)
    parser.add_argument("--open", metavar="FILE",
                        help="what to open: a file (e.g. index.ipynb), lab, rstudio, terminal, classic:FILE or /url/path")


@dataclass(frozen=True)
class LaunchChoice:
    """What the target options chose, checked: the project's git facts (read once), the hub, what to
    launch and open, and the shareable launch link."""

    git: GitFacts
    hub: str
    target: Target
    opening: OpenTarget
    url: str
    # What held a user name or password that was left out of every link ("the hub address", ...).
    credentials_removed: tuple[str, ...] = ()


def choose_target(args, hub_url: str | None, ref: str | None, config: Config | None = None) -> LaunchChoice:
    """The target options' choice, or a UsageError saying what cannot work. `ref` None: the commit just
    pushed when the repository is the project's own (no --repo), else HEAD. `config`: the settings' default
    provider (for --repo without --provider) and interface (without --open)."""
    from wizard.core.common.git_facts_adapter import read_git_facts
    from wizard.core.common.remotes import has_credentials
    from wizard.core.common.config import Config, config_path
    from wizard.core.launch.links import (PROVIDERS, LinkError, hub_base, interface_target, launch_url,
                                          open_target_for, target_for)

    git = read_git_facts(project_path(args.path))
    try:
        hub = hub_base(hub_url)
        if ref is None:
            ref = (git.pushed_head_sha if not args.repo else None) or "HEAD"
        config = config or Config()
        if config.default_provider not in PROVIDERS:
            raise UsageError(f"unknown provider {config.default_provider!r} (default_provider in {config_path()})",
                             f"Choose one of: {', '.join(PROVIDERS)} (F2 in the app, or edit the file).")
        target = target_for(git, args.provider, args.repo, ref, default_provider=config.default_provider)
        opening = open_target_for(args.open) if args.open else interface_target(config.default_interface)
        url = launch_url(hub, target, opening)
    except LinkError as error:
        if not getattr(args, "hub", None) and hub_url and error.message.startswith("the hub address"):
            raise UsageError(f"{error.message} (hub_url in {config_path()})", error.next_action) from None
        raise UsageError(error.message, error.next_action) from None
    removed = [what for what, value in (("the hub address", hub_url if "://" in (hub_url or "") else
                                         f"https://{hub_url}"), ("--repo", args.repo),
                                        ("the origin remote", None if args.repo else git.origin_url))
               if value and has_credentials(value)]
    return LaunchChoice(git, hub, target, opening, url, tuple(removed))


def choice_warnings(choice: LaunchChoice) -> list[str]:
    """Warnings about a link that would not work as the user expects: a stale branch name, a file to open
    that the last commit does not have, RStudio without R."""
    from wizard.core.common.git_facts_adapter import files_at
    from wizard.core.launch.links import r_configured, ref_warnings

    git, target, opening = choice.git, choice.target, choice.opening
    warnings = [f"{what} holds a user name or password: it was removed, so no link or badge carries it."
                for what in choice.credentials_removed]
    if "the origin remote" in choice.credentials_removed:
        warnings.append("git keeps that password in .git/config in plain text: a credential helper is safer "
                        "(https://git-scm.com/docs/gitcredentials).")
    if target.provider in ("gh", "gl", "git"):
        warnings += ref_warnings(target.ref, git.local_branches)
    if opening.kind in ("file", "classic") and opening.path:
        files = files_at(git, "HEAD")
        if files and opening.path.lstrip("/") not in files:
            warnings.append(f"{opening.path} is not in the last commit, so it will not exist on Binder.")
    if opening.kind == "rstudio" and not r_configured(git.path):
        warnings.append("RStudio only starts when the project installs R (install.R, runtime.txt r-…, or "
                        "r-base in environment.yml).")
    return warnings
