"""R projects (issue 13): the packages R code loads against install.R/DESCRIPTION, and the R start's files."""

from __future__ import annotations

import datetime

from wizard.core.common.diagnostics import Diagnostic
from wizard.core.environment.catalog import r_runtime_line, render_template
from wizard.core.environment.deps import r_start_files, r_undeclared_diagnostics
from wizard.core.environment.deps.r_code import description_packages, install_r_packages
from wizard.core.environment.install.fixes import fixes_for

R_CODE = {"analysis.R": 'library(dplyr)\nrequire("ggplot2")\nx <- readr::read_csv("a.csv")\nlibrary(stats)\n'}


def test_install_r_packages_reads_every_way_of_installing():
    text = ('install.packages(c("dplyr", \'ggplot2\'), repos = "https://cloud.r-project.org")\n'
            'remotes::install_github("tidyverse/readr@v2.0")  # the development version\n'
            'BiocManager::install("limma")\n'
            'devtools::install_version("xgboost", version = "1.7")\n')
    assert install_r_packages(text) == {"dplyr": 1, "ggplot2": 1, "readr": 2, "limma": 3, "xgboost": 4}


def test_description_packages_reads_the_dependency_fields():
    text = "Package: x\nDepends: R (>= 4.0)\nImports:\n    dplyr (>= 1.0),\n    ggplot2\nSuggests: testthat\n"
    assert description_packages(text) == {"dplyr": 4, "ggplot2": 5, "testthat": 6}


def test_each_loaded_package_missing_from_install_r_is_a_warning_at_its_first_use(make_project):
    project = make_project({**R_CODE, "install.R": 'install.packages("dplyr")\n'})
    found = r_undeclared_diagnostics(project)
    assert [(d.file, d.line, d.severity, d.code) for d in found] == [
        ("analysis.R", 2, "warning", "r-package-not-declared"), ("analysis.R", 3, "warning", "r-package-not-declared")]
    assert "ggplot2 is loaded (analysis.R line 2) but ggplot2 is not in install.R" in found[0].message
    assert found[0].fix == 'Add install.packages("ggplot2") to install.R.'


def test_description_counts_as_declaring_and_a_python_project_gets_nothing(make_project):
    project = make_project({**R_CODE, "DESCRIPTION": "Package: x\nImports: dplyr, ggplot2, readr\n"})
    assert r_undeclared_diagnostics(project) == []
    assert r_undeclared_diagnostics(make_project({"a.py": "import numpy\n"}, name="py")) == []


def test_the_r_start_writes_a_runtime_dated_from_today_and_install_r_from_the_code(make_project):
    project = make_project(R_CODE)
    files = r_start_files(project, today=datetime.date(2026, 3, 10))
    assert files == {"runtime.txt": "r-4.5-2026-03-08\n",
                     "install.R": "# Binder runs this with Rscript; the date in runtime.txt picks the CRAN snapshot "
                                  "(the versions).\ninstall.packages(c(\"dplyr\", \"ggplot2\", \"readr\"))\n"}
    project_with_install = make_project({**R_CODE, "binder/install.R": "install.packages('dplyr')\n"}, name="b")
    assert list(r_start_files(project_with_install)) == ["binder/runtime.txt"]  # install.R is the user's


def test_the_runtime_template_date_is_never_a_fixed_one():
    today = datetime.date.today()
    assert render_template("runtime.txt", variant="r") == f"r-4.5-{today - datetime.timedelta(days=2)}\n"
    assert r_runtime_line(datetime.date(2030, 1, 1)) == "r-4.5-2029-12-30\n"


def test_an_ignored_install_r_has_a_one_key_fix_writing_a_dated_runtime():
    ignored = Diagnostic("binder/install.R", None, None, "warning", "file-ignored",
                         "install.R is not used: install.R needs a dated runtime.txt (r-X.Y-YYYY-MM-DD) or a "
                         "DESCRIPTION file.", None)
    [fix] = fixes_for(ignored)
    assert fix.relpath == "binder/runtime.txt" and fix.apply("python-3.12\n") == r_runtime_line()
