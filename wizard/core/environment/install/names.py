"""Names pip cannot install: the close popular name for a typo, and the `sklearn` package.

`sklearn` on PyPI is a placeholder: release 0.0 only pulls in scikit-learn, every later release refuses
to install on purpose (since 2023). pip therefore installs `sklearn==0.0` and fails on any other `sklearn`.
"""

from __future__ import annotations

import difflib
import re

from wizard.core.environment.package_names import normalise, popular_distributions


def _compact(name: str) -> str:
    return re.sub(r"[-_.]+", "", name.lower())


def close_name(name: str) -> str | None:
    """The popular distribution a misspelt name most likely means: `scikitlearn` -> `scikit-learn`."""
    wanted = normalise(name)
    popular = popular_distributions()
    if wanted in popular:
        return None
    compact = _compact(wanted)
    same = next((known for known in popular if _compact(known) == compact), None)
    if same:
        return same
    candidates = [known for known in popular if abs(len(known) - len(wanted)) <= 3 and known[:1] == wanted[:1]]
    matches = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.85)
    return matches[0] if matches else None


def sklearn_verdict(requirement_text: str) -> str:
    """'alias' for `sklearn==0.0` (installs scikit-learn), 'refused' for any other sklearn requirement."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        specifier = Requirement(requirement_text).specifier
    except InvalidRequirement:
        return "refused"
    pinned = [spec.version for spec in specifier if spec.operator in ("==", "===")]
    return "alias" if pinned and all(re.fullmatch(r"0(\.0)*", version) for version in pinned) else "refused"
