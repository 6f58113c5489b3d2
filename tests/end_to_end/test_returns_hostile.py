"""`carers refresh` with bad files among good ones: every good return loads and an edition is
published; every bad file is refused by name with its reason, in the summary, the manifest and
audit.file_loads; a link out of the landing folder is not followed; a key two senders share is
quarantined; a file named like a formula never becomes one in a published CSV."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from sources.files import EXAMPLES_DIR
from tests.builders.env import isolated_env

pytestmark = pytest.mark.slow
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "returns_hostile"
HEADER = ("event_id,event_date,event_type,title,organiser,locality,meeting_place,coproduced,"
          "carers_attending\n")
FORMULA_NAME = "=cmd|' -c calc'!A0_events_2024.csv"
# Bad files and the start of the reason each is refused with.
REFUSED = {
    "empty.csv": "the file is empty (0 bytes)",
    "junk_events.xlsx": "the file is not an Excel workbook (.xlsx)",
    "old_format_events.xls": "the file is an old-format Excel 97-2003",
    "stray_cell_xfd1048576_events.xlsx": "row 1048576, column 'XFD': sheet 'Events' has a value "
                                         "in cell XFD1048576",
    "formulas_without_values_events.xlsx": "row 3, column 'I': sheet 'Events' has formulas "
                                           "saved without",
    "not_a_return.csv": "no header row of any return was found in the first 50 rows: no row",
    "outside_link_events.csv": "a link to a file or folder outside the landing folder: not "
                               "followed",
}


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile_refresh")
    landing = root / "landing"
    shutil.copytree(EXAMPLES_DIR, landing)
    for name in REFUSED:
        if name != "outside_link_events.csv":
            shutil.copy(CORPUS / name, landing / name)
    shutil.copy(CORPUS / "mixed_encoding_events.csv", landing / "mixed_encoding_events.csv")
    shutil.copy(CORPUS / "two_sheets_events.xlsx", landing / "twosheets_events.xlsx")
    outside = root / "outside_events.csv"
    outside.write_text(HEADER + "X1,2025-06-09,carers_week,Secret,Elsewhere,Central,Park,yes,9\n")
    (landing / "outside_link_events.csv").symlink_to(outside)
    # Two senders both send the Carers Federation's CW-77; carersfed also sends its own CW-78.
    row = "CW-77,2025-06-09,carers_week,Picnic,Carers Federation,Central,Park,yes,12\n"
    for sender, extra in (("crossroads", ""), ("carersfed", row.replace("CW-77", "CW-78"))):
        (landing / sender).mkdir()
        (landing / sender / "events_2025.csv").write_text(HEADER + row + extra)
    (landing / FORMULA_NAME).write_text(
        HEADER + "F1,2025-05-01,peer_support,Tea,Formula Org,Central,Hall,no,7\n")
    before = {p: p.read_bytes() for p in landing.rglob("*") if p.is_file() and
              not p.is_symlink()}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        paths = isolated_env(root, mp, landing=landing)
        status = main(["refresh"])
        yield {**paths, "status": status, "before": before}


def test_the_refresh_publishes_and_refuses_each_bad_file_by_name(refreshed):
    assert refreshed["status"] == 0
    con = duckdb.connect(str(refreshed["warehouse"]), read_only=True)
    try:
        rejected = dict(con.execute("select source_file, reason from audit.file_loads "
                                    "where status = 'rejected'").fetchall())
        loads = con.execute("select source_file, rows_in, rows_loaded, rows_quarantined, "
                            "rows_superseded from audit.file_loads "
                            "where status = 'loaded'").fetchall()
        quarantine = con.execute("select source_file, source_row, column_name, rule "
                                 "from audit.quarantine where return_kind = 'events' "
                                 "order by all").fetchall()
    finally:
        con.close()
    assert set(rejected) == set(REFUSED)
    for name, reason in REFUSED.items():
        assert rejected[name].startswith(reason), (name, rejected[name])
    for _, rows_in, loaded, quarantined, superseded in loads:
        assert rows_in == loaded + quarantined + superseded
    assert ("mixed_encoding_events.csv", 3, "title") in {q[:3] for q in quarantine}
    assert ("twosheets_events.xlsx [Q2]", 3, "carers_attending") in {q[:3] for q in quarantine}
    # The corpus files share the Carers Centre's E1..E4 too: each repeat names the first file.
    assert [q for q in quarantine if q[0] == "events_2025.csv"] == [
        ("events_2025.csv", 2, "event_id", "duplicates row 2 of events_2025.csv sent by "
                                           "carersfed (organiser + event_id must be unique "
                                           "across all senders)")]
    assert ("twosheets_events.xlsx [Q1]", 2, "event_id",
            "duplicates row 2 of mixed_encoding_events.csv sent by mixed_encoding (organiser + "
            "event_id must be unique across all senders)") in quarantine
    manifest = json.loads((refreshed["publish"] / "latest" / "manifest.json").read_text())
    assert {r["file"] for r in manifest["rejected_files"]} == set(REFUSED)
    assert "outside_events.csv" not in json.dumps(manifest["inputs"])


def test_the_summary_lists_every_refused_file_and_is_this_runs(refreshed, capsys):
    with pytest.MonkeyPatch.context() as mp:
        isolated_env(refreshed["warehouse"].parent.parent, mp, landing=refreshed["landing"])
        assert main(["refresh"]) == 0
        out = capsys.readouterr().out
        assert f"Files refused ({len(REFUSED)}): nothing in them was loaded" in out
        for name in REFUSED:
            assert f": {name}: " in out or f"not a return: {name}" in out, name
        # The bad files taken away: the next summary is that run's, with none refused.
        for name in REFUSED:
            (refreshed["landing"] / name).unlink()
        assert main(["refresh"]) == 0
        out = capsys.readouterr().out
        assert "Files refused" not in out
        assert "events: mixed_encoding_events.csv: 3 rows in, 2 loaded, 1 quarantined" in out


def test_no_published_csv_cell_is_a_formula_and_inputs_are_unchanged(refreshed):
    edition = refreshed["publish"] / "latest"
    found_name = False
    for path in edition.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "@", "\t", "\r")), (path.name, cell)
                    found_name |= cell == "'" + FORMULA_NAME
    assert found_name  # the lineage names the file, as text
    for path, data in refreshed["before"].items():
        if path.exists():
            assert path.read_bytes() == data
