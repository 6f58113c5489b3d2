"""`carers refresh` end to end on the shipped example events and membership returns: the
strategy's published figures come out, each traced to its rows; the same return dropped twice
doesn't double a count; a messy return's bad rows are quarantined and reported."""

from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from pipelines.cli import main
from sources.files import EXAMPLES_DIR
from tests.builders.env import isolated_env
from tests.builders.returns import messy_events

pytestmark = pytest.mark.slow
ROTHERHAM = "E08000018"
EVENTS = "council_events_2022-2025.csv"


def _value(values: pd.DataFrame, ind: str, period: str, breakdown: str = "all") -> float:
    row = values[(values.indicator_id == ind) & (values.area_code == ROTHERHAM)
                 & (values.period_id == period) & (values.breakdown == breakdown)]
    assert len(row) == 1, (ind, period, breakdown)
    return row.iloc[0].value


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    """The shipped examples, plus the events return sent a second time under another name and
    a messy return from another organiser."""
    root = tmp_path_factory.mktemp("events_refresh")
    landing = root / "landing"
    shutil.copytree(EXAMPLES_DIR, landing)
    shutil.copy(landing / EVENTS, landing / "council_events_2022-2025 (copy).csv")
    messy_events(landing / "crossroads_events_2025.xlsx")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        paths = isolated_env(root, mp, landing=landing)
        assert main(["refresh"]) == 0
        yield paths


@pytest.fixture(scope="module")
def values(landing):
    return pd.read_csv(landing["publish"] / "latest" / "indicator_values.csv")


def test_published_figures_of_the_strategy_come_out(values):
    # "Over the three years, 21 events were co-produced for Carers Week and three for Carers
    # Rights Day" (2022/23 to 2024/25).
    assert _value(values, "carers_week_events", "FY2024", "coproduced_since_2022-23") == 21
    assert sum(_value(values, "carers_week_events", f"FY{y}", "coproduced")
               for y in (2022, 2023, 2024)) == 21
    assert _value(values, "carers_rights_day_events", "FY2024", "coproduced_since_2022-23") == 3
    # "30 members now regularly attend the monthly meetings."
    assert _value(values, "network_meeting_attendance_mean", "FY2024") == 30
    assert _value(values, "network_meetings_held", "FY2024") == 12
    # "a Multi-Agency Strategic Group ... which now includes 23 registered members".
    assert _value(values, "strategic_group_members", "FY2024") == 23


def test_the_copy_doubles_nothing_and_the_messy_file_adds_its_good_rows(landing, values):
    # Crossroads' two good Carers Week rows (June 2025) add to the council's 11.
    assert _value(values, "carers_week_events", "FY2025") == 11 + 2
    con = duckdb.connect(str(landing["warehouse"]), read_only=True)
    try:
        loads = con.execute("select source_file, rows_in, rows_loaded, rows_quarantined, "
                            "rows_superseded from audit.file_loads where return_kind = 'events' "
                            "order by source_file").fetchall()
        duplicates = con.execute("select source_file, duplicate_of from audit.landing_files "
                                 "where source_file like 'council_events%' "
                                 "order by source_file").fetchall()
        quarantined = con.execute("select source_row, column_name from audit.quarantine "
                                  "where source_file = 'crossroads_events_2025.xlsx' "
                                  "order by source_row").fetchall()
    finally:
        con.close()
    # Same content under two names: the first by name is read, the other noted as its copy.
    copy = "council_events_2022-2025 (copy).csv"
    assert duplicates == [(copy, None), (EVENTS, copy)]
    assert loads == [(copy, 174, 174, 0, 0), ("crossroads_events_2025.xlsx", 6, 2, 4, 0)]
    assert [r[0] for r in quarantined][:3] == [7, 8, 9]


def test_every_events_figure_traces_to_rows_of_its_file(landing):
    edition = landing["publish"] / "latest"
    lineage = pd.read_csv(edition / "indicator_lineage.csv")
    manifest = (edition / "manifest.json").read_text()
    rows = lineage[lineage.indicator_id == "strategic_group_members"]
    assert not rows.empty and set(rows.source_file) == {"council_membership_2022-2025.csv"}
    assert all(sha in manifest for sha in rows.source_sha256)


def test_refresh_summary_reports_quarantined_rows(landing, capsys):
    with pytest.MonkeyPatch.context() as mp:
        isolated_env(landing["warehouse"].parent.parent, mp, landing=landing["landing"])
        assert main(["refresh"]) == 0
    out = capsys.readouterr().out
    assert "events: crossroads_events_2025.xlsx: 6 rows in, 2 loaded, 4 quarantined" in out
    assert "carers check" in out
