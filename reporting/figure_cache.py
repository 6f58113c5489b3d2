"""Charts drawn once per distinct input: a PNG is kept under a key made from the data it
draws, the code that draws it and the matplotlib version, and reused while all three are
unchanged. matplotlib writes the same bytes for the same figure (no dates in its PNGs), so a
reused file is byte-identical to a fresh drawing; the cache only saves the drawing time
(about 2 s a refresh for the facts charts and the small-area dot plot).

The cache lives beside the warehouse (`<warehouse folder>/cache/charts`), or under the folder
`CARERS_CACHE` names; publishing passes it in. With no cache folder every chart is drawn."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

KEEP_PER_CHART = 4  # entries kept per chart name (the newest); older ones are removed


def digest(*parts: Any) -> str:
    """sha256 over frames (columns, dtypes, every value), strings and numbers."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            h.update(repr((list(part.columns), [str(t) for t in part.dtypes])).encode())
            h.update(part.to_csv(index=False, lineterminator="\n").encode())
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


def code_digest(*functions: Callable) -> str:
    """The source text of the modules that hold `functions`, and matplotlib's version."""
    from importlib.metadata import version  # not `import matplotlib`: 0.3 s when unused

    h = hashlib.sha256(version("matplotlib").encode())
    for module in sorted({inspect.getfile(f) for f in functions}):
        h.update(Path(module).read_bytes())
    return h.hexdigest()


def cached_chart(folder: Path | None, name: str, key: str,
                 draw: Callable[[], tuple[bytes, dict] | None]) -> tuple[bytes, dict] | None:
    """(png bytes, facts about the chart) for `key`: from the cache, else `draw()` and keep it.
    `draw` returns None when the data supports no chart; that is remembered too."""
    if folder is None:
        return draw()
    entry = folder / f"{name}-{key[:32]}"
    meta_path, png_path = entry.with_suffix(".json"), entry.with_suffix(".png")
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("none"):
                return None
            return png_path.read_bytes(), meta["chart"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged entry: draw again
    result = draw()
    folder.mkdir(parents=True, exist_ok=True)
    if result is not None:
        _write(png_path, result[0])
    _write(meta_path, json.dumps({"none": True} if result is None else {"chart": result[1]},
                                 default=str).encode())
    _prune(folder, name)
    return result


def _write(path: Path, content: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(content)
    os.replace(partial, path)


def _prune(folder: Path, name: str) -> None:
    entries = sorted(folder.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[KEEP_PER_CHART:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".png").unlink(missing_ok=True)
