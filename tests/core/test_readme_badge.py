"""Writing the badge into real-world README shapes: insert under the title, replace stale badges in place."""

from __future__ import annotations

import pytest

from wizard.core.launch.readme_badge import find_readme, plan_badge, put_badge, write_edit

MD = "[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/me/demo/HEAD)"
RST = ".. image:: https://mybinder.org/badge_logo.svg\n :target: https://mybinder.org/v2/gh/me/demo/HEAD"
HTML = '<a href="https://mybinder.org/v2/gh/me/demo/HEAD"><img src="https://mybinder.org/badge_logo.svg" alt="Binder"></a>'


def put(text, kind="markdown"):
    new, action = put_badge(text, RST if kind == "rst" else MD, kind, HTML)
    again, second = put_badge(new, RST if kind == "rst" else MD, kind, HTML)
    assert again == new and second == "unchanged", "writing the badge twice must change nothing"
    return new, action


def test_title_only():
    new, action = put("# My analysis\n")
    assert action == "inserted"
    assert new == f"# My analysis\n\n{MD}\n"


def test_title_then_text():
    new, _ = put("# My analysis\nSome words.\n")
    assert new == f"# My analysis\n\n{MD}\n\nSome words.\n"


def test_setext_title_and_front_matter():
    new, _ = put("---\nlayout: page\n---\nMy analysis\n===========\n\nText\n")
    assert new == f"---\nlayout: page\n---\nMy analysis\n===========\n\n{MD}\n\nText\n"


def test_no_title_puts_it_first():
    new, _ = put("Just text, no heading.\n")
    assert new == f"{MD}\n\nJust text, no heading.\n"


def test_empty_readme():
    new, _ = put("")
    assert new == MD + "\n"


def test_existing_badges_row_gets_ours_at_its_end():
    text = ("# Project\n\n[![CI](https://ci.example/badge.svg)](https://ci.example)\n"
            "[![PyPI](https://img.shields.io/pypi/v/x.svg)](https://pypi.org/project/x)\n\nIntro.\n")
    new, action = put(text)
    assert action == "inserted"
    assert new == ("# Project\n\n[![CI](https://ci.example/badge.svg)](https://ci.example)\n"
                   "[![PyPI](https://img.shields.io/pypi/v/x.svg)](https://pypi.org/project/x)\n"
                   f"{MD}\n\nIntro.\n")


@pytest.mark.parametrize("stale, opens", [
    ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/me/demo/master)", ""),
    ("[![Binder](https://mybinder.org/badge.svg)](https://mybinder.org/v2/gh/me/demo/master?filepath=index.ipynb)",
     "?urlpath=%2Ftree%2Findex.ipynb"),  # the stale badge's target is kept (issue 13)
    ("[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/me/demo/main?labpath=index.ipynb)",
     "?urlpath=%2Fdoc%2Ftree%2Findex.ipynb"),
    ("[![launch](https://img.shields.io/badge/launch-binder-579aca.svg)](https://mybinder.org/repo/me/demo)", ""),
    ("[![Binder](https://hub.example.org/badge_logo.svg)](https://hub.example.org/v2/gh/me/demo/HEAD)", ""),
])
def test_stale_badge_is_replaced_in_place(stale, opens):
    text = f"# Project\n\n[![CI](https://ci.example/b.svg)](https://ci.example) {stale} [![DOI](https://z/x.svg)](https://z)\n\nBody\n"
    new, action = put(text)
    assert action == "replaced"
    badge = MD.replace("/HEAD)", f"/HEAD{opens})")
    assert new == f"# Project\n\n[![CI](https://ci.example/b.svg)](https://ci.example) {badge} [![DOI](https://z/x.svg)](https://z)\n\nBody\n"


def test_a_kept_target_is_said_and_a_missing_file_warned(make_project):
    from wizard.core.launch.readme_badge import plan_badge

    old = "[![Binder](https://mybinder.org/badge.svg)](https://mybinder.org/v2/gh/me/demo/master?filepath=index.ipynb)"
    project = make_project({"README.md": f"# P\n\n{old}\n", "index.ipynb": "{}"})
    edit = plan_badge(project, MD, RST, HTML)
    assert "https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=%2Ftree%2Findex.ipynb" in edit.new
    assert edit.notes == ("The old badge opened filepath=index.ipynb; the new one opens the same, written as "
                          "urlpath=/tree/index.ipynb.",)
    (project / "index.ipynb").unlink()
    assert "index.ipynb is not in the project any more" in plan_badge(project, MD, RST, HTML).notes[1]
    chosen = MD.replace("/HEAD)", "/HEAD?urlpath=lab)")  # what the user chose wins, and nothing is said
    edit = plan_badge(project, chosen, RST, HTML)
    assert chosen in edit.new and edit.notes == ()


def test_html_badge_replaced_by_html():
    text = '# P\n\n<a href="https://mybinder.org/v2/gh/me/demo/master?filepath=a.ipynb"><img src="https://mybinder.org/badge.svg"></a>\n'
    new, action = put(text)
    kept = HTML.replace('/HEAD"', '/HEAD?urlpath=%2Ftree%2Fa.ipynb"')  # the old badge's file, kept
    assert action == "replaced" and new == f"# P\n\n{kept}\n"


def test_crlf_line_endings_are_kept():
    new, _ = put("# Title\r\nText\r\n")
    assert new == f"# Title\r\n\r\n{MD}\r\n\r\nText\r\n"


def test_headings_inside_code_fences_are_not_titles():
    new, _ = put("```\n# not a title\n```\n\n# Real\n")
    assert new.endswith(f"# Real\n\n{MD}\n")


# --- reStructuredText ---------------------------------------------------------------------------


def test_rst_title_insert():
    new, action = put("My project\n==========\n\nIntro.\n", "rst")
    assert action == "inserted"
    assert new == f"My project\n==========\n\n{RST}\n\nIntro.\n"


def test_rst_overline_title():
    new, _ = put("==========\nMy project\n==========\nIntro.\n", "rst")
    assert new == f"==========\nMy project\n==========\n\n{RST}\n\nIntro.\n"


def test_rst_stale_badge_replaced_keeping_its_indent_and_options():
    text = ("Project\n=======\n\n.. image:: https://mybinder.org/badge.svg\n   :alt: Binder\n"
            "   :target: https://mybinder.org/v2/gh/me/demo/master?filepath=index.ipynb\n\nText\n")
    new, action = put(text, "rst")
    assert action == "replaced"
    assert new == ("Project\n=======\n\n.. image:: https://mybinder.org/badge_logo.svg\n   :alt: Binder\n"
                   "   :target: https://mybinder.org/v2/gh/me/demo/HEAD?urlpath=%2Ftree%2Findex.ipynb\n\nText\n")


def test_rst_substitution_badge_replaced():
    text = "Project\n=======\n\n|binder|\n\n.. |binder| image:: https://mybinder.org/badge.svg\n   :target: https://mybinder.org/v2/gh/me/demo/master\n"
    new, action = put(text, "rst")
    assert action == "replaced"
    assert new.endswith(".. |binder| image:: https://mybinder.org/badge_logo.svg\n   :target: https://mybinder.org/v2/gh/me/demo/HEAD\n")


def test_rst_other_badges_kept_and_ours_added_after_them():
    text = "Project\n=======\n\n.. image:: https://ci.example/b.svg\n   :target: https://ci.example\n\nText\n"
    new, action = put(text, "rst")
    assert action == "inserted"
    assert new == f"Project\n=======\n\n.. image:: https://ci.example/b.svg\n   :target: https://ci.example\n{RST}\n\nText\n"


# --- files ----------------------------------------------------------------------------------------


def test_plan_and_write_readme_files(make_project):
    project = make_project({"README.rst": "Demo\n====\n"})
    assert find_readme(project).name == "README.rst"
    edit = plan_badge(project, MD, RST, HTML)
    assert edit.changed and edit.action == "inserted"
    assert "+.. image:: https://mybinder.org/badge_logo.svg" in edit.diff()
    assert (project / "README.rst").read_text() == "Demo\n====\n", "planning writes nothing"
    write_edit(edit)
    assert not plan_badge(project, MD, RST, HTML).changed


def test_missing_readme_is_created(make_project):
    project = make_project({"a.py": ""})
    edit = plan_badge(project, MD, RST)
    assert edit.action == "created" and edit.path.name == "README.md" and MD in edit.new


def test_binary_readme_is_refused(make_project):
    project = make_project({"README.md": b"\x00\x01binary"})
    with pytest.raises(ValueError):
        plan_badge(project, MD, RST)
