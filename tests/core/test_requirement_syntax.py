"""The fast requirement reader agrees with packaging on every line it accepts, and leaves the rest to it."""

from __future__ import annotations

import itertools

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from wizard.core.environment.requirement_syntax import simple_requirement

NAMES = ["numpy", "scikit-learn", "Pillow", "ruamel.yaml", "zope_interface", "a", "x1"]
EXTRAS = ["", "[array]", "[a, b]"]
SPECS = ["", "==2.1.0", ">=1.11,<2", "~=3.4", "!=1.0.*", "==1.0rc1", "==2.1.0+cu118", "===1.0", ">= 1.0 , < 2",
         "==1.0.post1", "==1!2.0", "==1.0.dev3", "==01.02"]
MARKERS = ["", "; python_version < '3.12'", "; sys_platform == \"linux\" and python_version >= '3.9'",
           "; platform_system != 'Windows' or extra == 'x'", "; 'linux' in sys_platform"]
# Lines pip rejects, or that need packaging's full grammar: the fast reader must not accept them.
NOT_SIMPLE = [
    "numpy=1.0", "numpy 1.0", "numpy==", "numpy==abc", "numpy>=1.0,", "-numpy", "numpy[", "numpy==1.0 extra",
    "numpy; Python_Version < '3'", "numpy; python_version < 3", "numpy; (python_version < '3')",
    "numpy @ https://example.org/numpy.whl", "numpy ; python_version < '3' and", "num py", "numpy==1.0;",
    "numpy===", ".numpy", "numpy==1.0.*.1",
]


def _lines():
    for name, extras, spec, marker in itertools.product(NAMES, EXTRAS, SPECS, MARKERS):
        yield f"{name}{extras}{spec}{marker}"


def test_every_line_it_reads_packaging_reads_the_same():
    accepted = 0
    for line in _lines():
        simple = simple_requirement(line)
        if simple is None:
            continue
        accepted += 1
        full = Requirement(line)  # raises if the fast reader accepted something pip refuses
        assert simple.name == full.name, line
        assert SpecifierSet(simple.spec) == full.specifier, line
        assert (str(Marker(simple.marker)) if simple.marker else None) == \
            (str(full.marker) if full.marker else None), line
        assert sorted(e.strip() for e in simple.extras.strip("[]").split(",") if e.strip()) == sorted(full.extras)
        assert sorted(simple.pins()) == sorted(s.version for s in full.specifier if s.operator == "=="), line
    assert accepted > 0.9 * len(NAMES) * len(EXTRAS) * len(SPECS) * len(MARKERS)  # the common case is fast


@pytest.mark.parametrize("line", NOT_SIMPLE)
def test_lines_it_cannot_read_are_left_to_packaging(line):
    assert simple_requirement(line) is None
