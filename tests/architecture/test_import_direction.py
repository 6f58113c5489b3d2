"""The layering of the code: pipelines -> assets -> reporting -> warehouse -> expectations ->
sources, no dagster below the assets, no import cycles, no unexplained import inside a
function. Checked on the real tree, and on planted defects so the check is known to bite."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.builders.imports import check

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_keeps_its_layers():
    problems = check(ROOT)
    assert not problems, "\n".join(map(str, problems))


def _tree(root: Path, files: dict[str, str]) -> Path:
    for package in ("pipelines", "assets", "reporting", "warehouse", "sources", "expectations"):
        (root / package).mkdir(parents=True, exist_ok=True)
        (root / package / "__init__.py").write_text("")
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_a_clean_planted_tree_passes(tmp_path):
    root = _tree(tmp_path, {
        "pipelines/cli.py": "import dagster\nfrom assets import common\n",
        "assets/common.py": "from reporting import tables\nfrom warehouse import db\n",
        "reporting/tables.py": "from warehouse import db\n",
        "warehouse/db.py": "from sources import files\nfrom expectations import core\n",
        "sources/files.py": "import hashlib\n",
        "expectations/core.py": "import duckdb\n",
    })
    assert check(root) == []


@pytest.mark.parametrize(("files", "words"), [
    ({"warehouse/db.py": "from reporting import tables\n", "reporting/tables.py": ""},
     "warehouse/ may not import reporting/"),
    ({"sources/files.py": "from warehouse.db import connect\n", "warehouse/db.py": ""},
     "sources/ may not import warehouse/"),
    ({"assets/common.py": "import pipelines.settings\n", "pipelines/settings.py": ""},
     "assets/ may not import pipelines/"),
    ({"sources/files.py": "from expectations import core\n", "expectations/core.py": ""},
     "sources/ may not import expectations/"),
    ({"expectations/core.py": "from warehouse import db\n", "warehouse/db.py": ""},
     "expectations/ may not import warehouse/"),
    ({"reporting/charts.py": "import dagster as dg\n"}, "only pipelines/ and assets/ may"),
    ({"warehouse/a.py": "from warehouse import b\n", "warehouse/b.py": "import warehouse.a\n"},
     "import cycle: warehouse.a -> warehouse.b -> warehouse.a"),
    ({"reporting/page.py": "def f():\n    from warehouse import db\n    return db\n",
      "warehouse/db.py": ""}, "inside a function with no comment saying why"),
])
def test_a_planted_defect_is_reported(tmp_path, files, words):
    problems = check(_tree(tmp_path, files))
    assert any(words in str(p) for p in problems), problems


def test_a_function_import_with_a_reason_is_allowed(tmp_path):
    root = _tree(tmp_path, {
        "reporting/page.py": "def f():\n    # imported late: matplotlib is slow to import\n"
                             "    from warehouse import db\n    return db\n",
        "warehouse/db.py": ""})
    assert check(root) == []
