"""The environment engine against repo2docker itself, in one run.

(a) in-process: binder-wizard's detect + validate (engine.analyse) vs repo2docker 2026.4.0's own detect +
    render of the same folders (the differential fixtures), called in-process.   target: >= 20x faster
(b) whole process: `binder-wizard check PATH` vs `repo2docker --no-build PATH`.   target: <= 0.5x the time
    on two projects, each a git repository with its files committed (where a pre-commit hook runs, and
    check asks git which files it would commit): the environment files alone (no code, so check's import
    scan costs nothing) and a realistic one (the same files plus the labelled set's 28 projects: notebooks
    and scripts, ~60 files). check uses a second core where there is one (the import scan in a forked
    copy, git listing files): the CPU time in brackets counts every process, so it shows the cost of that.
(c) validating a 1,000-line environment.yml and a 1,000-line requirements.txt.    target: median < 5 ms
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "r2d"
ROUNDS = 15


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_cpu(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def bench_in_process() -> None:
    from tests.core.r2d_reference import r2d_verdict
    from wizard.core.environment import detection as detect_module
    from wizard.core.environment.engine import analyse

    work = Path(tempfile.mkdtemp(prefix="bench-check-"))
    folders = []
    for source in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        target = work / source.name
        shutil.copytree(source, target)
        folders.append(target)
    releases = detect_module.JULIA_RELEASES
    for folder in folders:  # warm both sides: imports, lock-file listings, caches of module level
        analyse(folder)
        r2d_verdict(folder, releases)
    ours = theirs = 0.0
    same = 0
    for folder in folders:
        ours += median_seconds(lambda: analyse(folder), 7)
        theirs += median_seconds(lambda: r2d_verdict(folder, releases), 7)
        verdict = r2d_verdict(folder, releases)
        report = analyse(folder)
        same += (verdict["pack"] == report.detection.buildpack
                 and bool(verdict["error"]) == bool(report.detection.r2d_error))
    shutil.rmtree(work, ignore_errors=True)
    n = len(folders)
    print(f"(a) in-process, {n} folders, per folder (median of 7):")
    print(f"    repo2docker detect+render: {theirs / n * 1000:7.2f} ms   (baseline)")
    print(f"    binder-wizard analyse:     {ours / n * 1000:7.2f} ms   "
          f"-> {theirs / ours:5.1f}x faster (target >= 20x); same verdict on {same}/{n}")


def environment_only_project() -> Path:
    project = Path(tempfile.mkdtemp(prefix="bench-check-proc-"))
    (project / "requirements.txt").write_text("numpy==2.1.0\npandas==2.2.3\nmatplotlib\n")
    (project / "runtime.txt").write_text("python-3.12\n")
    (project / "apt.txt").write_text("vim\n")
    (project / "postBuild").write_text("#!/bin/bash\nset -e\necho done\n")
    return project


def committed(project: Path) -> Path:
    """The project as a git repository with everything committed, like a project a pre-commit hook checks."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "project"]):
        subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    return project


def realistic_project() -> tuple[Path, int]:
    """The environment files plus real notebooks and scripts (some imports declared, most not)."""
    project = environment_only_project()
    for case in sorted(p for p in (ROOT / "tests" / "fixtures" / "labelled").iterdir() if (p / "project").is_dir()):
        shutil.copytree(case / "project", project / "analyses" / case.name)
    code = sum(1 for p in project.rglob("*") if p.suffix in (".py", ".ipynb"))
    return project, code


def bench_whole_process() -> None:
    plain = committed(environment_only_project())
    realistic, code_files = realistic_project()
    realistic = committed(realistic)
    print(f"(b) whole process, {ROUNDS} rounds taking turns, medians (wall clock; CPU time in brackets; ratios "
          "pair by pair):")
    whole_process(plain, "environment files only, no code")
    whole_process(realistic, f"realistic: + {code_files} notebooks and scripts")


def whole_process(project: Path, title: str) -> None:
    bindir = Path(sys.executable).parent
    wizard = [sys.executable, "-m", "wizard", "check", str(project)]
    if (bindir / "binder-wizard").exists():
        wizard = [str(bindir / "binder-wizard"), "check", str(project)]
    r2d = [str(bindir / "repo2docker"), "--no-build", str(project)]
    env = {**os.environ, "NO_COLOR": "1"}
    # Like an installed tool (and like repo2docker in site-packages): byte-code compiled once. This
    # environment sets PYTHONDONTWRITEBYTECODE, which would otherwise recompile binder-wizard every run.
    import compileall

    compileall.compile_dir(str(ROOT / "wizard"), quiet=1)

    def run(command) -> tuple[float, float]:
        """Wall and CPU seconds (user + system, of the command and every process it waited for)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env=env, cwd=project)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed: {result.stderr.decode(errors='replace')[-400:]}")
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    commands = {"repo2docker --no-build PATH": r2d, "binder-wizard check PATH": wizard,
                "binder-wizard check PATH --format json": wizard + ["--format", "json"]}
    for command in commands.values():
        run(command)
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(ROUNDS):  # in turn, so a slower moment of the shared machine hits every command alike
        for label, command in commands.items():
            times[label].append(run(command))
    shutil.rmtree(project, ignore_errors=True)
    base = times["repo2docker --no-build PATH"]
    print(f"  project: {title}")
    for label, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        used = statistics.median(c for _, c in runs)
        if label.startswith("repo2docker"):
            tail = "(baseline)"
        else:  # the ratio pair by pair (each run against the baseline run next to it), then the median
            ratio = statistics.median(w / b for (w, _), (b, _) in zip(runs, base))
            cpu_ratio = statistics.median(c / b for (_, c), (_, b) in zip(runs, base))
            tail = f"-> {ratio:4.2f}x [{cpu_ratio:4.2f}x] (target <= 0.5x)"
        print(f"    {label:<40} {wall * 1000:7.1f} ms [{used * 1000:6.1f} ms]  {tail}")


def bench_big_files() -> None:
    from wizard.core.environment.validators import FileContext, validate_text

    env_lines = ["name: big", "channels:", "  - conda-forge", "dependencies:", "  - python=3.12"]
    env_lines += [f"  - package{i}=1.{i}" for i in range(900)]
    env_lines += ["  - pip", "  - pip:"] + [f"    - pippkg{i}==2.{i}" for i in range(93)]
    environment = "\n".join(env_lines) + "\n"
    requirements = "".join(f"package-{i}[extra]>={i % 9}.{i},<{i % 9 + 1}\n" if i % 3 == 0 else
                           f"package-{i}=={i % 7}.{i}.0\n" if i % 3 == 1 else
                           f"package-{i}; python_version >= '3.10'\n" for i in range(1000))
    assert environment.count("\n") == 1000 and requirements.count("\n") == 1000
    env_ctx = FileContext("environment.yml", "environment.yml")
    req_ctx = FileContext("requirements.txt", "requirements.txt")
    validate_text(environment, env_ctx)
    validate_text(requirements, req_ctx)
    env_time = median_seconds(lambda: validate_text(environment, env_ctx), 31)
    req_time = median_seconds(lambda: validate_text(requirements, req_ctx), 31)
    env_cpu = median_cpu(lambda: validate_text(environment, env_ctx), 31)
    req_cpu = median_cpu(lambda: validate_text(requirements, req_ctx), 31)
    from ruamel.yaml import YAML

    ruamel_time = median_seconds(lambda: YAML().load(environment), 11)
    print("(c) validating 1,000-line files, median of 31, wall clock [CPU time] (target < 5 ms each):")
    print(f"    environment.yml:  {env_time * 1000:6.2f} ms [{env_cpu * 1000:5.2f} ms]   (repo2docker's ruamel load "
          f"alone: {ruamel_time * 1000:.1f} ms -> {ruamel_time / env_time:.1f}x)")
    print(f"    requirements.txt: {req_time * 1000:6.2f} ms [{req_cpu * 1000:5.2f} ms]   (with extras, ranges and "
          "markers on every line)")


if __name__ == "__main__":
    bench_in_process()
    bench_whole_process()
    bench_big_files()
