"""Pre-push audit. Secret-shaped strings are assembled at run time, so this repository never holds
anything that looks like a real credential; large files are sparse files made in tmp."""

from __future__ import annotations

import json
import random
import string
import subprocess

import pytest

from wizard.core.publish.audit import FILE_GITHUB_LIMIT, MB, audit_files, gitignore_text
from wizard.core.publish.file_listing_adapter import committable_files
from wizard.core.publish.git_adapter import audit_project

_RANDOM = random.Random(20261201)


def rand(k: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(_RANDOM.choice(alphabet) for _ in range(k))


def planted_tokens() -> dict[str, str]:
    upper = string.ascii_uppercase + string.digits
    return {
        "GitHub": "gh" + "p_" + rand(36),
        "GitHub fine-grained": "github" + "_pat_" + rand(82, string.ascii_letters + string.digits + "_"),
        "AWS access": "AK" + "IA" + rand(16, upper),
        "Google API": "AI" + "za" + rand(35),
        "Slack": "xo" + "xb-" + rand(12, string.digits) + "-" + rand(24),
        "OpenAI": "s" + "k-proj-" + rand(48),
        "Hugging Face": "h" + "f_" + rand(34),
        "GitLab": "gl" + "pat-" + rand(20),
    }


def codes(result, path=None):
    found = [(f.path, f.line, f.code) for f in result.findings if path is None or f.path == path]
    return sorted(found, key=lambda item: (item[0], item[1] or 0, item[2]))


@pytest.mark.parametrize("label", sorted(planted_tokens()))
def test_token_formats(make_project, label):
    token = planted_tokens()[label]
    project = make_project({"config.py": f"import os\n\nTOKEN = '{token}'\n"})
    result = audit_files(project, ["config.py"])
    assert codes(result) == [("config.py", 3, "secret-token")]
    finding = result.findings[0]
    assert finding.blocks_commit and finding.severity == "error"
    assert token not in finding.message and token[:4] in finding.message  # named, never echoed
    assert "public" in finding.message


def test_private_key_and_key_files(make_project):
    header = "-----BEGIN " + "OPENSSH PRIVATE" + " KEY-----"
    project = make_project({"deploy/key.txt": f"{header}\n{rand(64)}\n", "id_rsa": f"{header}\n",
                            "id_rsa.pub": "ssh-ed25519 AAAA user@host\n"})
    result = audit_files(project, ["deploy/key.txt", "id_rsa", "id_rsa.pub"])
    assert codes(result) == [("deploy/key.txt", 1, "secret-private-key"), ("id_rsa", None, "secret-key-file"),
                             ("id_rsa", 1, "secret-private-key")]
    assert result.blocked_paths == {"deploy/key.txt", "id_rsa"}


def test_password_assignments_in_code_and_notebooks(make_project):
    secret = rand(12)
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": ["import db\n", f'password = "{secret}"\n']}]},
                          indent=1)
    project = make_project({
        "db.py": f"user = 'me'\nDB_PASSWORD = '{secret}'\nsettings = {{'api_key': '{secret}'}}\n",
        "analysis.ipynb": notebook,
        "fine.py": ("password = getpass.getpass()\napi_key = os.environ['API_KEY']\npassword = ''\n"
                    "password = 'changeme'\nPASSWORD = '<your password>'\nsecret_name = 'my-secret-name'\n"
                    "token = 'x'\n"),
    })
    result = audit_files(project, ["db.py", "analysis.ipynb", "fine.py"])
    line = notebook.splitlines().index(next(s for s in notebook.splitlines() if "password" in s)) + 1
    assert codes(result) == [("analysis.ipynb", line, "secret-password"), ("db.py", 2, "secret-password"),
                             ("db.py", 3, "secret-password")]
    assert all(secret not in f.message for f in result.findings)


def test_env_files(make_project):
    project = make_project({".env": "KEY=1\n", ".env.local": "KEY=1\n", ".env.example": "KEY=\n",
                            "environment.yml": "dependencies: [numpy]\n"})
    result = audit_files(project, [".env", ".env.local", ".env.example", "environment.yml"])
    assert codes(result) == [(".env", None, "secret-env-file"), (".env.local", None, "secret-env-file")]
    assert result.gitignore_patterns() == [".env", ".env.local"]


def test_junk_files(make_project):
    files = {".ipynb_checkpoints/a-checkpoint.ipynb": "{}", "pkg/__pycache__/m.cpython-311.pyc": b"\x00",
             ".DS_Store": b"\x00\x01", "sub/.DS_Store": b"\x00", "notes.md": "hello\n"}
    project = make_project(files)
    result = audit_files(project, list(files))
    assert codes(result) == [(".DS_Store", None, "junk-os-file"),
                             (".ipynb_checkpoints/a-checkpoint.ipynb", None, "junk-checkpoint"),
                             ("pkg/__pycache__/m.cpython-311.pyc", None, "junk-pycache"),
                             ("sub/.DS_Store", None, "junk-os-file")]
    assert sorted(result.gitignore_patterns()) == [".DS_Store", ".ipynb_checkpoints/", "__pycache__/"]
    assert "notes.md" not in result.blocked_paths


def sparse(path, size):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        handle.truncate(size)


def test_size_tiers(tmp_path):
    sparse(tmp_path / "small.csv", 9 * MB)
    sparse(tmp_path / "data/medium.csv", 50 * MB)
    sparse(tmp_path / "data/huge.h5", FILE_GITHUB_LIMIT + 1)
    result = audit_files(tmp_path, ["small.csv", "data/medium.csv", "data/huge.h5"])
    assert codes(result) == [(".", None, "total-size"), ("data/huge.h5", None, "file-too-large"),
                             ("data/medium.csv", None, "large-file")]
    by_code = {f.code: f for f in result.findings}
    assert by_code["file-too-large"].severity == "error" and "GitHub refuses" in by_code["file-too-large"].message
    assert by_code["large-file"].blocks_commit and "postBuild" in by_code["large-file"].fix
    assert by_code["total-size"].severity == "warning"
    assert result.total_bytes == 9 * MB + 50 * MB + FILE_GITHUB_LIMIT + 1


def test_total_over_binder_build_storage(tmp_path):
    names = [f"part{i}.bin" for i in range(25)]
    for name in names:
        sparse(tmp_path / name, 90 * MB)
    result = audit_files(tmp_path, names)
    total = [f for f in result.findings if f.code == "total-size"]
    assert total[0].severity == "error" and "2 GB" in total[0].message


def test_lfs(make_project):
    project = make_project({
        ".gitattributes": "*.h5 filter=lfs diff=lfs merge=lfs -text\n*.txt text\n",
        "model.h5": "version https://git-lfs.github.com/spec/v1\noid sha256:" + "0" * 64 + "\nsize 12345\n",
        "notes.txt": "plain\n",
    })
    result = audit_files(project, [".gitattributes", "model.h5", "notes.txt"])
    assert codes(result) == [("model.h5", None, "lfs-tracked"), ("model.h5", 1, "lfs-pointer")]
    assert not result.blocked_paths


def test_notebook_with_large_outputs(make_project):
    outputs = [{"output_type": "stream", "name": "stdout", "text": ["x" * 1000 + "\n"] * 3000}]
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": ["print(1)"], "outputs": outputs}]})
    project = make_project({"big.ipynb": notebook, "small.ipynb": json.dumps({"cells": []})})
    result = audit_files(project, ["big.ipynb", "small.ipynb"])
    assert codes(result) == [("big.ipynb", None, "notebook-large-outputs")]
    assert "Clear" in result.findings[0].fix and not result.findings[0].blocks_commit


def test_ftp_urls(make_project):
    project = make_project({
        "binder/postBuild": "#!/bin/bash\nset -e\nwget -q ftp://ftp.example.org/pub/data.nc\n",
        "fetch.py": "URL = 'ftp://ftp.example.org/x.csv'\n",
        "README.md": "Mirror: ftp://ftp.example.org\n",
    })
    result = audit_files(project, ["binder/postBuild", "fetch.py", "README.md"])
    assert codes(result) == [("binder/postBuild", 3, "ftp-url"), ("fetch.py", 1, "ftp-url")]
    assert "blocks FTP" in result.findings[0].message


def test_binary_files_are_not_scanned_for_text(make_project):
    project = make_project({"image.png": b"\x89PNG\x00\x00" + ("gh" + "p_" + rand(36)).encode()})
    assert audit_files(project, ["image.png"]).findings == []


def test_no_false_alarm_on_the_sample_project(tmp_path):
    from wizard.demo import create_demo_project

    project = create_demo_project(tmp_path)
    result = audit_project(project)
    assert result.files_checked >= 4
    assert result.findings == []


def test_committable_files_respects_gitignore_with_git(make_project):
    project = make_project({".gitignore": "*.log\ndata/\n", "a.py": "", "run.log": "", "data/x.csv": "",
                            "sub/b.py": ""})
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    assert committable_files(project) == [".gitignore", "a.py", "sub/b.py"]


def test_committable_files_respects_gitignore_without_git(make_project):
    project = make_project({".gitignore": "# c\n*.log\ndata/\n/top.txt\n", "a.py": "", "run.log": "",
                            "data/x.csv": "", "sub/top.txt": "", "top.txt": "", "sub/deep/c.log": ""})
    assert committable_files(project) == [".gitignore", "a.py", "sub/top.txt"]


def test_gitignore_text_only_adds():
    assert gitignore_text("*.log\n/.env\n", [".env", "__pycache__/", "*.log"]) == "*.log\n/.env\n__pycache__/\n"
    assert gitignore_text("a\r\nb", ["c"]) == "a\r\nb\r\nc\r\n"
    assert gitignore_text("a\n", []) == "a\n"


def test_diagnostics_for_check(make_project):
    project = make_project({".env": "X=1\n"})
    (diagnostic,) = audit_files(project, [".env"]).diagnostics()
    assert (diagnostic.file, diagnostic.code, diagnostic.severity) == (".env", "secret-env-file", "error")


def test_missing_and_unreadable_paths_are_skipped(make_project):
    project = make_project({"a.py": "x = 1\n"})
    (project / "link").symlink_to("/etc/passwd")
    result = audit_files(project, ["a.py", "gone.py", "link"])
    assert result.files_checked == 1 and result.findings == []


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(body=st.binary(max_size=800), name=st.sampled_from(["a.py", "n.ipynb", "postBuild", ".env", "x.bin"]))
def test_no_content_crashes_the_audit(tmp_path_factory, body, name):
    root = tmp_path_factory.mktemp("fuzz")
    (root / name).write_bytes(body)
    result = audit_files(root, [name])
    assert result.files_checked == 1
