"""`binder-wizard launch`: ask a BinderHub to build and launch the project, streaming the log.

Exit 0 when the server is ready, 1 when the build failed, broke off or timed out, 2 on usage errors.
`--format json` prints one object per received event, then one result line (the contract in issue 7).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from wizard.commands.common import EXIT_FAILED, EXIT_OK
from wizard.commands.launch_target import add_target_arguments, choice_warnings, choose_target
from wizard.core.common.safe_text import safe_text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:  # nan would never time out; inf means no --timeout
        raise argparse.ArgumentTypeError(f"the timeout must be a number of seconds more than 0, not {text!r}")
    return value


def add_arguments(parser) -> None:
    add_target_arguments(parser, ref_default=None, ref_help="branch, tag or commit (default: the pushed commit, else HEAD)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the server in a web browser")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="give up after this long (default: never)")
    parser.add_argument("--warm-cache", action="store_true",
                        help="build, then stop the launched server at once (prime the image before a workshop)")


def run(args) -> int:
    import asyncio

    from wizard.core.common.config import Config

    config = Config.load()
    choice = choose_target(args, args.hub or config.hub_url, args.ref or None, config)
    printer = _JsonPrinter() if args.format == "json" else _TextPrinter()
    for warning in choice_warnings(choice):
        printer.warn(warning)
    from wizard.core.launch.access_adapter import private_repository_note

    target = choice.target
    private = private_repository_note(target.provider, target.repo, choice.hub, config.github_api,
                                      where_hub="--hub URL (or hub_url in the settings)")
    if private:
        printer.warn(private)
    outcome = asyncio.run(_launch(choice, config, args, printer))
    return EXIT_OK if outcome.result == "ready" else EXIT_FAILED


async def _launch(choice, config, args, printer):
    from wizard.core.launch.binderhub_adapter import BuildStream, hub_token_from_env, shutdown_server
    from wizard.core.launch.buildlogs import BuildLog
    from wizard.core.launch.links import persistent_url, server_url
    from wizard.core.launch.triage import as_json, summary, triage

    hub, target, opening, project = choice.hub, choice.target, choice.opening, choice.git.path
    stream = BuildStream(hub, target.provider, target.spec, token=hub_token_from_env(),
                         stall_warning_seconds=config.stall_warning_seconds, timeout=args.timeout)
    sha = target.ref if len(target.ref) == 40 else None
    try:
        log = BuildLog(choice.git, hub=hub, provider=target.provider, spec=target.spec, sha=sha)
    except OSError as error:  # a read-only folder, .binder-wizard a link out of the project: the launch goes on
        printer.warn(f"the build log cannot be saved in this folder ({safe_text(error.strerror or str(error))})")
        log = None
    printer.start(f"Building {target.provider}/{target.spec} on {hub}")
    # Triage reads the log tail; keep a bounded window of messages.
    from collections import deque

    recent: deque[str] = deque(maxlen=5000)
    drift = _drift_check(hub)
    try:
        async for batch in stream.batches():  # everything that arrived together, printed in one go
            drift.start()  # the hub answered: ask it once which repo2docker it runs (issue 15)
            events = [event for event in batch if event.kind == "event"]
            for stall in (event for event in batch if event.kind == "stall"):
                printer.warn(stall.message)
            if log is not None:
                log.write_many((event.phase, event.message) for event in events)
            recent.extend(event.message for event in events)
            printer.events(events)
    finally:
        outcome = stream.outcome
        findings = triage(recent, project, str(outcome.problem or "")) if outcome and outcome.result != "ready" else []
        if log is not None:
            log.close(outcome, findings)
        printer.stop()
    if note := await drift.note():
        printer.warn(note)
    ready = outcome.ready or {}
    result = {
        "result": "ready" if outcome.result == "ready" else "failed",
        "launch_url": choice.url,
        "url": ready.get("url"),
        "token": ready.get("token"),
        "persistent_url": persistent_url(ready, opening),
        "error": summary(outcome.problem, findings) if outcome.result != "ready" else None,
        "problems": [as_json(finding) for finding in findings],
    }
    open_url = server_url(ready, opening)  # None unless the hub's answer is an http(s) link (checked in the core)
    if outcome.result == "ready":
        if args.warm_cache:
            problem = await shutdown_server(ready, hub_token_from_env())  # auth hubs: the user's own token
            printer.warn("The image is built and the server was stopped again." if problem is None
                         else f"The image is built, but stopping the server failed: {problem}")
        elif not args.no_browser and open_url:
            import webbrowser

            webbrowser.open(open_url)
    if log is not None and log.error is not None:
        printer.warn(f"the build log could not be saved completely ({log.error.strerror or log.error}): "
                     f"{log.path.name} ends early.")
    printer.finish(result, outcome, findings, open_url, log.path if log else None, project)
    return outcome


def _drift_check(hub: str):
    from wizard.core.environment.detection import REPO2DOCKER_VERSION
    from wizard.core.launch.versions_adapter import DriftCheck

    return DriftCheck(hub, REPO2DOCKER_VERSION)


def _as_sent(event) -> dict:
    """An event as the hub sent it (text made safe): "phase" null when it named none (the reader files such
    events under the current phase), "message" only when sent, and its "status_code" when it has one."""
    data = event.data
    if not data:  # not a JSON object: its text, with no phase
        return {"phase": None, "message": event.message}
    sent = {"phase": event.phase if isinstance(data.get("phase"), str) and data["phase"] else None}
    if "message" in data:
        sent["message"] = event.message
    code = data.get("status_code")
    if isinstance(code, int) and not isinstance(code, bool):
        sent["status_code"] = code
    elif isinstance(code, str):
        sent["status_code"] = safe_text(code)[:40]
    return sent


class _JsonPrinter:
    def start(self, title: str) -> None:
        pass

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=sys.stderr)

    def events(self, events) -> None:
        sys.stdout.write("".join(json.dumps(_as_sent(e)) + "\n" for e in events))

    def stop(self) -> None:
        sys.stdout.flush()

    def finish(self, result, outcome, findings, open_url, log_path, project) -> None:
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


class _TextPrinter:
    """Rich output: a live status line with the phase and its time on a terminal, plain lines otherwise."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)
        self.status = None
        self.phase = None

    def start(self, title: str) -> None:
        from rich.text import Text

        self.console.print(Text(title, style="bold"))
        if self.console.is_terminal:
            self.status = self.console.status(Text("waiting"), spinner="dots")
            self.status.start()

    def warn(self, text: str) -> None:
        from rich.text import Text

        self.errors.print(Text(f"warning: {text}", style="yellow"))

    def events(self, events) -> None:
        """Print a batch: a heading at each phase change, then that phase's lines as one Text."""
        from rich.text import Text

        lines: list[str] = []
        for event in events:
            if event.phase != self.phase:
                if lines:
                    self.console.print(Text("\n".join(lines)))
                    lines = []
                self.phase = event.phase
                if self.status is not None:
                    self.status.update(Text(f"{event.phase}…"))
                self.console.print(Text(f"── {event.phase}", style="bold cyan"))
            if event.message.strip():
                lines.append(event.message.rstrip("\n"))
        if lines:
            self.console.print(Text("\n".join(lines)))

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def finish(self, result, outcome, findings, open_url, log_path, project) -> None:
        from rich.text import Text

        timings = ", ".join(f"{t.phase} {t.seconds:.1f} s" for t in outcome.phases if t.seconds is not None)
        if timings:
            self.console.print(Text(f"Phases: {timings}", style="dim"))
        if result["result"] == "ready":
            self.console.print(Text("Ready!", style="bold green"))
            if open_url:
                self.console.print(Text.assemble(("Your server:      ", "bold"), open_url))
            self.console.print(Text.assemble(("Share this link:  ", "bold"), result["launch_url"]))
            if result["persistent_url"]:
                self.console.print(Text.assemble(("This exact commit: ", "bold"), result["persistent_url"]))
        else:
            from wizard.core.launch.triage import where

            self.errors.print(Text(f"Failed: {result['error']}", style="bold red"))
            for finding in findings:
                self.errors.print(Text(f"• {finding.title}", style="bold"))
                self.errors.print(Text(f"  {finding.explanation}"))
                spot = where(finding) if finding.file and finding.file not in finding.action else ""
                self.errors.print(Text(f"  What to do: {finding.action}" + (f" ({spot})" if spot else "")))
        if log_path is not None:
            try:
                shown = log_path.relative_to(project)
            except ValueError:
                shown = log_path
            self.console.print(Text(f"Build log saved in {shown}", style="dim"))
