"""indicator_values: every catalogue indicator for every area and period, with intervals,
comparators, rank and direction of travel."""


from pathlib import Path

import dagster as dg

from assets.common import code_references, column_schema
from assets.resources import CarersResource
from warehouse import catalogue as catalogue_module
from warehouse import db
from warehouse import indicators as indicators_module
from warehouse.indicators import write_tables

ROTHERHAM = "E08000018"

# The catalogue is our own code (a YAML file beside the SQL); reading it here gives the
# indicator assets their upstream dependencies.
_CATALOGUE = catalogue_module.load()

# What each column of indicator_values means (the catalogue defines each indicator; these are
# the columns every indicator fills, in warehouse/indicators.py's VALUE_COLUMNS order).
MEANINGS = {
    "indicator_id": "the catalogue's id of the indicator (" + ", ".join(
        sorted(i.id for i in _CATALOGUE.indicators)[:3]) + ", ...)",
    "indicator_title": "the catalogue's title",
    "is_sum_of_districts": "the area's value is the sum of its districts, not published",
    "period_type": "census day, financial year, academic year, month or quarter",
    "period_label": "the period as people write it (2025/26)",
    "breakdown": "the breakdown of the population ('all' = none)",
    "numerator": "the catalogue's numerator", "denominator": "the catalogue's denominator",
    "value": "the indicator value in its unit", "lower_ci": "lower 95% confidence limit",
    "upper_ci": "upper 95% confidence limit", "unit": "the catalogue's unit",
    "value_type": "proportion, rate, count, mean, median, percentile or score",
    "polarity": "higher_is_better, lower_is_better or no_judgement",
    "england_value": "England's value for the same period",
    "england_comparison": "better/worse/similar (or higher/lower) than England, 95% limits",
    "region_code": "the area's region", "region_value": "the region's value",
    "region_comparison": "compared with the region, as for England",
    "rank": "rank among districts (1 = highest)", "rank_of": "districts ranked",
    "previous_period_id": "the previous period with a value",
    "previous_value": "the value in that period", "change": "value minus previous value",
    "direction": "direction of travel where the change is significant",
    "symbol": "Analysis Function symbols ([c], [x], [z], [b], [p], ...)",
    "note": "caveat shown with the value", "source": "the catalogue's source text",
    "council_median": "median of all councils", "mads_from_median":
    "distance from the median in median absolute deviations",
    "council_rank": "rank among councils (1 = highest)", "council_rank_of": "councils ranked",
    "source_file": "the input file", "source_sha256": "sha256 of the input file",
    "source_rows": "the rows of the input file the value was computed from",
}
_CODE = code_references(
    (Path(__file__).resolve(), 1), (Path(indicators_module.__file__).resolve(), 1),
    (Path(catalogue_module.__file__).resolve().with_name("catalogue.yaml"), 1),
    *[(db.SQL_DIR / name, 1) for name in _CATALOGUE.sql_files])


@dg.multi_asset(
    group_name="indicators",
    specs=[
        dg.AssetSpec("indicator_values", kinds={"duckdb", "sql", "python"},
                     metadata={"dagster/table_name": "marts.indicator_values",
                               "dagster/code_references": _CODE},
                     deps=sorted({*_CATALOGUE.inputs, "dim_area", "dim_period"}),
                     description="One row per indicator, area, period and breakdown: value, "
                                 "95% interval, England and regional comparators, rank, trend."),
        dg.AssetSpec("indicator_lineage", kinds={"duckdb", "sql", "python"},
                     metadata={"dagster/table_name": "marts.indicator_lineage",
                               "dagster/code_references": _CODE},
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
        # Written in DuckDB: the lineage's row ranges never come to Python (at national
        # scale they are hundreds of MiB of text).
        values, lineage_rows, missing = write_tables(
            con, catalogue, "marts.indicator_values", "marts.indicator_lineage",
            memory=carers.duckdb_memory)
        yield dg.MaterializeResult(asset_key="indicator_values", metadata={
            "dagster/row_count": len(values),
            "dagster/column_schema": column_schema(con, "marts.indicator_values", MEANINGS),
            "indicators": len(set(values["indicator_id"])),
            "preview": dg.MetadataValue.md(db.preview_markdown(
                con, "marts.indicator_values", 10, where="area_code = ?",
                params=[ROTHERHAM])),
        })
        yield dg.MaterializeResult(asset_key="indicator_lineage",
                                   metadata={"dagster/row_count": lineage_rows,
                                             "dagster/column_schema": column_schema(
                                                 con, "marts.indicator_lineage", MEANINGS)})
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
