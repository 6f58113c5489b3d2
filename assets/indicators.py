"""indicator_values: every catalogue indicator for every area and period, with intervals,
comparators, rank and direction of travel."""


import dagster as dg

from assets.resources import CarersResource
from warehouse import catalogue as catalogue_module
from warehouse import db
from warehouse.indicators import compute

ROTHERHAM = "E08000018"

# The catalogue is our own code (a YAML file beside the SQL); reading it here gives the
# indicator assets their upstream dependencies.
_CATALOGUE = catalogue_module.load()


@dg.multi_asset(
    group_name="indicators",
    specs=[
        dg.AssetSpec("indicator_values", kinds={"duckdb"},
                     deps=sorted({*_CATALOGUE.inputs, "dim_area", "dim_period"}),
                     description="One row per indicator, area, period and breakdown: value, "
                                 "95% interval, England and regional comparators, rank, trend."),
        dg.AssetSpec("indicator_lineage", kinds={"duckdb"},
                     description="For every indicator value, the source files, their sha256 "
                                 "and the rows it was computed from."),
    ],
    check_specs=[dg.AssetCheckSpec("every_indicator_has_data", asset="indicator_values",
                                   description="Every catalogue indicator has at least one "
                                               "value (a warning: returns may not be in yet).")],
)
def indicator_values(carers: CarersResource):
    catalogue = carers.catalogue()
    with carers.connect() as con:
        values, lineage, missing = compute(con, catalogue)
        db.replace_table(con, "marts.indicator_values", values)
        db.replace_table(con, "marts.indicator_lineage", lineage)
        yield dg.MaterializeResult(asset_key="indicator_values", metadata={
            "dagster/row_count": len(values),
            "indicators": len(set(values["indicator_id"])),
            "preview": dg.MetadataValue.md(db.preview_markdown(
                con, "marts.indicator_values", 10, where="area_code = ?",
                params=[ROTHERHAM])),
        })
        yield dg.MaterializeResult(asset_key="indicator_lineage",
                                   metadata={"dagster/row_count": len(lineage)})
    yield dg.AssetCheckResult(
        asset_key="indicator_values", check_name="every_indicator_has_data",
        passed=not missing, severity=dg.AssetCheckSeverity.WARN,
        description=(f"{len(missing)} catalogue indicator(s) have no data: "
                     f"{', '.join(missing)}. Land their returns, or check their SQL."
                     if missing else "Every catalogue indicator has data."),
        metadata={"indicators_without_data": dg.MetadataValue.json(missing),
                  # shown by `carers refresh` under the failed check
                  **({"failed_expectations": dg.MetadataValue.text(
                      "no data for: " + ", ".join(missing))} if missing else {})})
