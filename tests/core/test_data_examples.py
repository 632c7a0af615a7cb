"""Issue 17: wherever the app explains an environment file it links a public example repository (binder-examples
on GitHub, as the seed's sample repositories page does)."""

from __future__ import annotations

from wizard.core.environment import catalog
from wizard.core.environment.detection import detect
from wizard.core.environment.envfiles import file_info


def test_the_seeds_examples_are_linked():
    examples = {name: entry.example for name, entry in catalog.CATALOG.items()}
    assert examples["requirements.txt"] == "https://github.com/binder-examples/requirements"
    assert examples["environment.yml"] == "https://github.com/binder-examples/conda"
    assert examples["install.R"] == "https://github.com/binder-examples/r"
    assert examples["Project.toml"] == "https://github.com/binder-examples/julia-python"
    assert examples["apt.txt"] == "https://github.com/binder-examples/apt_install"
    assert examples["postBuild"] == "https://github.com/binder-examples/getting-data"  # data downloaded at build
    assert examples["Dockerfile"] == "https://github.com/binder-examples/minimal-dockerfile"
    assert set(catalog.EXAMPLES) <= set(catalog.CATALOG)  # no example for a file the catalog does not know
    assert all(url.startswith("https://github.com/binder-examples/") for url in catalog.EXAMPLES.values())


def test_the_explanation_of_a_file_carries_its_example(tmp_path):
    detection = detect(tmp_path)
    assert file_info("apt.txt", detection).example == "https://github.com/binder-examples/apt_install"
    assert file_info("pyproject.toml", detection).example is None  # none that fits: nothing invented
