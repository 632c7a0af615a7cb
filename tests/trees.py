"""Writing a folder of files for a test from a dict."""

from __future__ import annotations

from pathlib import Path


def write_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write {relative path: text or bytes} under `root` (text as UTF-8, line endings kept as given);
    a None value, or a path ending in "/", makes an empty folder. Returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = root / rel.rstrip("/")
        if content is None:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
    return root


def git(cwd: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)


def lesson_repository(root: Path, origin: str) -> Path:
    """A workshop lesson: requirements.txt and a notebook, committed on `main`, pushed to `origin`
    (the remote-tracking branch points at HEAD; nothing is contacted)."""
    write_tree(root, {"requirements.txt": "numpy\n", "notebooks/intro.ipynb": "{}"})
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    git(root, "remote", "add", "origin", origin)
    git(root, "update-ref", "refs/remotes/origin/main", "HEAD")
    return root
