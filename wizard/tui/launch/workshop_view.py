"""The Workshop view (issue 16), opened from step 3 with `W`: one Binder for a room full of people.

Tabs: the nbgitpuller link (environment + content), the plan (attendees against quota and capacity, the
quota request), warming every member at once with live progress, the handout with its QR code drawn on
screen, and the members' status. The same core as `binder-wizard workshop` does the work: git in a thread
worker, the hub in async workers that only post messages. Everything from git, files or a hub is shown
as plain text (Content), never markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from wizard.core.common.safe_text import safe_text
from wizard.core.launch.links import Target
from wizard.tui.common.key_bar import KeyBar

today = dt.date.today  # tests fix the date


def shown_seconds(seconds: float) -> str:  # tests fix the times shown
    return f"{seconds:.1f} s"


HELP = """\
# Workshop

For teaching with Binder: everyone opens the same link at the same time.

* **Link**: give the *environment repository* (what Binder builds, e.g. `teach-org/lesson-env`) and
  nbgitpuller pulls this project's notebooks into each session at launch, so a last-minute edit needs no
  rebuild. Empty: this project's own launch link. `c` copies it. To make the environment repository, run
  `binder-wizard workshop split --env-dir ../lesson-env`.
* **Plan**: the number of attendees and the date, against the hub's limits (mybinder.org: 100 people per
  repository at once; ask for more two weeks ahead) and its free capacity right now.
* **Warm** (`Ctrl+L`): builds the image on every member of the hub at the same time and stops each
  server at once, so nobody waits for a build. Do it within a week of the event.
* **Handout** (`Ctrl+S` writes `handout.md` and `handout-qr.png`): the link, the badge, a QR code,
  fallback links to each member, and the rules attendees need.
* **Status** (`Ctrl+R` refreshes): each member's health and free places, and where to send people.

`Escape` goes back to step 3.
"""


@dataclass
class LinkChoice:
    """What the view's inputs make: the link (and its warnings), and what warming builds."""

    url: str | None
    badge: str
    title: str
    summary: str
    warnings: list[str]
    warm_target: Target | None
    error: str | None = None
    link: object | None = None  # the WorkshopLink, when an environment repository is given


class WorkshopView(Screen):
    CSS_PATH = "workshop.tcss"
    AUTO_FOCUS = "#workshop-tabs Tabs"  # so the keys work at once; the inputs take letters once chosen

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("c", "copy_link", "Copy link"),
        Binding("ctrl+l", "warm", "Warm"),
        Binding("ctrl+x", "cancel_warm", "Cancel", show=False, priority=True),  # else an input's cut
        Binding("ctrl+s", "write_handout", "Handout"),
        Binding("ctrl+r", "refresh", "Refresh"),
        Binding("f1", "help", "Help"),
    ]

    # Tests point the hub clients at local servers under stable names (an httpx transport); None in real use.
    hub_transport: ClassVar[object | None] = None

    @dataclass
    class LinkMade(Message):
        choice: LinkChoice

    @dataclass
    class StatusRead(Message):
        federation: object
        healths: list

    @dataclass
    class WarmNews(Message):
        member: str
        text: str

    @dataclass
    class WarmDone(Message):
        result: object

    @dataclass
    class WarmFinished(Message):
        results: list

    def __init__(self, state) -> None:
        super().__init__()
        self.state = state
        self.choice: LinkChoice | None = None
        self.federation = None
        self.healths: list = []
        self.warming = False
        self.warm_rows: dict[str, str] = {}
        self.warm_results: dict[str, object] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Workshop · one Binder for a room full of people", "bold"), id="workshop-title")
        with Horizontal(classes="workshop-row"):
            yield Static("Environment", classes="workshop-label")
            yield Input(placeholder="e.g. teach-org/lesson-env (empty: this project)", id="env", compact=True)
            yield Static("Open", classes="workshop-label short")
            yield Input(placeholder="file, lab, rstudio", id="open", compact=True)
        with Horizontal(classes="workshop-row"):
            yield Static("Attendees", classes="workshop-label")
            yield Input(placeholder="how many", id="attendees", type="integer", compact=True)
            yield Static("Date", classes="workshop-label short")
            yield Input(placeholder="YYYY-MM-DD", id="date", compact=True)
        with TabbedContent(id="workshop-tabs"):
            for name, ids in (("Link", ("link-text",)), ("Plan", ("plan-text",)), ("Warm", ("warm-text",)),
                              ("Handout", ("qr", "handout-text")), ("Status", ("status-text",))):
                with TabPane(name, id=f"tab-{name.lower()}"):
                    with VerticalScroll():
                        for widget_id in ids:
                            yield Static(id=widget_id)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#link-text", Static).update(Content.styled("Making the link…", "$text-muted"))
        self.query_one("#status-text", Static).update(Content.styled("Asking the hub for its members…", "$text-muted"))
        self._show_plan()
        self._show_warm()
        self.make_link("", "")
        self.read_status()

    # ------------------------------------------------------------------ the link (git: a thread worker)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("env", "open"):
            self.make_link(self.query_one("#env", Input).value.strip(), self.query_one("#open", Input).value.strip())
        elif event.input.id in ("attendees", "date"):
            self._show_plan()

    @work(thread=True, exclusive=True, exit_on_error=False, group="workshop-link")
    def make_link(self, env: str, opening: str) -> None:
        from wizard.core.common.git_facts_adapter import read_git_facts
        from wizard.core.launch.links import LinkError, badge, hub_base, launch_url, open_target_for, target_for
        from wizard.core.launch.workshop.links import workshop_link

        project = self.state.project
        try:
            hub = hub_base(self.state.config.hub_url)
            if env:
                link = workshop_link(project, hub, env, open_value=opening or None)
                summary = (f"Binder builds {link.env_name}; nbgitpuller pulls {link.content.url}"
                           + (f" ({link.content.branch})" if link.content.branch else "")
                           + (f" and opens {link.target}." if link.target else "."))
                choice = LinkChoice(link.url, link.badge_markdown, link.content.folder, summary, list(link.warnings),
                                    link.env, link=link)
            else:
                target = target_for(read_git_facts(project), ref="HEAD")
                url = launch_url(hub, target, open_target_for(opening or None))
                choice = LinkChoice(url, badge("markdown", hub, url), target.repo.rsplit("/", 1)[-1],
                                    f"This project's own launch link ({target.provider}:{target.repo}).",
                                    ["Every change to the notebooks rebuilds the image. To change them without a "
                                     "rebuild, give an environment repository (binder-wizard workshop split makes "
                                     "one)."], target)
        except LinkError as problem:
            choice = LinkChoice(None, "", "", "", [], None, f"{problem.message} {problem.next_action}".strip())
        self.post_message(self.LinkMade(choice))

    def on_workshop_view_link_made(self, message: LinkMade) -> None:
        self.choice = choice = message.choice
        text = self.query_one("#link-text", Static)
        if choice.url is None:
            text.update(Content.styled(safe_text(f"No link yet: {choice.error}"), "$text-warning"))
            self.query_one("#qr", Static).update("")
            self.query_one("#handout-text", Static).update("")
            self.refresh_bindings()
            return
        rows = [Content(safe_text(choice.summary)), Content(""), Content.styled(choice.url, "bold"), Content(""),
                Content.styled(choice.badge, "$text-muted")]
        rows += [Content.styled(safe_text(f"⚠ {warning}"), "$text-warning") for warning in choice.warnings]
        text.update(Content("\n").join(rows))
        self._show_handout()
        self._show_plan()
        self.refresh_bindings()

    # ------------------------------------------------------------------ status and plan (the hub: async)

    @work(exclusive=True, exit_on_error=False, group="workshop-status")
    async def read_status(self) -> None:
        from wizard.core.launch.links import hub_base
        from wizard.core.launch.workshop.federation_adapter import discover, health_all

        federation = await discover(hub_base(self.state.config.hub_url), transport=self.hub_transport)
        healths = await health_all(federation.members, transport=self.hub_transport)
        self.post_message(self.StatusRead(federation, healths))

    def on_workshop_view_status_read(self, message: StatusRead) -> None:
        from wizard.core.launch.workshop.federation_adapter import recommend

        self.federation, self.healths = message.federation, message.healths
        federation = self.federation
        lines = [Content.styled(f"{federation.hub}: {len(self.healths)} member{'s' if len(self.healths) != 1 else ''}"
                                + (" in rotation" if federation.federated else " (not a federation)"), "bold")]
        if federation.note:
            lines.append(Content.styled(safe_text(federation.note), "$text-warning"))
        width = max((len(h.member.name) for h in self.healths), default=0)
        for health in self.healths:
            state = "nearly full" if health.takes_people and health.nearly_full else health.state
            style = {"available": "$text-success", "unhealthy": "$text-error",
                     "unreachable": "$text-error"}.get(state, "$text-warning")
            free = f"{health.free:>4} free of {health.quota}" if health.free is not None else ""
            lines.append(Content.assemble(f"{health.member.name:<{width}}  ", (f"{state:<12}", style),
                                          f"{free:<18}", (health.member.url, "$text-muted")))
            if not health.reachable or health.problem:
                lines.append(Content.styled(f"{'':<{width}}  {safe_text(health.problem or '')}", "$text-muted"))
        best = recommend(self.healths)
        lines.append(Content(""))
        lines.append(Content.styled(f"Send people to {best.member.name} ({best.member.url})", "bold")
                     if best else Content.styled("No member takes people right now.", "$text-error"))
        self.query_one("#status-text", Static).update(Content("\n").join(lines))
        self._show_plan()
        self._show_handout()
        if not self.warming:
            self._show_warm()

    def _show_plan(self) -> None:
        from wizard.core.launch.workshop.plan import REQUEST_FORM, make_plan

        text = self.query_one("#plan-text", Static)
        attendees, date = self.query_one("#attendees", Input).value.strip(), self.query_one("#date", Input).value.strip()
        try:
            count, day = int(attendees), dt.date.fromisoformat(date)
        except ValueError:
            text.update(Content.styled("Give the number of attendees and the date of the event (YYYY-MM-DD) above.",
                                       "$text-muted"))
            return
        if count < 1 or day < today():
            text.update(Content.styled("The attendees must be 1 or more, and the date today or later.", "$text-warning"))
            return
        repository = (self.choice.link.env if self.choice and self.choice.link else
                      self.choice.warm_target if self.choice else None)
        where = f"{repository.provider}:{repository.repo}" if repository is not None else "FILL IN (the repository)"
        if repository is not None and repository.provider == "gh":
            where = f"https://github.com/{repository.repo}"
        hub = self.federation.hub if self.federation else self.state.config.hub_url
        plan = make_plan(hub, where, count, day, today(), self.healths)
        lines = [Content.styled(f"{count} attendees on {day.isoformat()} ({plan.days_left} days left)", "bold")]
        if plan.per_repo_quota is not None:
            lines.append(Content(f"Quota: {plan.per_repo_quota} people may use one repository at once."))
        if plan.capacity is not None:
            lines.append(Content(f"Free places on the hub right now: {plan.capacity}."))
        lines += [Content.styled(f"To do: {item}", "$text-warning") for item in plan.todo]
        if plan.request_text:
            lines += [Content(""), Content.styled(f"The quota request (file it at {REQUEST_FORM}):", "bold"),
                      Content(safe_text(plan.request_text)), Content("")]
        lines += [Content.styled(note, "$text-muted") for note in plan.notes]
        text.update(Content("\n").join(lines))

    # ------------------------------------------------------------------ warm (async, live per member)

    def _show_warm(self) -> None:
        members = self.federation.members if self.federation else []
        lines = [Content.styled("Ctrl+L builds the image on every member at once and stops each server again.",
                                "$text-muted")]
        width = max((len(m.name) for m in members), default=0)
        for member in members:
            lines.append(Content.assemble((f"{member.name:<{width}}  ", "bold"),
                                          self.warm_rows.get(member.name, "not warmed yet")))
        if not members:
            lines.append(Content.styled("Waiting for the hub's member list…", "$text-muted"))
        elif len(self.warm_results) == len(members) and not self.warming:
            warm = sum(result.warm for result in self.warm_results.values())
            lines.append(Content.styled(f"All {warm} members are warm." if warm == len(members) else
                                        f"{warm} of {len(members)} members are warm.", "bold"))
        self.query_one("#warm-text", Static).update(Content("\n").join(lines))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "warm":
            return None if self.warming or self.federation is None or self.choice is None or \
                self.choice.warm_target is None else True
        if action == "cancel_warm":
            return True if self.warming else None
        if action in ("copy_link", "write_handout"):
            return None if self.choice is None or self.choice.url is None else True
        return True

    def action_warm(self) -> None:
        if self.check_action("warm", ()) is not True:
            return
        self.warming = True
        self.warm_rows = {m.name: "waiting…" for m in self.federation.members}
        self.warm_results = {}
        self.query_one(TabbedContent).active = "tab-warm"
        self._show_warm()
        self.refresh_bindings()
        self.run_warm(self.choice.warm_target, list(self.federation.members))

    @work(exclusive=True, exit_on_error=False, group="workshop-warm")
    async def run_warm(self, target: Target, members: list) -> None:
        from wizard.core.launch.binderhub_adapter import hub_token_from_env
        from wizard.core.launch.workshop.warm import warm_all

        results = await warm_all(
            members, target, token=hub_token_from_env(), hub=self.federation.hub, transport=self.hub_transport,
            on_progress=lambda member, phase, text: self.post_message(self.WarmNews(member.name, phase)),
            on_done=lambda result: self.post_message(self.WarmDone(result)))
        self.post_message(self.WarmFinished(results))

    def on_workshop_view_warm_news(self, message: WarmNews) -> None:
        if message.member not in self.warm_results:
            self.warm_rows[message.member] = f"{safe_text(message.text)}…"
            self._show_warm()

    def on_workshop_view_warm_done(self, message: WarmDone) -> None:
        result = message.result
        self.warm_results[result.member.name] = result
        self.warm_rows[result.member.name] = _warm_words(result)
        self._show_warm()

    def on_workshop_view_warm_finished(self, message: WarmFinished) -> None:
        self.warming = False
        self._show_warm()
        warm = sum(r.warm for r in message.results)
        self.notify(f"{warm} of {len(message.results)} members are warm.", title="Warm-up finished",
                    severity="information" if warm == len(message.results) else "warning", markup=False)
        self.refresh_bindings()

    def action_cancel_warm(self) -> None:
        if self.warming:
            self.workers.cancel_group(self, "workshop-warm")
            self.warming = False
            self.warm_rows = {name: row if name in self.warm_results else "cancelled"
                              for name, row in self.warm_rows.items()}
            self._show_warm()
            self.refresh_bindings()

    # ------------------------------------------------------------------ handout (QR on screen)

    def _handout(self, qr_file: str | None):
        from wizard.core.launch.links import badge_image_url, hub_base
        from wizard.core.launch.workshop.handout import Handout

        hub = hub_base(self.state.config.hub_url)
        return Handout(f"Workshop: {self.choice.title}", self.choice.url, hub, badge_image_url(hub),
                       self._fallbacks(), qr_file)

    def _fallbacks(self) -> list[tuple[str, str]]:
        from wizard.core.launch.links import launch_url, open_target_for
        from wizard.core.launch.workshop.links import nbgitpuller_url

        if not self.federation or not self.federation.federated or self.choice is None:
            return []
        link, opening = self.choice.link, open_target_for(self.query_one("#open", Input).value.strip() or None)
        if link is not None:
            return [(m.name, nbgitpuller_url(m.url, link.env, link.content, opening)) for m in self.federation.members]
        return [(m.name, launch_url(m.url, self.choice.warm_target, opening)) for m in self.federation.members]

    def _show_handout(self) -> None:
        from wizard.core.launch.workshop.handout import qr_rows

        if self.choice is None or self.choice.url is None:
            return
        # Dark modules on light, whatever the theme: phones read a QR code that way.
        self.query_one("#qr", Static).update(Content.styled("\n".join(qr_rows(self.choice.url)), "#000000 on #ffffff"))
        lines = [Content.styled("Scan to open the workshop, or type:", "bold"), Content(self.choice.url)]
        fallbacks = self._fallbacks()
        if fallbacks:
            lines.append(Content.styled("Fallback links (one per member):", "bold"))
            lines += [Content(f"{safe_text(name)}: {url}") for name, url in fallbacks]
        lines.append(Content.styled("Ctrl+S writes handout.md and handout-qr.png into the project.", "$text-muted"))
        self.query_one("#handout-text", Static).update(Content("\n").join(lines))

    def action_write_handout(self) -> None:
        import difflib

        from wizard.core.common.fileio import read_file_bytes, write_file
        from wizard.core.launch.workshop.handout import markdown, qr_png
        from wizard.tui.common.choice_dialog import ConfirmDialog

        if self.choice is None or self.choice.url is None:
            return
        page_path, qr_path = self.state.project / "handout.md", self.state.project / "handout-qr.png"
        page, qr = markdown(self._handout(qr_path.name)).encode("utf-8"), qr_png(self.choice.url)
        try:
            old_page = read_file_bytes(page_path) if page_path.exists() or page_path.is_symlink() else None
            old_qr = read_file_bytes(qr_path) if qr_path.exists() or qr_path.is_symlink() else None
        except OSError as error:  # a link out of the project, a folder in the way: never written through
            self.notify(safe_text(str(error)), title="Cannot write the handout", severity="error", markup=False)
            return
        changes = [(path, data) for path, data, old in ((page_path, page, old_page), (qr_path, qr, old_qr))
                   if old != data]
        if not changes:
            self.notify("handout.md and handout-qr.png are up to date.", markup=False)
            return

        def write(confirmed: bool | None = True) -> None:
            if not confirmed:
                return
            for path, data in changes:
                try:
                    write_file(path, data)
                except OSError as error:
                    self.notify(safe_text(str(error)), title="Cannot write the handout", severity="error",
                                markup=False)
                    return
            self.notify(f"Wrote {', '.join(p.name for p, _ in changes)} in the project.", title="Handout written",
                        markup=False)

        if old_page is None and old_qr is None:
            write()
            return
        diff = list(difflib.unified_diff(old_page.decode("utf-8", "replace").splitlines(),
                                         page.decode("utf-8").splitlines(), "a/handout.md", "b/handout.md",
                                         lineterm="")) if old_page is not None and old_page != page else []
        note = "handout-qr.png is replaced by the new link's QR code." if old_qr is not None and old_qr != qr else ""
        self.app.push_screen(ConfirmDialog("Replace the handout?", "", yes="Replace", diff=diff or None, note=note),
                             write)

    # ------------------------------------------------------------------ the rest

    def action_copy_link(self) -> None:
        if self.choice is not None and self.choice.url:
            self.app.copy_to_clipboard(self.choice.url)
            self.notify("Workshop link copied (it is also shown on screen).", markup=False)

    def action_refresh(self) -> None:
        self.read_status()

    def action_close(self) -> None:
        if self.warming:
            self.action_cancel_warm()
        self.dismiss()

    def action_help(self) -> None:
        from wizard.tui.common.help_dialog import HelpDialog

        self.app.push_screen(HelpDialog("Workshop", HELP))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            from wizard.tui.common.error_text import error_title, explain

            message, next_action = explain(event.worker.error)
            self.notify(f"{message}\n{next_action}".strip(), title=error_title(event.worker.error), severity="error",
                        markup=False)
            if event.worker.group == "workshop-warm":
                self.warming = False
                self.refresh_bindings()


def _warm_words(result) -> Content:
    import time

    if result.warm:
        built = {True: "already built", False: "built now", None: "ready"}[result.already_built]
        return Content.styled(f"✓ warm in {shown_seconds(result.seconds)} ({built})", "$text-success")
    if result.result == "rate-limited":
        when = time.strftime("%H:%M", time.localtime(result.retry_at)) if result.retry_at else "an hour"
        return Content.styled(f"✗ rate limited: try again after {when}", "$text-warning")
    return Content.styled(safe_text(f"✗ {result.result}: {result.problem or ''}"), "$text-error")
