"""PEP 508 requirement lines, the common shape read without `packaging`.

Nearly every line people write (`numpy`, `pandas==2.2.3`, `scipy>=1.11,<2`, `dask[array]`, with or without
a simple marker) is read by one exact regex; anything else (URLs, parentheses in markers, odd versions)
is for `packaging`, which costs ~25 ms to import and is only loaded when such a line exists. The
validators, the import scanner's `%pip install` lines and the declared-requirements reader share this.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from wizard.core.common.lazy_regex import lazy_compile

# PEP 440 version (public + local), and the wildcard form allowed after == and !=.
_VERSION = r"(?:v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?" \
           r"(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?)"
_SPEC = rf"(?:(?:===|==|!=)\s*{_VERSION}(?:\.\*)?|(?:~=|>=|<=|>|<)\s*{_VERSION})"
# PEP 508 environment markers without parentheses: `var op 'value'` joined by and/or (lower case only, as
# packaging reads them).
_MARKER_VAR = (r"(?:python_version|python_full_version|os_name|sys_platform|platform_release|platform_system"
               r"|platform_version|platform_machine|platform_python_implementation|implementation_name"
               r"|implementation_version|extra)")
_MARKER_OP = r"(?:===|==|!=|<=|>=|~=|<|>|not\s+in|in)"
_MARKER_VALUE = r"(?:'[^']*'|\"[^\"]*\")"
_MARKER_ITEM = rf"(?:{_MARKER_VAR}\s*{_MARKER_OP}\s*{_MARKER_VALUE}|{_MARKER_VALUE}\s*{_MARKER_OP}\s*{_MARKER_VAR})"
_LOOSE_SPEC = r"(?:===|==|!=|~=|>=|<=|>|<)\s*[A-Za-z0-9.*+!_-]+"
_SPEC_PARTS = lazy_compile(r"(===|==|!=|~=|>=|<=|>|<)\s*([A-Za-z0-9.*+!_-]+)")
_PLAIN_VERSION = lazy_compile(r"\d+(?:\.\d+)*")
_PLAIN_SPEC = lazy_compile(r"(?:==|!=|~=|>=|<=|>|<)\s*\d+(?:\.\d+)*(?:\s*,\s*(?:==|!=|~=|>=|<=|>|<)\s*\d+(?:\.\d+)*)*")
_FULL_SPEC = lazy_compile(_SPEC, re.IGNORECASE)  # PEP 440 letters are case-insensitive
# The marker is its own pattern, compiled only when a line has one (most do not).
_SIMPLE = lazy_compile(
    r"^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"\s*(?P<extras>\[\s*[A-Za-z0-9._-]+(?:\s*,\s*[A-Za-z0-9._-]+)*\s*\])?"
    rf"\s*(?P<spec>{_LOOSE_SPEC}(?:\s*,\s*{_LOOSE_SPEC})*)?\s*(?:;\s*(?P<marker>.*?))?\s*$")
_MARKER = lazy_compile(rf"{_MARKER_ITEM}(?:\s+(?:and|or)\s+{_MARKER_ITEM})*")


class SimpleRequirement(NamedTuple):
    name: str
    extras: str  # "[a,b]" as written, or ""
    spec: str  # "==2.2.3", ">=1.11,<2", or ""
    marker: str  # "python_version < '3.12'", or ""

    def pins(self) -> list[str]:
        """The versions after `==` (one for an exact pin)."""
        return [version for op, version in _SPEC_PARTS.findall(self.spec) if op == "=="]


def simple_requirement(line: str) -> SimpleRequirement | None:
    """`line` read as pip would, when it has the common shape and valid versions; None means "ask packaging"
    (which also explains what is wrong with a bad line)."""
    match = _SIMPLE.match(line)
    if match is None:
        return None
    spec, marker = match.group("spec") or "", match.group("marker")
    if spec and not versions_ok(spec):
        return None
    if marker is not None and not _MARKER.fullmatch(marker):
        return None
    return SimpleRequirement(match.group("name"), match.group("extras") or "", spec, marker or "")


def versions_ok(spec: str) -> bool:
    """Every `op version` in a spec that matched loosely is a valid PEP 440 clause."""
    if _PLAIN_SPEC.fullmatch(spec):
        return True
    for op, version in _SPEC_PARTS.findall(spec):
        if _PLAIN_VERSION.fullmatch(version) and op != "===":
            continue
        if not _FULL_SPEC.fullmatch(f"{op}{version}"):
            return False
    return True
