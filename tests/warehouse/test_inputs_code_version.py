"""What counts as the project's code in a refresh's record (warehouse/inputs.py): the files
that make the pipeline, never what a run writes under the project folder."""

from __future__ import annotations

import shutil
import uuid

from warehouse import inputs

ROOT = inputs.PROJECT_ROOT


def test_what_runs_write_under_the_warehouse_folder_is_not_code():
    # Data Docs (HTML), cached charts and run folders are rewritten by every run: counted as
    # code, every refresh looked like new code and repeated the edition it had just made.
    before = inputs.code_version()
    made = []
    try:
        for folder in ("gx", "cache", "run", "publish"):
            path = ROOT / "warehouse" / folder / f"test-{uuid.uuid4().hex}"
            path.mkdir(parents=True)
            made.append(path)
            (path / "index.html").write_text("<p>validation results</p>")
            (path / "notes.yaml").write_text("a: 1\n")
        assert inputs.code_version() == before
    finally:
        for path in made:
            shutil.rmtree(path)


def test_a_change_to_the_code_is_a_new_version(tmp_path):
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "x.sql").write_text("select 1")
    first = inputs.code_version(root=tmp_path)
    (tmp_path / "warehouse" / "x.sql").write_text("select 2")
    assert inputs.code_version(root=tmp_path) != first
