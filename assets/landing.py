"""The landing folder: what is in it, and whether the pipeline recognises every file."""

import dagster as dg

from assets.resources import CarersResource
from sources.errors import Problem, SourceError
from sources.registry import inventory
from sources.returns.contract import RETURNS
from warehouse import db
from warehouse.returns import record_landing


@dg.asset(group_name="returns", kinds={"duckdb"},
          metadata={"dagster/table_name": "audit.landing_files"})
def audit_landing_files(carers: CarersResource) -> dg.MaterializeResult:
    """Every file in the landing folder, its sha256 and what it is; unrecognised files fail."""
    files = inventory(carers.landing_dir)
    unknown = [f for f in files if f.kind is None]
    if unknown:
        raise SourceError([Problem(
            str(f.path), None, None, None,
            "no reader recognises this file: its header is not that of a return in RETURNS.md "
            "and its name is not that of a national table",
            "Move it out of the landing folder, or send it in a template's format "
            f"(`carers template NAME`, NAME one of {', '.join(RETURNS)}).") for f in unknown])
    with carers.connect() as con:
        record_landing(con, files)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": len(files),
            "landing_folder": dg.MetadataValue.path(str(carers.landing_dir)),
            "files": dg.MetadataValue.md(db.preview_markdown(con, "audit.landing_files", 200)),
        })
