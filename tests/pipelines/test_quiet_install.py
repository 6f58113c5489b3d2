"""`uv run` prints no install notice once the project is installed (issue 23): with
`[tool.uv] compile-bytecode = true` every `uv run` re-compiled all of site-packages and said
"Bytecode compiled 8528 files" (uv issue 12202). Bytecode is compiled once at install
(`uv sync --compile-bytecode`, as .ci/run does) and kept."""

from __future__ import annotations

import shutil
import subprocess
import tomllib

from assets.resources import PROJECT_ROOT

DEADLINE_S = 300  # only a guard against hanging; nothing asserts a duration


def test_uv_run_says_nothing_about_bytecode():
    uv = shutil.which("uv")
    assert uv, "uv is installed by .ci/run"
    for _ in range(2):  # the second run is the one every analyst sees every day
        done = subprocess.run([uv, "run", "--frozen", "python", "-c", "print('ok')"],
                              cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=DEADLINE_S)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "ok\n"
    assert "Bytecode compiled" not in done.stderr
    assert done.stderr == "", done.stderr


def test_bytecode_compiled_once_at_install_not_per_run():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    assert not config.get("tool", {}).get("uv", {}).get("compile-bytecode")
    assert "uv sync --frozen --compile-bytecode" in (PROJECT_ROOT / ".ci" / "run").read_text()
