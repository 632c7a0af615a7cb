"""One-key fixes for the install check's findings (install/fixes.py) and the pins proposed for Binder's
Python (install/pins.py, the pure part): the words of a fix become an edit of one file."""

from __future__ import annotations

import pytest

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.install.fixes import fixes_for, replace_in_line
from wizard.core.environment.install.index_adapter import IndexFile
from wizard.core.environment.install.pins import advise


@pytest.mark.parametrize("line, expected", [
    ("pandas==3.0.0", "pandas==2.3.3"),
    ("pandas", "pandas==2.3.3"),
    ("Pandas>=3  # the data", "Pandas==2.3.3  # the data"),
    ('pandas[excel]>=3 ; python_version > "3"', 'pandas[excel]==2.3.3 ; python_version > "3"'),
    ("    - pandas==3.0.0", "    - pandas==2.3.3"),  # environment.yml's pip: list
    ('  - "pandas==3.0.0"', '  - "pandas==2.3.3"'),
    ("numpy==2.0", "numpy==2.0"),  # another requirement: unchanged
    ("# pandas==3.0.0", "# pandas==3.0.0"),
])
def test_a_pin_is_replaced_on_its_line_keeping_extras_markers_and_comments(line, expected):
    assert replace_in_line(line, "pandas", pin="2.3.3") == expected


def finding(code: str, fix: str, line: int | None = 2, message: str = "m", file: str = "requirements.txt"):
    return Diagnostic(file, line, None, "error", code, message, fix)


def test_a_finding_with_two_fixes_offers_both_in_the_order_of_its_words():
    found = finding("install-needs-newer-python",
                    "Fix: add binder/runtime.txt with python-3.12, or pin pandas==2.3.3 (the newest release for 3.10).",
                    file="binder/requirements.txt")
    runtime, pin = fixes_for(found)
    assert (runtime.relpath, runtime.title) == ("binder/runtime.txt", "Python 3.12 in binder/runtime.txt")
    assert runtime.apply("") == "python-3.12\n" and runtime.apply("python-3.10\r\n") == "python-3.12\r\n"
    assert runtime.apply("r-2024-06-01\n") == "r-2024-06-01\n"  # an R snapshot is not changed
    assert (pin.relpath, pin.title) == ("binder/requirements.txt", "pin pandas==2.3.3")
    assert pin.apply("numpy\r\npandas==3.0.0  # data\r\n") == "numpy\r\npandas==2.3.3  # data\r\n"
    assert pin.apply("numpy\n") == "numpy\n"  # the line moved away: nothing changes


def test_names_are_fixed_too_and_other_findings_offer_nothing():
    typo = finding("install-name-not-found", "Fix: did you mean scikit-learn? Write scikit-learn instead.",
                   message="There is no package called scikitlearn on PyPI.")
    assert fixes_for(typo)[0].apply("numpy\nscikitlearn==1.5\n") == "numpy\nscikit-learn==1.5\n"
    sklearn = finding("install-sklearn", "Fix: write scikit-learn instead.", line=1)
    assert fixes_for(sklearn)[0].apply("sklearn==0.0\n") == "scikit-learn\n"
    assert fixes_for(finding("install-needs-newer-python", "Fix: pin an older beta.")) == []
    assert fixes_for(finding("req-unpinned", "Fix: pin pandas==2.3.3.")) == []  # not the install check's
    assert fixes_for(finding("install-no-linux-wheel", "Fix: pin x==1.0.", line=None)) == []  # no line to edit


def files(*entries):
    return [IndexFile(name, version, requires, False, 100) for name, version, requires in entries]


def test_advice_proposes_the_newest_release_for_binders_python_or_pinning_the_local_one():
    scipy = files(("scipy-1.15.3-py3-none-any.whl", "1.15.3", ">=3.10"),
                  ("scipy-1.17.1-py3-none-any.whl", "1.17.1", ">=3.11"))
    assert advise("scipy", "1.15.3", scipy, "3.10", "3.11") is None
    advice = advise("scipy", "1.17.1", scipy, "3.10", "3.11.7")
    assert (advice.binder, advice.local_python, advice.needs) == ("1.15.3", "3.11", ">=3.11")
    assert advice.sentence("no runtime.txt") == ("scipy 1.17.1 (your version) needs Python >=3.11; Binder will use "
                                                 "Python 3.10 (no runtime.txt).")
    assert advise("scipy", "1.17.1", scipy, "3.10", "3.10.4").local_python is None  # no newer Python to pin
    windows = files(("w-2.0-py3-none-win_amd64.whl", "2.0", None), ("w-1.0-py3-none-any.whl", "1.0", None))
    advice = advise("w", "2.0", windows, "3.10", "3.12")
    assert (advice.binder, advice.local_python) == ("1.0", None)  # pinning Python would not help
    assert "has no file that installs on Binder's Linux" in advice.sentence("no runtime.txt")
