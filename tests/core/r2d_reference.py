"""Test-only reference: what repo2docker 2026.4.0 itself decides for a folder (rules doc, section 19).

Runs repo2docker's own build packs in-process: detect() in order, then render() for the picked pack, with the
two network lookups replaced by offline stand-ins. mybinder.org's configuration (`default_buildpack=None`).
Errors are (stage, exception type, str(exception)) exactly as repo2docker raises them.
"""

from __future__ import annotations

import ast
import inspect
import logging
import re

SHORT_ID = {
    "DockerBuildPack": "docker",
    "JuliaProjectTomlBuildPack": "julia",
    "JuliaRequireBuildPack": "julia-require",
    "NixBuildPack": "nix",
    "RBuildPack": "r",
    "CondaBuildPack": "conda",
    "PipfileBuildPack": "pipfile",
    "PythonBuildPack": "python",
    "LegacyBinderDockerBuildPack": "legacy",
}

_online = {}


def _snapshot_url(self, snapshot_date, max_days_prior=7):
    return "https://packagemanager.posit.co/all/__linux__/${VERSION_CODENAME}/" + snapshot_date.strftime("%Y-%m-%d")


def go_offline(julia_releases) -> None:
    from repo2docker.buildpacks import JuliaProjectTomlBuildPack, RBuildPack

    RBuildPack.get_rspm_snapshot_url = _snapshot_url
    JuliaProjectTomlBuildPack.all_julias = property(lambda self: list(julia_releases))
    logging.getLogger("repo2docker").setLevel(logging.CRITICAL)
    logging.getLogger("repo2docker").propagate = False


_APP = None
_NO_ENVIRONMENT = None


def no_environment_error() -> tuple[str, str, str]:
    """What Repo2Docker.build does when no pack matches and there is no default pack: it logs an error and
    calls self.exit(1), i.e. sys.exit -> SystemExit. The words are read from repo2docker's own source."""
    global _NO_ENVIRONMENT
    if _NO_ENVIRONMENT is None:
        from repo2docker.app import Repo2Docker

        source = inspect.getsource(Repo2Docker.build)
        found = re.search(r'self\.log\.error\(\s*("No environment specification found[^"]*")\s*\)\s*'
                          r'self\.exit\(1\)', source)
        assert found, "repo2docker's no-environment branch changed: update the reference"
        _NO_ENVIRONMENT = ("detect", "SystemExit", ast.literal_eval(found.group(1)))
    return _NO_ENVIRONMENT


def _app():
    global _APP
    if _APP is None:
        from repo2docker.app import Repo2Docker

        _APP = Repo2Docker()
    return _APP


def r2d_verdict(folder, julia_releases, render: bool = True) -> dict:
    """{pack, binder_dir, python, r, julia, error: (stage, type, message) | None}."""
    from repo2docker.utils import chdir

    go_offline(julia_releases)
    app = _app()
    out = {"pack": None, "binder_dir": None, "python": None, "r": None, "julia": None, "error": None}
    stage = "detect"
    with chdir(str(folder)):
        try:
            picked = None
            for BP in app.buildpacks:
                bp = BP(base_image=app.base_image)
                if bp.detect():
                    picked = bp
                    break
            if picked is None:  # mybinder.org: default_buildpack=None
                out["error"] = no_environment_error()
                return out
            out["pack"] = SHORT_ID[type(picked).__name__]
            out["binder_dir"] = picked.binder_dir if hasattr(picked, "binder_dir") else None
            if render:
                stage = "render"
                picked.platform = "linux/amd64"
                picked.render({"NB_USER": "jovyan", "NB_UID": "1000"})
                out["python"] = getattr(picked, "python_version", None)
                r = getattr(picked, "r_version", None)
                out["r"] = r or None
                if out["pack"] == "julia":
                    out["julia"] = picked.julia_version
            if out["pack"] == "julia-require":
                stage = "build"
                picked.build(None, None, None, None, None, None)
        except Exception as exc:  # repo2docker's own verdict
            out["error"] = (stage, type(exc).__name__, str(exc))
    return out
