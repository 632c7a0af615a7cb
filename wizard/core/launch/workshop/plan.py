"""Planning a workshop: the room against the hub's limits, the days left, and the quota request.

mybinder.org's numbers (beginner-failures.md §2; jupyterhub/mybinder.org-deploy `mybinder/values.yaml`,
`.github/ISSUE_TEMPLATE/request_resources.yml`): at most 100 people use one repository at once
(`per_repo_quota`); a bigger quota for an event is asked for with the "request resources" issue form,
ideally two weeks ahead (they may still consider a request up to 48 hours before); the image registry is
a cache that drops images nobody used for a while (about a month), so warm the image within a week of
the event. Pure: today's date and the members' health come in as arguments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wizard.core.launch.workshop.federation_adapter import MemberHealth, capacity

MYBINDER_PER_REPO_QUOTA = 100
NOTICE_DAYS = 14
LAST_CALL_DAYS = 2  # 48 hours
WARM_WITHIN_DAYS = 7
REQUEST_FORM = "https://github.com/jupyterhub/mybinder.org-deploy/issues/new?template=request_resources.yml"


def is_mybinder(hub: str) -> bool:
    host = (urlsplit(hub).hostname or "").lower()
    return host == "mybinder.org" or host.endswith(".mybinder.org")


@dataclass
class WorkshopPlan:
    hub: str
    repository: str  # what Binder builds, as a web address (the request form asks for it)
    attendees: int
    date: dt.date
    days_left: int
    per_repo_quota: int | None  # None: the hub does not publish one
    capacity: int | None  # free places across the members right now; None: not readable
    healths: list[MemberHealth]
    warm_from: dt.date
    request_text: str | None = None  # the filled-in quota request, when one is needed
    todo: list[str] = field(default_factory=list)  # what must be done (exit 1 when any)
    notes: list[str] = field(default_factory=list)

    @property
    def needs_quota_request(self) -> bool:
        return self.request_text is not None

    def as_json(self) -> dict:
        return {"hub": self.hub, "repository": self.repository, "attendees": self.attendees,
                "date": self.date.isoformat(), "days_left": self.days_left, "per_repo_quota": self.per_repo_quota,
                "capacity": self.capacity,
                "members": [{"name": h.member.name, "url": h.member.url, "state": h.state, "free": h.free}
                            for h in self.healths],
                "quota_request_needed": self.needs_quota_request,
                "request": {"text": self.request_text, "file_at": REQUEST_FORM} if self.request_text else None,
                "warm_from": self.warm_from.isoformat(), "todo": list(self.todo), "notes": list(self.notes)}


def request_text(repository: str, attendees: int, date: dt.date, days_left: int, hours: float | None) -> str:
    """The answers for mybinder.org's "Request to bump resources" form, filled in where we know them."""
    length = (f"{hours:g} hour{'s' if hours != 1 else ''}" if hours else
              "FILL IN: start and end time")
    return "\n".join([
        "Who you are: FILL IN (your name, and the organisation or community you represent)",
        f"About the event: a workshop on {date.isoformat()} for {attendees} people, using {repository}. "
        "FILL IN what it teaches and who it is for.",
        "Any money changing hands?: FILL IN (do attendees pay? are there fees?)",
        f"Repository link: {repository}",
        "Type of event: workshop",
        f"Number of attendees: {attendees}",
        f"Dates and times: {date.isoformat()}, {length} (FILL IN the times with the time zone)",
        f"More than 2 weeks before event: {'Yes' if days_left >= NOTICE_DAYS else 'No'}",
        "How you will support Binder: FILL IN (for example: we will credit Binder and thank it during the event)",
    ])


def make_plan(hub: str, repository: str, attendees: int, date: dt.date, today: dt.date,
              healths: list[MemberHealth], hours: float | None = None) -> WorkshopPlan:
    days_left = (date - today).days
    quota = MYBINDER_PER_REPO_QUOTA if is_mybinder(hub) else None
    free = capacity(healths)
    warm_from = max(today, date - dt.timedelta(days=WARM_WITHIN_DAYS))
    plan = WorkshopPlan(hub, repository, attendees, date, days_left, quota, free, healths, warm_from)
    if quota is not None and attendees > quota:
        plan.request_text = request_text(repository, attendees, date, days_left, hours)
        if days_left < LAST_CALL_DAYS:
            plan.todo.append(f"{attendees} people are more than the {quota} mybinder.org lets use one repository at "
                             "once, and it is less than 48 hours to the event: too late for a bigger quota. "
                             "Stagger the launches, and share the fallback links of the handout.")
        elif days_left < NOTICE_DAYS:
            plan.todo.append(f"{attendees} people are more than the {quota} mybinder.org lets use one repository at "
                             f"once. Ask for a bigger quota today: {days_left} days left, and mybinder.org asks for "
                             "two weeks (they may still consider it up to 48 hours before).")
        else:
            plan.todo.append(f"{attendees} people are more than the {quota} mybinder.org lets use one repository at "
                             f"once: ask for a bigger quota now ({days_left} days left; two weeks' notice needed).")
        if not hours:
            plan.notes.append("The request needs the event's times: fill in the FILL IN parts (or give --hours).")
    elif quota is None:
        plan.notes.append("This hub does not publish how many people may use one repository at once: ask its "
                          "admins before the event.")
    if free is not None and attendees > free:
        plan.todo.append(f"Right now the hub has {free} free place{'s' if free != 1 else ''} for everyone who uses "
                         f"it, fewer than your {attendees} attendees. Capacity changes through the day; check "
                         "again with `binder-wizard workshop status` before the event.")
    elif free is None and healths:
        plan.notes.append("The members' free capacity could not be read (their /health does not say), so only "
                          "the quota was compared.")
    plan.notes.append(f"The hub's registry drops images nobody used for a while (about a month on mybinder.org): "
                      f"warm the image on or after {warm_from.isoformat()}, within a week of the event (the day "
                      "before is best): binder-wizard workshop warm.")
    return plan
