"""Progress during a refresh (issue 23): one line per asset group as it finishes, a bar on a
terminal, nothing when output is not a terminal. Driven by a real in-process Dagster run of
a small job, through the same event listener `carers refresh` uses."""

from __future__ import annotations

import io
import re

import dagster as dg
import pytest
from dagster._core.utils import make_new_run_id

from pipelines.progress import Progress, choose_mode, step_groups


@dg.asset(group_name="census")
def raw_census() -> int:
    return 1


@dg.asset(group_name="census")
def stg_census(raw_census: int) -> int:
    return raw_census + 1


@dg.asset_check(asset=stg_census)
def stg_census_positive(stg_census: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=stg_census > 0)


@dg.asset(group_name="publish")
def edition(stg_census: int) -> int:
    return stg_census


@dg.asset(group_name="publish")
def broken(edition: int) -> int:
    raise ValueError("a source cannot be read")


def run(tmp_path, mode: str, stream, *assets):
    defs = dg.Definitions(assets=list(assets), asset_checks=[stg_census_positive],
                          jobs=[dg.define_asset_job("refresh")])
    job = defs.resolve_job_def("refresh")
    instance = dg.DagsterInstance.ephemeral(tempdir=str(tmp_path))
    run_id = make_new_run_id()  # the run id the listener is keyed on
    shown = Progress(step_groups(job, defs.resolve_asset_graph().assets_defs), mode, stream,
                     clock=iter(range(1000)).__next__)
    instance.add_event_listener(run_id, shown)
    result = job.execute_in_process(instance=instance, run_id=run_id, raise_on_error=False)
    shown.finish()
    return result, shown


def test_one_line_per_group_as_it_finishes(tmp_path):
    out = io.StringIO()
    result, _ = run(tmp_path, "lines", out, raw_census, stg_census, edition)
    assert result.success
    # In the order the groups finished (the check on stg_census runs after `edition`), with
    # the steps done so far and the time since the start (a clock ticking 1 s per reading).
    lines = out.getvalue().splitlines()
    assert [re.sub(r"\(\d+\.0 s\)", "(t)", line) for line in lines] == [
        "[3/4] publish: 1 asset(s) built (t)",
        "[4/4] census: 2 asset(s) built, 1 of 1 check(s) passed (t)"]


def test_a_failed_step_is_shown_and_the_rest_named(tmp_path):
    out = io.StringIO()
    result, _ = run(tmp_path, "lines", out, raw_census, stg_census, edition, broken)
    assert not result.success
    text = out.getvalue()
    assert "census: 2 asset(s) built, 1 of 1 check(s) passed" in text
    assert "publish: 1 asset(s) built, 1 step(s) failed" in text


def test_bar_on_a_terminal(tmp_path):
    out = io.StringIO()
    run(tmp_path, "bar", out, raw_census, stg_census, edition)
    text = out.getvalue()
    assert "Refreshing [" in text and "\r\033[K" in text
    assert "census: 2 asset(s) built" in text
    assert text.endswith("\r\033[K")  # the bar is cleared before the summary


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("asked", "stream", "mode"), [
    ("auto", Terminal(), "bar"), ("auto", io.StringIO(), "none"),
    ("lines", io.StringIO(), "lines"), ("none", Terminal(), "none")])
def test_auto_is_a_bar_on_a_terminal_and_quiet_otherwise(asked, stream, mode):
    assert choose_mode(asked, stream) == mode


def test_quiet_writes_nothing(tmp_path):
    out = io.StringIO()
    result, _ = run(tmp_path, "none", out, raw_census, stg_census, edition)
    assert result.success and out.getvalue() == ""


def test_a_fault_in_the_display_never_fails_the_refresh(tmp_path):
    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("no space left on device")

    result, shown = run(tmp_path, "lines", Full(), raw_census, stg_census, edition)
    assert result.success and shown.broken
