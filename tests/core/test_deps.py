"""Dependency inference engine: the labelled corpus, each rule on its own, and the project environment."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.core.environment import deps
from wizard.core.environment.package_names import normalise
from wizard.core.environment.deps.python_source import OPTIONAL, REQUIRED, TYPE_CHECKING, python_imports
from wizard.core.environment.deps.sources import install_requests, ipython_to_python, r_packages, scan_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "deps"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.txt").is_file())


# ----------------------------------------------------------------------------- fake environments


def make_env(root: Path, distributions: dict[str, tuple[str, list[str]]] | None = None) -> Path:
    """A real venv (no pip) whose site-packages holds .dist-info folders for `distributions`:
    {name: (version, [files listed in RECORD])}. Returns the venv folder (usable as --python)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    site = next(root.glob("lib/python*/site-packages"))
    for name, (version, files) in (distributions or {}).items():
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "RECORD").write_text("".join(f"{f},,\n" for f in files) + f"{info.name}/METADATA,,\n")
    return root


@pytest.fixture(scope="session")
def empty_env(tmp_path_factory) -> Path:
    """The pipx case: an interpreter with none of the projects' packages."""
    return make_env(tmp_path_factory.mktemp("envs") / "empty")


FULL_ENV = {
    "numpy": ("1.26.4", ["numpy/__init__.py", "numpy/linalg/__init__.py"]),
    "pandas": ("2.2.3", ["pandas/__init__.py"]),
    "matplotlib": ("3.9.2", ["matplotlib/__init__.py", "matplotlib/pyplot.py", "mpl_toolkits/mplot3d/__init__.py",
                             "pylab.py"]),
    "scikit-learn": ("1.5.2", ["sklearn/__init__.py", "sklearn/linear_model/__init__.py"]),
    "opencv-python": ("4.10.0.84", ["cv2/__init__.py"]),
    "pillow": ("10.4.0", ["PIL/__init__.py"]),
    "PyYAML": ("6.0.2", ["yaml/__init__.py", "_yaml/__init__.py"]),
    "beautifulsoup4": ("4.12.3", ["bs4/__init__.py"]),
    "scikit-image": ("0.24.0", ["skimage/__init__.py"]),
    "python-dateutil": ("2.9.0.post0", ["dateutil/__init__.py"]),
    "google-cloud-storage": ("2.18.2", ["google/cloud/storage/__init__.py"]),
    "google-cloud-bigquery": ("3.25.0", ["google/cloud/bigquery/__init__.py"]),
    "google-auth": ("2.34.0", ["google/auth/__init__.py", "google/oauth2/__init__.py"]),
    "protobuf": ("5.28.0", ["google/protobuf/__init__.py"]),
    "torch": ("2.4.1+cpu", ["torch/__init__.py"]),
}


@pytest.fixture(scope="session")
def full_env(tmp_path_factory) -> Path:
    """The other case: the projects' packages are installed (as metadata: enough for the query)."""
    return make_env(tmp_path_factory.mktemp("envs") / "full", FULL_ENV)


def run_cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    from wizard.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


# ----------------------------------------------------------------------------- the labelled corpus


def test_corpus_is_big_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_corpus_case_without_the_packages_installed(case, empty_env):
    code, out, _ = run_cli("requirements", str(CORPUS / case), "--pin", "none", "--python", str(empty_env))
    assert code == 0
    assert out == (CORPUS / case / "expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", ["basic_script", "aliases_common", "namespace_google", "submodule_imports",
                                  "local_modules"])
def test_corpus_gives_the_same_names_with_the_packages_installed(case, empty_env, full_env):
    _, without, _ = run_cli("requirements", str(CORPUS / case), "--pin", "none", "--python", str(empty_env))
    _, with_env, _ = run_cli("requirements", str(CORPUS / case), "--pin", "none", "--python", str(full_env))
    assert [normalise(line) for line in with_env.splitlines()] == [normalise(line) for line in without.splitlines()]


def test_versions_come_from_the_project_environment(full_env):
    project = CORPUS / "aliases_common"
    _, exact, _ = run_cli("requirements", str(project), "--python", str(full_env))
    assert "scikit-learn==1.5.2\n" in exact and "PyYAML==6.0.2\n" in exact
    assert "python-dateutil==2.9.0.post0\n" in exact
    assert "opencv-python==4.10.0.84\n" in exact
    _, compatible, _ = run_cli("requirements", str(project), "--python", str(full_env), "--pin", "compatible")
    assert "scikit-learn~=1.5\n" in compatible and "opencv-python~=4.10\n" in compatible
    # Not installed there: no version at all, whatever the pin style.
    _, mixed, _ = run_cli("requirements", str(CORPUS / "submodule_imports"), "--python", str(full_env))
    assert "tensorflow\n" in mixed and "scipy\n" in mixed and "matplotlib==3.9.2\n" in mixed


# ----------------------------------------------------------------------------- Python source rules


def contexts(text: str) -> dict[str, str]:
    found, parsed = python_imports(text)
    assert parsed
    return {f.module: f.context for f in found}


def test_try_except_contexts():
    got = contexts(
        "try:\n    import ujson\nexcept ImportError:\n    import json\n"
        "try:\n    import numpy\nexcept ImportError:\n    raise SystemExit('need numpy')\n"
        "try:\n    import PyQt5\nexcept ImportError:\n    import PyQt4\n"
        "try:\n    import tqdm\nexcept (ValueError, KeyError):\n    pass\n"
    )
    assert got == {"ujson": OPTIONAL, "json": OPTIONAL, "numpy": REQUIRED, "PyQt5": REQUIRED, "PyQt4": OPTIONAL,
                   "tqdm": REQUIRED}


def test_a_handler_that_exits_after_an_import_keeps_the_import_required():
    got = contexts("try:\n    import numpy\nexcept ImportError:\n    import sys\n    sys.exit('need numpy')\n\n"
                   "def f():\n    return 1\n")
    assert got["numpy"] == REQUIRED


def test_imports_after_a_long_body_and_in_strings():
    body = "".join(f"def f{i}():\n    return {i}\n" for i in range(50))
    text = '"""Docs\nimport nothing\n"""\n' + body + "class C:\n    def m(self):\n        import late_one\n"
    assert contexts(text) == {"late_one": REQUIRED}
    assert contexts("import a\nx = '''\nimport b\n'''\n") == {"a": REQUIRED}


def test_type_checking_and_platform_contexts():
    got = contexts(
        "if TYPE_CHECKING:\n    import a\nelse:\n    import b\n"
        "if sys.platform == 'win32':\n    import c\nelse:\n    import d\n"
        "if sys.platform != 'darwin':\n    import e\nelse:\n    import f\n"
        "if platform.system() in ('Windows',):\n    import g\n"
        "if IS_WINDOWS:\n    import h\n"
        "if sys.platform.startswith('linux'):\n    import i\nelse:\n    import j\n"
        "if __name__ == '__main__':\n    import k\n"
    )
    assert got == {"a": TYPE_CHECKING, "b": REQUIRED, "c": "platform:Windows", "d": REQUIRED, "e": REQUIRED,
                   "f": "platform:macOS", "g": "platform:Windows", "h": "platform:Windows", "i": REQUIRED,
                   "j": "platform:other", "k": REQUIRED}


def test_from_import_records_the_submodule_for_namespaces():
    found, _ = python_imports("from google.cloud import storage, bigquery as bq\nfrom x import *\n")
    assert [f.module for f in found] == ["google.cloud", "google.cloud.storage", "google.cloud.bigquery", "x"]


def test_unparseable_code_uses_the_line_scanner():
    found, parsed = python_imports("print 'x'\nimport a, b.c as d\nfrom e.f import (g,\n    h)\n  import i  # c\n")
    assert not parsed
    assert [(f.module, f.line) for f in found] == [("a", 2), ("b.c", 2), ("e.f", 3), ("i", 5)]


def test_ipython_lines_become_python_with_the_same_numbers():
    text, installs = ipython_to_python(
        "%matplotlib inline\nx = !ls\nfor i in y:\n    !echo $i\n%time import numpy\nnp.mean?\n"
        "!{sys.executable} -m pip install 'pandas>=2' seaborn==0.13.2 -r extra.txt\n"
        "%conda install -c conda-forge pytorch"
    )
    lines = text.split("\n")
    assert lines[0] == "pass" and lines[1] == "x = None" and lines[3] == "    pass"
    assert lines[4] == "import numpy" and lines[5] == "pass"
    assert installs == [(7, "pandas", None), (7, "seaborn", "0.13.2"), (8, "torch", None)]
    compile(text, "cell", "exec")


def test_load_ext_names_an_extension_package():
    text, _ = ipython_to_python("%load_ext autoreload\n%load_ext line_profiler\n%reload_ext rpy2.ipython")
    assert text.split("\n") == ["pass", "import line_profiler", "import rpy2.ipython"]


def test_install_requests_skip_options_paths_and_urls():
    assert install_requests("-q --upgrade -e . git+https://x/y.git ./local numpy[extra]==1.2 -i URL scipy") == [
        ("numpy", "1.2"), ("scipy", None)]
    assert install_requests("pip setuptools wheel") == []


def test_r_packages():
    text = "library(dplyr)\nrequire('ggplot2')  # library(commented)\nx <- readr::read_csv(f)\nlibrary(stats)\n" \
           "paste('a::b')\nsuppressMessages(library(tidyr, quietly = TRUE))\nlibrary(pkg, character.only = TRUE)\n"
    assert r_packages(text) == [("dplyr", 1), ("ggplot2", 2), ("readr", 3), ("tidyr", 6)]


def test_notebook_locations_use_joined_code_lines_and_cell_numbers():
    notebook = (
        '{"cells": [{"cell_type": "markdown", "source": "# t"},'
        '{"cell_type": "code", "source": ["a = 1\\n", "import numpy"]},'
        '{"cell_type": "code", "source": "%%time\\nimport pandas"}], "metadata": {}, "nbformat": 4}'
    ).encode()
    scan = scan_file(notebook, "nb/x.ipynb")
    assert [(s.module, s.location.line, s.location.cell) for s in scan.imports] == [
        ("numpy", 2, 2), ("pandas", 4, 3)]
    assert scan.imports[0].location.describe() == "nb/x.ipynb cell 2"


@pytest.mark.parametrize(("data", "found"), [
    (b"", []), (b"null", []), (b"[1, 2]", []), (b"{\"cells\": 5}", []), (b"\xff\xfe\x00garbage", []),
    (b"{\"cells\": [{\"cell_type\": \"code\", \"source\": 7}]}", []),
    # a broken cell and a broken source line do not cost the readable code beside them
    (b"{\"cells\": [null, {\"cell_type\": \"code\", \"source\": [1, \"import x\"]}]}", [("x", 1, 2)]),
])
def test_odd_notebooks_never_crash(data, found):
    scan = scan_file(data, "odd.ipynb")
    assert [(s.module, s.location.line, s.location.cell) for s in scan.imports] == found
    assert scan.installs == [] and scan.r_packages == []


def test_deeply_nested_code_does_not_crash():
    scan_file(("(" * 5000 + ")" * 5000 + "\nimport numpy\n").encode(), "deep.py")


# ----------------------------------------------------------------------------- mapping


def test_resolution_order(full_env):
    env = deps.query_environment(str(full_env / "bin" / "python"))
    assert env.error is None and env.version_of("scikit-learn") == "1.5.2"
    assert deps.resolve_import("sklearn.linear_model", env) == ("scikit-learn", "environment")
    assert deps.resolve_import("google.cloud.storage", env) == ("google-cloud-storage", "environment")
    assert deps.resolve_import("google.oauth2", env) == ("google-auth", "environment")
    assert deps.resolve_import("fitz", env) == ("PyMuPDF", "curated")
    assert deps.resolve_import("xarray", env) == ("xarray", "popular")
    assert deps.resolve_import("google.cloud.pubsub", env) == ("google-cloud-pubsub", "popular")
    assert deps.resolve_import("google", env) == (None, None)
    assert deps.resolve_import("google.colab", env) == (None, None)
    assert deps.resolve_import("no_such_thing_here", env) == (None, None)


def test_environment_metadata_beats_the_curated_table(tmp_path):
    # A fork that provides `yaml` is what this environment really uses.
    env_dir = make_env(tmp_path / "env", {"yaml-fork": ("1.0", ["yaml/__init__.py"])})
    env = deps.query_environment(str(env_dir / "bin" / "python"))
    assert deps.resolve_import("yaml", env) == ("yaml-fork", "environment")
    assert deps.resolve_import("yaml", None) == ("PyYAML", "curated")


def test_declared_alternative_wins():
    assert deps.resolve_import("cv2", None, {"opencv-python-headless"}) == ("opencv-python-headless", "curated")
    assert deps.resolve_import("cv2", None) == ("opencv-python", "curated")


def test_pin_styles():
    assert deps.format_requirement("numpy", "1.26.4", "exact") == "numpy==1.26.4"
    assert deps.format_requirement("numpy", "1.26.4", "compatible") == "numpy~=1.26"
    assert deps.format_requirement("numpy", "1.26.4", "none") == "numpy"
    assert deps.format_requirement("torch", "2.4.1+cpu", "exact") == "torch==2.4.1"
    assert deps.format_requirement("tzdata", "2024", "compatible") == "tzdata~=2024.0"
    assert deps.format_requirement("odd", "not-a-version", "compatible") == "odd"
    assert deps.format_requirement("numpy", None, "exact") == "numpy"


# ----------------------------------------------------------------------------- the environment


def test_python_discovery_order(tmp_path):
    project = tmp_path / "project"
    venv = make_env(project / ".venv")
    active = make_env(tmp_path / "active")
    conda = make_env(tmp_path / "conda")
    env = {"PATH": "/nonexistent"}
    assert deps.find_python(project, environ=env) == (str(venv / "bin" / "python"), ".venv in the project")
    assert deps.find_python(project, environ={**env, "CONDA_PREFIX": str(conda)})[1] == "CONDA_PREFIX"
    assert deps.find_python(project, environ={**env, "VIRTUAL_ENV": str(active), "CONDA_PREFIX": str(conda)}) == (
        str(active / "bin" / "python"), "VIRTUAL_ENV")
    assert deps.find_python(project, str(conda), environ={"VIRTUAL_ENV": str(active)}) == (
        str(conda / "bin" / "python"), "--python")
    assert deps.find_python(tmp_path / "elsewhere", environ=env) is None
    with pytest.raises(deps.PythonNotFound):
        deps.find_python(project, str(tmp_path / "missing"))


def test_an_interpreter_that_fails_gives_an_error_not_a_crash(tmp_path):
    env = deps.query_environment("/bin/false")
    assert env.error and env.distributions == {}
    assert deps.query_environment(str(tmp_path / "nope")).error


def test_query_runs_outside_the_project_so_local_files_cannot_shadow_the_stdlib(tmp_path, empty_env):
    project = tmp_path / "p"
    project.mkdir()
    (project / "json.py").write_text("raise SystemExit('shadowed')\n")
    env = deps.project_environment(project, str(empty_env))
    assert env.error is None


# ----------------------------------------------------------------------------- declared file and reconcile


def test_declared_file_follows_repo2docker(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n")
    assert deps.declared_file(tmp_path).path == tmp_path / "requirements.txt"
    (tmp_path / "binder").mkdir()
    target = deps.declared_file(tmp_path)
    assert target.path == tmp_path / "binder" / "requirements.txt" and not target.exists
    (tmp_path / "binder" / "environment.yml").write_text("dependencies:\n  - numpy\n  - pip:\n    - torch\n")
    target = deps.declared_file(tmp_path)
    assert target.kind == "environment" and target.write_target is None and "environment.yml" in target.note
    (tmp_path / "binder" / "Dockerfile").write_text("FROM x\n")
    assert deps.declared_file(tmp_path).kind is None


def test_parse_requirements_understands_pip_syntax(tmp_path):
    (tmp_path / "more.txt").write_text("scipy\n")
    text = ("# comment\n--index-url https://x\n-r more.txt\nnumpy==1.2 ; sys_platform == 'linux'  # ok\n"
            "pywin32 ; sys_platform == 'win32'\npandas \\\n  >=2\n-e git+https://x/y.git#egg=mylib\n"
            "thing @ file:///Users/a/thing\ntorch==2.1.0+cu118\nnot a requirement !!\n")
    declared = deps.parse_requirements(text, "requirements.txt", tmp_path)
    assert [(d.name, d.line, d.on_linux) for d in declared] == [
        ("scipy", 1, True), ("numpy", 4, True), ("pywin32", 5, False), ("pandas", 6, True), ("mylib", 8, True),
        ("thing", 9, True), ("torch", 10, True)]
    assert declared[5].local_path and declared[6].local_version == "2.1.0+cu118"


def test_reconcile_rows_and_apply(tmp_path, empty_env):
    project = tmp_path / "p"
    project.mkdir()
    (project / "a.py").write_text("import numpy\nimport sklearn\nimport mystery_mod\n")
    original = "# pinned\nnumpy==1.26.4\nflask  # web\npywin32==306\ntorch==2.1.0+cu118\n"
    (project / "requirements.txt").write_text(original)
    env = deps.project_environment(project, str(empty_env))
    result = deps.infer(project, env)
    rows = {(r.kind, r.name): r for r in deps.reconcile(result)}
    assert set(rows) == {("undeclared", "scikit-learn"), ("unused", "flask"), ("unused", "torch"),
                         ("unresolved", "mystery_mod"), ("platform-only", "pywin32"),
                         ("cannot-install", "torch")}
    assert rows["undeclared", "scikit-learn"].new_line == "scikit-learn"
    assert "a.py line 2" in rows["undeclared", "scikit-learn"].message
    assert not rows["unresolved", "mystery_mod"].can_apply
    applied = deps.apply_rows(original, [rows["undeclared", "scikit-learn"], rows["platform-only", "pywin32"],
                                         rows["cannot-install", "torch"]])
    assert applied == ('# pinned\nnumpy==1.26.4\nflask  # web\npywin32==306 ; sys_platform == "win32"\n'
                       "torch==2.1.0\nscikit-learn\n")
    # Removing an unused line happens only when the user picks that row.
    assert deps.apply_rows(original, [rows["unused", "flask"]]) == (
        "# pinned\nnumpy==1.26.4\npywin32==306\ntorch==2.1.0+cu118\n")


def test_new_requirements_text_only_adds():
    existing = "numpy  # keep\r\n\r\n--extra-index-url https://x\r\npandas ; sys_platform == 'darwin'"
    new = deps.new_requirements_text(existing, ["NumPy==2", "pandas", "scipy"])
    assert new == existing + "\r\npandas\r\nscipy\r\n"
    assert deps.new_requirements_text("numpy\n", ["numpy==1"]) == "numpy\n"
    assert deps.new_requirements_text("", ["a"]) == "a\n"
    assert deps.new_requirements_text("x \\\n", ["a"]) == "x \\\n\na\n"


def test_undeclared_diagnostics(tmp_path, monkeypatch):
    project = tmp_path / "p"
    (project / "binder").mkdir(parents=True)
    (project / "binder" / "requirements.txt").write_text("pandas\n")
    (project / "a.py").write_text("import pandas\nimport os\n\nimport sklearn.cluster\n")
    (project / "nb.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "import sklearn"}]}')
    found = deps.undeclared_diagnostics(project, ask_environment=False)
    assert len(found) == 1
    diagnostic = found[0]
    assert (diagnostic.file, diagnostic.line, diagnostic.severity, diagnostic.code) == (
        "a.py", 4, "warning", "import-not-declared")
    assert "a.py line 4, nb.ipynb cell 1" in diagnostic.message
    assert "binder/requirements.txt" in diagnostic.message and "scikit-learn" in diagnostic.fix
    # No environment file yet: that problem is reported once, elsewhere.
    (project / "binder" / "requirements.txt").unlink()
    assert deps.undeclared_diagnostics(project, ask_environment=False) == []


def test_environment_yml_declarations_count(tmp_path):
    (tmp_path / "environment.yml").write_text(
        "channels: [conda-forge]\ndependencies:\n  - python=3.11\n  - conda-forge::numpy=1.26\n  - pytorch\n"
        "  - pip\n  - pip:\n    - scikit-learn==1.5\n    - -r more.txt\n")
    (tmp_path / "more.txt").write_text("xarray\n")
    (tmp_path / "a.py").write_text("import numpy\nimport torch\nimport sklearn\nimport pandas\nimport xarray\n")
    result = deps.infer(tmp_path)
    assert {p.name: p.status for p in result.packages} == {
        "numpy": "declared", "torch": "declared", "scikit-learn": "declared", "pandas": "undeclared",
        "xarray": "declared"}


def test_r_install_suggestion():
    result = deps.infer(CORPUS / "r_files")
    assert list(result.r_packages) == ["dplyr", "ggplot2", "readr", "tidyr"]
    assert deps.r_install_script(result) == 'install.packages(c("dplyr", "ggplot2", "readr", "tidyr"))\n'


def test_skipped_lists():
    result = deps.infer(CORPUS / "local_modules")
    assert result.skipped_local == ["models", "mypkg", "requests", "utils"]
    assert deps.infer(CORPUS / "basic_script").skipped_stdlib == ["json", "os", "sys"]


def test_sample_project():
    from wizard.demo import SAMPLE

    result = deps.infer(SAMPLE)
    assert {p.name: p.status for p in result.packages} == {
        "matplotlib": "declared", "numpy": "unused", "pandas": "declared", "scipy": "undeclared"}
    assert [p.name for p in result.platform_only] == ["pywin32"]


def test_the_projects_own_package_dependencies_count_as_declared(make_project):
    project = make_project({
        "pyproject.toml": '[project]\nname = "mytool"\n'
                          'dependencies = ["numpy>=1.2", "pywin32; sys_platform == \'win32\'"]\n'
                          '[build-system]\nrequires = ["hatchling"]\n',
        "setup.py": "from setuptools import setup\nsetup(install_requires=['scipy'])\n",
        "mytool/__init__.py": "import numpy\nimport scipy\nimport pandas\n",
    })
    statuses = {p.name: p.status for p in deps.infer(project).packages}
    assert statuses == {"numpy": "declared", "scipy": "declared", "pandas": "undeclared"}
    # repo2docker installs the root package next to requirements.txt...
    (project / "requirements.txt").write_text("pandas\n")
    assert {p.name: p.status for p in deps.infer(project).packages} == {
        "numpy": "declared", "scipy": "declared", "pandas": "declared"}
    # ...but not once a config folder is used, unless requirements.txt says `-e .` (pip runs from the root).
    (project / "binder").mkdir()
    (project / "binder" / "requirements.txt").write_text("pandas\n")
    assert {p.name: p.status for p in deps.infer(project).packages} == {
        "numpy": "undeclared", "scipy": "undeclared", "pandas": "declared"}
    (project / "binder" / "requirements.txt").write_text("pandas\n-e .\n")
    assert {p.name: p.status for p in deps.infer(project).packages} == {
        "numpy": "declared", "scipy": "declared", "pandas": "declared"}


def test_the_popular_list_ships_with_the_package():
    from wizard.core.environment.package_names import popular_distributions

    names = popular_distributions()
    assert len(names) > 5000
    assert {"numpy", "requests", "scikit-learn"} <= set(names)
    assert not {"utils", "config", "tools", "common"} & set(names)  # generic local-module names left out


def test_python_version_guards_and_backports():
    got = contexts(
        "if sys.version_info < (3, 8):\n    import importlib_metadata\nelse:\n    import importlib.metadata\n"
        "if sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli\n"
        "try:\n    import zoneinfo\nexcept ImportError:\n    from backports import zoneinfo\n"
        "try:\n    import json\nexcept ImportError:\n    import simplejson\n"
    )
    assert got["importlib_metadata"] == "platform:old-python"
    assert got["tomli"] == REQUIRED  # Binder's default Python 3.10 takes this branch
    assert got["backports.zoneinfo"] == REQUIRED
    assert got["simplejson"] == OPTIONAL


def test_query_matches_importlib_metadata_on_a_real_environment():
    import json as _json

    env = deps.query_environment(sys.executable)
    code = ("import json, importlib.metadata as m\n"
            "print(json.dumps({k: sorted(v) for k, v in m.packages_distributions().items()\n"
            "                  if k.isidentifier() and not k.startswith('_')}))")
    expected = _json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                          check=True).stdout)
    # importlib trusts top_level.txt, which sometimes names private modules that are not importable
    # at the top (tree-sitter's `_binding`); the query reads the files themselves. Public names agree.
    assert {k: sorted(v) for k, v in env.top_level.items() if not k.startswith("_")} == expected
    assert env.version_of("packaging")


def test_old_egg_info_installs_are_read_too(tmp_path):
    env_dir = make_env(tmp_path / "env")
    site = next(env_dir.glob("lib/python*/site-packages"))
    egg = site / "oldpkg-0.9-py3.11.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: oldpkg\nVersion: 0.9\n")
    (egg / "top_level.txt").write_text("oldmod\n")
    env = deps.query_environment(str(env_dir / "bin" / "python"))
    assert deps.resolve_import("oldmod.sub", env) == ("oldpkg", "environment")
    assert env.version_of("OldPkg") == "0.9"


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CODEY = st.text(alphabet=st.sampled_from(list("import from as %!?\n\t ()[]{}:;.,'\"\\#=abcxyz_019\x00\u00e9")),
                 max_size=400)


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.binary(max_size=600), _CODEY.map(lambda t: t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from([".py", ".ipy", ".ipynb", ".R", ".qmd"]))
def test_no_input_crashes_the_scanner(body, suffix):
    scan = scan_file(body, "f" + suffix)
    for site in scan.imports:
        assert site.module and ".." not in site.module


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(_CODEY, max_size=5))
def test_no_notebook_cell_crashes_the_scanner(cells):
    import json as _json

    notebook = {"cells": [{"cell_type": "code", "source": cell} for cell in cells], "nbformat": 4}
    scan_file(_json.dumps(notebook).encode(), "n.ipynb")


@settings(max_examples=150, deadline=None)
@given(existing=st.text(alphabet=st.sampled_from(list("abc-=;#\\ \n\r.<>[]@:/'\"01")), max_size=200),
       additions=st.lists(st.sampled_from(["numpy", "pandas==2.2", "Scikit_Learn", "a"]), max_size=4))
def test_writing_never_loses_or_reorders_existing_text(existing, additions):
    new = deps.new_requirements_text(existing, additions)
    assert new.startswith(existing)
    added = new[len(existing):].split()
    assert set(added) <= set(additions)


def test_a_declared_windows_package_that_is_also_imported_gets_its_marker_row(make_project):
    project = make_project({"requirements.txt": "pywin32==306\n", "a.py": "import win32api\nimport numpy\n"})
    result = deps.infer(project)
    (item,) = result.platform_only
    assert (item.name, item.import_name, item.platform, item.declared.line) == ("pywin32", "win32api", "Windows", 1)
    rows = [r for r in deps.reconcile(result) if r.kind == "platform-only"]
    assert rows[0].new_line == 'pywin32==306 ; sys_platform == "win32"'
    assert [p.name for p in result.required] == ["numpy"]


def test_package_names_are_the_functions_whatever_the_import_order():
    code = ("import wizard.core.environment.deps.inference, wizard.core.environment.deps.reconciliation\n"
            "from wizard.core.environment import deps\n"
            "from wizard.core.environment.deps import infer, reconcile\n"
            "print(callable(deps.infer), callable(deps.reconcile), callable(infer), callable(reconcile))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True"] * 4


def test_a_near_miss_of_a_popular_name_is_found_offline():
    from wizard.core.environment.package_names import near_miss

    assert near_miss("matplotlb") == "matplotlib" and near_miss("pandsa") == "pandas"
    assert near_miss("scikit-lean") == "scikit-learn" and near_miss("Requets") == "requests"
    assert near_miss("pandas") is None and near_miss("mypackage") is None and near_miss("numpi") == "numpy"


def test_requirements_warns_about_a_near_miss_with_a_one_key_fix(make_project):
    from wizard.core.environment.engine import analyse
    from wizard.core.environment.install.fixes import fixes_for

    project = make_project({"requirements.txt": "numpy\nmatplotlb==3.9\npandsa\n", "runtime.txt": "python-3.12\n"})
    found = [d for d in analyse(project, {}).diagnostics if d.code == "req-near-miss"]
    assert [(d.line, d.severity, d.fix) for d in found] == [
        (2, "warning", "Did you mean matplotlib? Write matplotlib instead."),
        (3, "warning", "Did you mean pandas? Write pandas instead.")]
    [fix] = fixes_for(found[0])
    assert fix.apply("numpy\nmatplotlb==3.9\npandsa\n") == "numpy\nmatplotlib==3.9\npandsa\n"


def test_walk_leaves_out_environments_build_output_and_hidden_folders(make_project):
    """Only the project's own code is scanned: environments (whatever their name), build output, caches."""
    from wizard.core.environment.deps.scan import walk_project

    project = make_project({
        "analysis.py": "import pandas\n",
        "notebooks/explore.ipynb": "{}",
        "myenv/pyvenv.cfg": "home = /usr/bin\n",
        "myenv/lib/python3.12/site-packages/requests/api.py": "import urllib3\n",
        "tools/condaenv/conda-meta/history": "",
        "tools/condaenv/lib/thing.py": "import numpy\n",
        "build/figures.py": "import matplotlib\n",  # a folder of code that happens to be called build
        "dist/mypkg-1.0-py3-none-any.whl": "",
        "dist/lib/mypkg/mod.py": "import scipy\n",  # next to a wheel: build output
        ".hidden/secret.py": "import boto3\n",
        "node_modules/x/y.py": "import six\n",
        "pkg.egg-info/z.py": "import attr\n",
        "src/mypkg/__init__.py": "",
        "setup.py": "import setuptools\n",
    })
    files, local = walk_project(project)
    assert sorted(rel for rel, _ in files) == ["analysis.py", "build/figures.py", "notebooks/explore.ipynb",
                                               "src/mypkg/__init__.py"]
    assert all(path == project / rel for rel, path in files)
    assert {"analysis", "figures", "mypkg", "src", "build"} <= local
    assert "requests" not in local and "thing" not in local
