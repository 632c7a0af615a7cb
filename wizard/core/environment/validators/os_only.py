"""Packages for one operating system, pip and conda, each with the evidence it rests on.

Binder builds on linux-64 (Ubuntu 24.04, conda-forge). A package is listed only when there is evidence that it
cannot install there (no Linux file on PyPI, or a conda package built only for macOS/Windows) or that it installs
but only does something on another system. An entry without evidence is a false alarm waiting to happen: what
is not listed here is left to the install check, which asks the real index.

Sources are written next to each entry: "PyPI:" what the files on pypi.org are (a `py3-none-any` wheel installs
anywhere; an sdist that builds only on one system, or a dependency that does not install, fails); "cf:" the
conda-forge feedstock's build matrix (`.ci_support/*.yaml`) or recipe (`skip`, `__win`/`__osx` dependencies);
"main:" Anaconda's defaults channel (which Binder's conda does not use, but `conda env export` writes).
"""

from __future__ import annotations

import re

# ---- pip: normalised name -> (system, installs on Linux?, evidence) ---------------------------------------

PIP: dict[str, tuple[str, bool, str]] = {
    "pywin32": ("Windows", False, "PyPI: win32/win_amd64/win_arm64 wheels only, no sdist"),
    "pypiwin32": ("Windows", False, "PyPI: py3-none-any wheel that requires pywin32"),
    "pywin32-ctypes": ("Windows", True, "PyPI: py3-none-any wheel, no dependencies"),
    "pywinpty": ("Windows", False, "PyPI: Windows wheels; the sdist (maturin) builds only on Windows"),
    "wmi": ("Windows", False, "PyPI: WMI-1.5.1-py2.py3-none-any.whl, Requires-Dist: pywin32"),
    "windows-curses": ("Windows", False, "PyPI: Windows wheels only"),
    "winshell": ("Windows", True, "PyPI: winshell 0.6 sdist, pure Python, no dependencies"),
    "comtypes": ("Windows", True, "PyPI: py3-none-any wheel, no dependencies"),
    "win32-setctime": ("Windows", True, "PyPI: py3-none-any wheel"),
    "winkerberos": ("Windows", False, "PyPI: Windows wheels; the sdist compiles against Windows SSPI"),
    "pyreadline": ("Windows", True, "PyPI: pyreadline 2.1 sdist (zip), pure Python"),
    "pyreadline3": ("Windows", True, "PyPI: py3-none-any wheel"),
    "wincertstore": ("Windows", True, "PyPI: py2.py3-none-any wheel"),
    "win-inet-pton": ("Windows", True, "PyPI: py2.py3-none-any wheel"),
    "winrt": ("Windows", False, "PyPI: Windows wheels only"),
    "pyhook": ("Windows", False, "PyPI: no file a Linux pip can install"),
    "pythoncom": ("Windows", False, "PyPI: no such distribution; pythoncom is a module of pywin32"),
    "msvc-runtime": ("Windows", False, "PyPI: Windows wheels only"),
    "winregistry": ("Windows", True, "PyPI: winregistry-2.1.5-py3-none-any.whl, no dependencies"),
    "python-magic-bin": ("Windows", False, "PyPI: Windows and macOS wheels only, no sdist"),
    "tensorflow-intel": ("Windows", False, "PyPI: Windows wheels only (tensorflow's Windows build)"),
    "wexpect": ("Windows", False, "PyPI: sdist whose setup.cfg requires pywin32"),
    "appnope": ("macOS", True, "PyPI: py2.py3-none-any wheel, no dependencies"),
    "pyobjc": ("macOS", False, "PyPI: meta wheel requiring pyobjc-core, whose sdist builds only on macOS"),
    "pyobjc-core": ("macOS", False, "PyPI: macOS wheels; the sdist refuses other systems"),
    "py2app": ("macOS", True, "PyPI: py3-none-any wheel; altgraph, macholib, modulegraph are pure Python"),
    "rumps": ("macOS", False, "PyPI: rumps 0.4.0 sdist, install_requires=['pyobjc-framework-Cocoa'] (setup.py)"),
    "applescript": ("macOS", True, "PyPI: applescript-2019.3.22-py2.py3-none-any.whl, pure-Python dependencies"),
    "mac-alias": ("macOS", True, "PyPI: py3-none-any wheel"),
    "tensorflow-macos": ("macOS", False, "PyPI: macOS wheels only"),
    "tensorflow-metal": ("macOS", False, "PyPI: macOS wheels only"),
}
# Not listed, on evidence: pywinauto (its wheel declares python-xlib for Linux), mlx (manylinux wheels since
# 0.26, e.g. mlx-0.32.4-cp312-cp312-manylinux_2_35_x86_64.whl).
PIP_PREFIXES = {"pyobjc-framework-": ("macOS", False, "PyPI: each requires pyobjc-core (macOS only)")}


def pip_system(key: str) -> tuple[str, bool, str] | None:
    """(system, installs on Linux, evidence) for a normalised pip name, or None when it is not OS-bound."""
    if key in PIP:
        return PIP[key]
    for prefix, found in PIP_PREFIXES.items():
        if key.startswith(prefix):
            return found
    return None


# ---- conda: name -> (system, first version built for Linux or None, evidence) -----------------------------
# "first version built for Linux": older versions exist only for `system`; from this one on the package also
# installs on linux-64 (useless there, or a real cross-platform package).

CONDA: dict[str, tuple[str, str | None, str]] = {
    "appnope": ("macOS", "0.1.3", "cf: osx-only builds up to 0.1.2; noarch/appnope-0.1.3-pyhd8ed1ab_0 and "
                                  "0.1.4 since (conda-lock files list them); main: osx only"),
    "vs2015_runtime": ("Windows", None, "cf: vc-feedstock builds win-64/win-arm64 only"),
    "vc": ("Windows", None, "cf: vc-feedstock builds win-64/win-arm64 only"),
    "vc14_runtime": ("Windows", None, "cf: vc-feedstock builds win-64/win-arm64 only"),
    "ucrt": ("Windows", None, "cf: ucrt is the Windows C runtime, win-64 only"),
    "pywin32": ("Windows", None, "cf: pywin32-feedstock builds win-64 only"),
    "pywin32-ctypes": ("Windows", None, "cf: pywin32-ctypes-feedstock .ci_support has win only"),
    "pywinpty": ("Windows", None, "cf: pywinpty-feedstock .ci_support has win_64 only"),
    "winpty": ("Windows", None, "cf: winpty-feedstock builds win-64 only"),
    "menuinst": ("Windows", "2.0", "cf: menuinst 1.x win only; 2.x also built for linux (menuinst-feedstock "
                                   ".ci_support linux_*)"),
    "wincertstore": ("Windows", None, "cf: wincertstore-feedstock .ci_support/win_64_.yaml only"),
    "win_inet_pton": ("Windows", None, "cf: noarch recipe with `- __win` in run requirements"),
    "pyreadline3": ("Windows", None, "cf: pyreadline3-feedstock .ci_support has win_64 only"),
    "pyobjc-core": ("macOS", None, "cf: pyobjc-core-feedstock .ci_support has osx_64/osx_arm64 only"),
    "console_shortcut": ("Windows", None, "main: win-64 only (Anaconda Prompt shortcut)"),
    "powershell_shortcut": ("Windows", None, "main: win-64 only (Anaconda PowerShell shortcut)"),
}
CONDA_PREFIXES = {
    "m2w64-": ("Windows", "msys2/m2w64 packages are MinGW builds for win-64"),
    "m2-": ("Windows", "msys2 packages, win-64 only"),
    "msys2-": ("Windows", "msys2 packages, win-64 only"),
    "pyobjc-framework-": ("macOS", "cf: pyobjc-framework-* feedstocks build osx only"),
    "vs20": ("Windows", "cf: vs2017_runtime, vs2019_runtime ... come from vc-feedstock, win only"),
}
# Not listed, on evidence (they all have linux-64 builds): intel-openmp (main/linux-64/intel-openmp-2020.2-254,
# Linux `conda env export` files list it), libgfortran (cf linux-64/libgfortran-14.2.0-h69a702a_1), libcxx
# (libcxx-feedstock .ci_support/linux_64_.yaml), libcxxabi (recipe: `skip: true  # [not linux]`: Linux only),
# cctools and ld64 (cctools-and-ld64-feedstock linux_64_* cross builds), tapi (tapi-feedstock linux_64_.yaml),
# clang_osx-64/clangxx_osx-64/gfortran_osx-64 (cross-compiler activations built on linux_64), win32_setctime
# (cf noarch recipe with no OS constraint: "only useful on Windows but there is no constraint on OS").
# pyreadline and wmi: no conda-forge package found to check, so not listed.


# From their first Linux version on, these are real cross-platform packages, not just harmless on Linux.
CROSS_PLATFORM_LATER = {"menuinst"}


def conda_system(name: str, version: str | None) -> tuple[str, bool, str] | None:
    """(system, installs on Linux, evidence) for a conda package name and pinned version (None: unpinned);
    None when the package is not bound to one system (in that version)."""
    if name in CONDA:
        system, linux_from, evidence = CONDA[name]
        installs = linux_from is not None and (version is None or _at_least(version, linux_from))
        if installs and name in CROSS_PLATFORM_LATER:
            return None
        return system, installs, evidence
    for prefix, (system, evidence) in CONDA_PREFIXES.items():
        if name.startswith(prefix):
            return system, False, evidence
    return None


def _at_least(version: str, floor: str) -> bool:
    def parts(text: str) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", text)[:4])
    return parts(version) >= parts(floor)
