"""Reading what `uv pip compile` printed: the resolution (pylock.toml) or the reason it failed.

uv explains a failed resolution as a chain of sentences ("Because alpha==2.0 depends on Python>=3.11 ...
And because you require alpha==2.0, we can conclude ..."). The chain names the failing package, the kind
of failure, and the user's own requirements that lead to it ("you require ..."); this module turns it
into a `Failure`. The patterns are uv 0.13's wording, covered by tests against a local index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.core.common.lazy_regex import lazy_compile

_SPEC = r"[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?"


@dataclass(frozen=True)
class Chosen:
    name: str
    version: str
    files: tuple[tuple[str, int | None, str], ...]  # (filename, size, URL) of every file uv lists for this release


@dataclass(frozen=True)
class Failure:
    kind: str  # network, build, python, platform, abi, sdist, missing-name, missing-version, yanked, conflict, unknown
    package: str | None = None  # the distribution at fault, as uv names it
    version: str | None = None
    detail: str | None = None  # Requires-Python, platform tags, yank reason, the URL that failed
    roots: tuple[str, ...] = ()  # the user's requirements that lead to it, as uv quotes them
    text: str = ""  # uv's explanation, whitespace collapsed
    hint_tags: tuple[str, ...] = field(default=())  # tags uv found wheels for


def parse_lock(text: str) -> list[Chosen]:
    import tomllib

    data = tomllib.loads(text)
    chosen = []
    for package in data.get("packages", []):
        entries = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        files = [(entry.get("url", "").rsplit("/", 1)[-1], entry.get("size"), entry.get("url", ""))
                 for entry in entries]
        chosen.append(Chosen(package["name"], str(package.get("version", "")), tuple(files)))
    return chosen


def yanked_warnings(stderr: str) -> list[tuple[str, str, str]]:
    """`warning: `yank==2.0` is yanked (reason: "broken")` -> [(name, version, reason)]."""
    return [(m["name"], m["version"], m["reason"] or "")
            for m in re.finditer(r"warning: `(?P<name>[^`=]+)==(?P<version>[^`]+)` is yanked"
                                 r"(?: \(reason: \"(?P<reason>[^\"]*)\"\))?", stderr)]


_NETWORK = lazy_compile(r"Failed to fetch|error sending request|tcp connect error|dns error|operation timed out"
                      r"|Connection refused|Could not connect|failed to lookup address|Network is unreachable"
                      r"|Request failed after")


def root_requirements(text: str) -> list[str]:
    """The requirements uv says "you require": 'confa and confb' -> ['confa', 'confb']."""
    roots: list[str] = []
    for match in re.finditer(r"you require (.+?)(?:, we can conclude|, and because|$)", text):
        for item in re.split(r",? and |, ", match.group(1)):
            item = item.strip()
            if re.fullmatch(rf"{_SPEC}\s*(?:[<>=!~^].*)?", item) and " depend" not in item and " is " not in item:
                if item not in roots:
                    roots.append(item)
    return roots


def _hint_tags(lines: list[str]) -> dict[str, tuple[str, ...]]:
    """uv's hints: 'platform' / 'abi' / 'implementation' -> the tags it found wheels for."""
    found: dict[str, tuple[str, ...]] = {}
    for line in lines:
        match = re.search(r"following (platform|Python ABI tag|Python implementation tag)s?: (.*)$", line)
        if match:
            kind = {"platform": "platform", "Python ABI tag": "abi"}.get(match.group(1), "implementation")
            found[kind] = tuple(re.findall(r"`([A-Za-z0-9_.]+)`", match.group(2)))
    return found


def parse_failure(stderr: str) -> Failure:
    lines = [line for line in stderr.splitlines() if not line.startswith("warning:")]
    body = "\n".join(lines)
    causes = " ".join(re.sub(r"^\s*(?:error|cause):\s*", "", line).strip()
                      for line in lines if not line.lstrip().startswith("hint:"))
    causes = re.sub(r"\s+", " ", causes).strip()
    if "No solution found" not in body:
        if _NETWORK.search(body):
            url = re.search(r"(?:Failed to fetch: |for url \()`?(\S+?)`?\)?(?:\s|$)", body)
            return Failure("network", detail=url.group(1) if url else None, text=causes)
        built = re.search(r"Failed to (?:download and )?build `([^`=]+)==([^`]+)`", body)
        if built:
            return Failure("build", built.group(1), built.group(2), text=causes)
        return Failure("unknown", text=causes)
    text = re.sub(r"^No solution found when resolving dependencies:? ?", "", causes)
    roots = tuple(root_requirements(text))
    hint_tags = _hint_tags(lines)

    def found(pattern: str) -> re.Match | None:
        return re.search(pattern, text)

    if match := found(rf"({_SPEC}) was not found in the (?:package registry|provided package locations)"):
        return Failure("missing-name", match.group(1), roots=roots, text=text)
    if match := found(r"the requested Python version \([^)]*\) does not satisfy Python([^ ]+?),? and "
                      rf"(?:all versions of )?({_SPEC})(?:==([^ ]+)|[<>=!~][^ ]*)? depends? on Python"):
        return Failure("python", match.group(2), match.group(3), match.group(1), roots, text)
    if match := found(rf"({_SPEC})(?:==(\S+)|[<>=!~]\S*)? has no wheels with a matching platform tag"):
        return Failure("platform", match.group(1), match.group(2), roots=roots, text=text,
                       hint_tags=hint_tags.get("platform", ()))
    if match := found(rf"({_SPEC})==(\S+) has no wheels with a matching Python (?:implementation|ABI) tag"):
        return Failure("abi", match.group(1), match.group(2), roots=roots, text=text,
                       hint_tags=hint_tags.get("abi") or hint_tags.get("implementation", ()))
    if match := found(rf"({_SPEC})==(\S+) has no usable wheels"):
        return Failure("sdist", match.group(1), match.group(2), roots=roots, text=text)
    if match := found(rf"({_SPEC})==(\S+) was yanked(?: \(reason: (.*?)\))?(?: and|,)"):
        return Failure("yanked", match.group(1), match.group(2), match.group(3), roots, text)
    if match := found(rf"there is no version of ({_SPEC})==(\S+?)(?: and|,)"):
        return Failure("missing-version", match.group(1), match.group(2), roots=roots, text=text)
    if len(roots) >= 2:
        return Failure("conflict", roots=roots, text=text)
    if match := found(rf"only ({_SPEC})(?:<=|==)\S+ (?:is|are) available and you require ({_SPEC})\S*,"):
        return Failure("missing-version", match.group(1), None, roots=roots, text=text)
    if roots and found(r"depends? on"):
        return Failure("conflict", roots=roots, text=text)
    return Failure("unknown", roots=roots, text=text)


def plain_reason(text: str) -> str:
    """uv's explanation as plain facts: 'confb needs alpha>=2.0 and confa needs alpha==1.0'.

    The logic words ("Because ...", "we can conclude ...") and the user's own requirements ("you require ...")
    are left out: the message names those lines itself."""
    facts = []
    for sentence in re.split(r"\.\s+(?:And because|And|Because)\s+|^Because\s+", text):
        sentence = re.sub(r",? we can conclude that .*$", "", sentence.strip().rstrip("."))
        parts = [part for part in re.split(r" and (?=you require|all versions|\S+ depends?|only |there is)", sentence)
                 if part and not part.startswith("you require")]
        facts += parts
    text = " and ".join(fact.strip() for fact in facts if fact.strip())
    text = re.sub(rf"all versions of ({_SPEC}) depend on", r"\1 needs", text)
    text = re.sub(rf"({_SPEC})==(\S+) depends on", r"\1 \2 needs", text)
    return text.strip()
