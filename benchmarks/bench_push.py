"""Commit + push of a 2,000-file project: binder-wizard's core against the git CLI, same local server.

Both sides start from an identical fresh copy of the project and push to a fresh bare repository on
the same smart-HTTP server (`git http-backend`, the one the tests use):

* git CLI:  git init -b main; git config user.*; git add -A; git commit; git remote add; git push -u
* wizard:   init_repo → set_identity → repo_state → commit(selected files) → set_origin → push (which
            also checks the commits for files over 100 MB and verifies the remote branch with ls-remote)

Rounds alternate between the two; the figure is the ratio of medians (target ≤ 1.5).
Also printed, each against the same git CLI baseline: the pre-push audit of the same files (it runs
before the user presses Publish in the app, and inside `publish --yes`), and the whole
`binder-wizard publish --yes` command (a new Python process: imports, audit, preflight, commit, push).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FILES = 2000
ROUNDS = 5
TARGET = 1.5


def make_template(root: Path) -> None:
    rng = random.Random(2026)
    words = ["alpha", "beta", "gamma", "delta", "data", "model", "plot", "import", "numpy", "value"]
    for i in range(FILES):
        folder = root / f"pkg{i // 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [" ".join(rng.choices(words, k=8)) + f" {rng.random():.6f}" for _ in range(rng.randint(10, 60))]
        (folder / f"module_{i:04d}.py").write_text("\n".join(lines) + "\n")
    (root / "requirements.txt").write_text("numpy\npandas\n")


def run(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def push_with_git(project: Path, url: str) -> float:
    start = time.perf_counter()
    run(project, "init", "-q", "-b", "main")
    run(project, "config", "user.name", "Bench Mark")
    run(project, "config", "user.email", "bench@example.org")
    run(project, "add", "-A")
    run(project, "commit", "-q", "-m", "Publish")
    run(project, "remote", "add", "origin", url)
    run(project, "push", "-q", "-u", "origin", "main")
    return time.perf_counter() - start


def push_with_wizard(project: Path, url: str) -> float:
    from wizard.core import publish

    start = time.perf_counter()
    publish.init_repo(project)
    publish.set_identity(project, "Bench Mark", "bench@example.org")
    state = publish.repo_state(project)
    publish.commit(project, [c.path for c in state.changes], "Publish")
    publish.set_origin(project, url)
    result = publish.push(project, progress=lambda p: None)
    elapsed = time.perf_counter() - start
    assert result.sha == subprocess.run(["git", "rev-parse", "HEAD"], cwd=project, capture_output=True,
                                        text=True, check=True).stdout.strip()
    return elapsed


def audit_only(project: Path, url: str) -> float:
    from wizard.core import publish

    run(project, "init", "-q", "-b", "main")
    state = publish.repo_state(project)
    start = time.perf_counter()
    kept = publish.keep_out_reasons(project, state.changes)
    elapsed = time.perf_counter() - start
    assert kept == {}
    return elapsed


def push_with_command(project: Path, url: str) -> float:
    start = time.perf_counter()
    run(project, "init", "-q", "-b", "main")  # the command would offer this; the identity it cannot guess
    run(project, "config", "user.name", "Bench Mark")
    run(project, "config", "user.email", "bench@example.org")
    subprocess.run([sys.executable, "-m", "wizard", "publish", str(project), "--remote", url, "--yes"],
                   check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    os.environ.update(HOME=str(work), GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
                      BINDER_WIZARD_CONFIG=str(work / "none.toml"))
    from tests.servers.git_server import GitHTTPServer

    import git  # noqa: F401  — imported once up front, as in the running app

    (work / "srv").mkdir()
    server = GitHTTPServer(work / "srv")
    template = work / "template"
    make_template(template)
    times: dict[str, list[float]] = {"git": [], "wizard": [], "audit": [], "command": []}
    try:
        for round_ in range(ROUNDS):
            order = [("git", push_with_git), ("wizard", push_with_wizard), ("audit", audit_only),
                     ("command", push_with_command)]
            if round_ % 2:
                order.reverse()
            for name, how in order:
                project = work / f"{name}-{round_}"
                shutil.copytree(template, project)
                server.create(f"{name}-{round_}")
                times[name].append(how(project, server.url(f"{name}-{round_}")))
    finally:
        server.kill()
        shutil.rmtree(work, ignore_errors=True)
    git_s, wizard_s, audit_s, command_s = (statistics.median(times[k])
                                           for k in ("git", "wizard", "audit", "command"))
    ratio = wizard_s / git_s
    print(f"commit + push of {FILES + 1} files over smart HTTP, median of {ROUNDS} rounds")
    print(f"  git CLI (init, add, commit, push)              {git_s * 1000:7.0f} ms")
    print(f"  binder-wizard core commit + push + verify      {wizard_s * 1000:7.0f} ms   ratio {ratio:.2f} "
          f"(target <= {TARGET})")
    print(f"  pre-push audit of the same files (extra)       {audit_s * 1000:7.0f} ms   ratio {audit_s / git_s:.2f}")
    print(f"  `binder-wizard publish --yes` process (all)    {command_s * 1000:7.0f} ms   "
          f"ratio {command_s / git_s:.2f}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
