"""Workshop plan maths: attendees against mybinder.org's per-repository quota and the members' free
capacity, the days left against the two weeks' notice, the filled-in request, and when to warm."""

from __future__ import annotations

import datetime as dt

from wizard.core.launch.workshop.federation_adapter import Member, MemberHealth
from wizard.core.launch.workshop.plan import REQUEST_FORM, is_mybinder, make_plan

TODAY = dt.date(2026, 9, 1)
REPO = "https://github.com/teach-org/lesson-env"


def member(name: str, free: int | None, ok: bool = True, reachable: bool = True) -> MemberHealth:
    quota = None if free is None else 100
    return MemberHealth(Member(name, f"https://{name}.mybinder.org/"), reachable, ok if reachable else None, quota,
                        None if free is None else 100 - free)


def test_a_room_within_the_quota_with_room_to_spare_needs_nothing():
    plan = make_plan("https://mybinder.org/", REPO, 40, dt.date(2026, 9, 30), TODAY, [member("a", 70), member("b", 50)])
    assert plan.todo == [] and not plan.needs_quota_request and plan.request_text is None
    assert plan.per_repo_quota == 100 and plan.capacity == 120 and plan.days_left == 29
    assert plan.warm_from == dt.date(2026, 9, 23)
    assert plan.notes == ["The hub's registry drops images nobody used for a while (about a month on mybinder.org): "
                          "warm the image on or after 2026-09-23, within a week of the event (the day before is "
                          "best): binder-wizard workshop warm."]


def test_more_people_than_the_quota_get_the_filled_in_request():
    plan = make_plan("https://mybinder.org/", REPO, 150, dt.date(2026, 9, 30), TODAY, [member("a", 300)], hours=3)
    assert plan.needs_quota_request
    assert plan.todo == ["150 people are more than the 100 mybinder.org lets use one repository at once: ask for a "
                         "bigger quota now (29 days left; two weeks' notice needed)."]
    text = plan.request_text
    assert f"Repository link: {REPO}" in text and "Number of attendees: 150" in text
    assert "Dates and times: 2026-09-30, 3 hours" in text and "More than 2 weeks before event: Yes" in text
    assert "Type of event: workshop" in text
    assert plan.as_json()["request"] == {"text": text, "file_at": REQUEST_FORM}


def test_late_requests_are_said_so():
    late = make_plan("https://mybinder.org/", REPO, 150, dt.date(2026, 9, 10), TODAY, [])
    assert "Ask for a bigger quota today: 9 days left" in late.todo[0]
    assert "More than 2 weeks before event: No" in late.request_text
    assert "FILL IN: start and end time" in late.request_text and "--hours" in late.notes[0]
    too_late = make_plan("https://mybinder.org/", REPO, 150, dt.date(2026, 9, 2), TODAY, [])
    assert "too late for a bigger quota" in too_late.todo[0] and too_late.warm_from == TODAY


def test_capacity_is_the_free_places_of_members_that_take_people():
    healths = [member("a", 30), member("b", 0), member("c", 50, ok=False), member("d", None, reachable=False)]
    plan = make_plan("https://mybinder.org/", REPO, 60, dt.date(2026, 9, 30), TODAY, healths)
    assert plan.capacity == 30
    assert plan.todo == ["Right now the hub has 30 free places for everyone who uses it, fewer than your 60 "
                         "attendees. Capacity changes through the day; check again with `binder-wizard workshop "
                         "status` before the event."]
    assert [m["state"] for m in plan.as_json()["members"]] == ["available", "full", "unhealthy", "unreachable"]


def test_another_hub_has_no_published_quota():
    plan = make_plan("https://binder.example.org/", REPO, 500, dt.date(2026, 9, 30), TODAY, [member("x", None)])
    assert plan.per_repo_quota is None and plan.request_text is None and plan.todo == []
    assert plan.notes[0].startswith("This hub does not publish how many people")
    assert plan.notes[1].startswith("The members' free capacity could not be read")


def test_mybinder_and_its_members_are_recognised():
    assert is_mybinder("https://mybinder.org/") and is_mybinder("https://gesis.mybinder.org/")
    assert not is_mybinder("https://notmybinder.org/") and not is_mybinder("https://mybinder.org.evil.com/")
