"""Parsed national tables kept by the sha256 of the file they came from.

A shipped or landed national file (the NHS Digital ASCOF workbook, census tables, lookups) is
static: the same bytes give the same parsed table. `cached_read` parses a file once, keeps the
table as Parquet in the cache folder (`cache/` beside the warehouse, or `CARERS_CACHE`), and
on later refreshes reads that instead. The key is the file's sha256 and name, the reader (its
module's source text, so a changed reader parses again) and the pandas and pyarrow versions.
A file that fails to parse is never cached: the next refresh reads it again and reports the
same problems."""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sources.files import SourceFile

CACHE_VERSION = "1"


def _reader_fingerprint(reader: Callable) -> str:
    module = inspect.getmodule(reader)
    source = Path(inspect.getfile(module)).read_bytes() if module else b""
    return f"{reader.__module__}.{reader.__qualname__}:{hashlib.sha256(source).hexdigest()}"


def cache_key(reader: Callable, source: SourceFile) -> str:
    parts = (CACHE_VERSION, source.sha256, source.name, source.kind, _reader_fingerprint(reader),
             pd.__version__, pa.__version__)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_read(reader: Callable[[SourceFile], pd.DataFrame], source: SourceFile,
                cache_dir: Path | None) -> pd.DataFrame | pa.Table:
    """reader(source), or the table it gave last time for the same file bytes and reader
    (as an Arrow table read straight from Parquet: no pandas on the usual refresh)."""
    if cache_dir is None:
        return reader(source)
    path = cache_dir / f"{source.kind}-{cache_key(reader, source)[:32]}.parquet"
    if path.is_file():
        try:
            return pq.read_table(path)
        except Exception:  # an unreadable cache entry is parsed again and rewritten
            path.unlink(missing_ok=True)
    frame = reader(source)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob(f"{source.kind}-*.parquet"):  # one entry per kind of file
        old.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), partial)
    os.replace(partial, path)  # never a half-written entry under the final name
    return frame
