"""The landing folder: what is in it, and whether the pipeline recognises every file."""

import dagster as dg

from assets.resources import CarersResource
from sources.registry import inventory
from warehouse import db
from warehouse.returns import record_landing, record_rejected, rejected_files, start_run


@dg.asset(group_name="returns", kinds={"duckdb"},
          metadata={"dagster/table_name": "audit.landing_files"})
def audit_landing_files(carers: CarersResource) -> dg.MaterializeResult:
    """Every file in the landing folder, its sha256 and what it is; a file no reader
    recognises is recorded as rejected with why, and the other files still load."""
    files = inventory(carers.landing_dir)
    with carers.connect() as con:
        start_run(con)
        record_landing(con, files)  # refused files too: listed, and part of what was read
        for f in files:
            if f.problem is not None:
                record_rejected(con, f.kind, f.path.name, f.sha256, f.problem)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": len(files),
            "landing_folder": dg.MetadataValue.path(str(carers.landing_dir)),
            "files": dg.MetadataValue.md(db.preview_markdown(con, "audit.landing_files", 200)),
            "rejected_files": dg.MetadataValue.json(rejected_files(con)),
        })
