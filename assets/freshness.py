"""Freshness: sources with a known cadence say when what we hold is older than expected.

- The monthly schedule refreshes everything: `indicator_values` and `published_edition` carry a
  Dagster FreshnessPolicy (warn after 32 days without a materialisation, fail after 40), which
  the UI shows on the asset and the daemon evaluates without a run (see pipelines/definitions).
- National files come out once a year: a WARN check on each staged national table compares the
  newest period held with the publisher's release calendar, and warns once the next release
  should have come out (drop the new file in the landing folder: it supersedes the shipped one).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import dagster as dg

from assets.resources import CarersResource
from warehouse import db

MONTHLY_WARN = timedelta(days=32)  # the monthly schedule, and a day's grace
MONTHLY_FAIL = timedelta(days=40)


def monthly_policy() -> dg.FreshnessPolicy:
    with warnings.catch_warnings():  # Dagster marks freshness policies as preview
        warnings.simplefilter("ignore")
        return dg.FreshnessPolicy.time_window(fail_window=MONTHLY_FAIL, warn_window=MONTHLY_WARN)


@dataclass(frozen=True)
class Release:
    """An annual national release: which staged table holds it, the SQL giving the start year
    of the newest period held (our own SQL), and when the next period's release is due."""

    asset: str
    table: str
    newest_start_year: str
    publisher: str
    month: int  # the release for a period starting in year Y comes out by this month of Y + 1
    day: int

    def next_expected(self, newest: int) -> date:
        """The release after the newest held: the period starting a year later, out in Y + 2."""
        return date(newest + 2, self.month, self.day)


RELEASES = (
    Release("stg_dfe_young_carers", "staging.dfe_young_carers",
            "select max(academic_year_start) from staging.dfe_young_carers",
            "DfE Schools, pupils and their characteristics (January school census, released "
            "each June)", 6, 30),
    Release("stg_nhsd_ascof_carers", "staging.nhsd_ascof_carers",
            "select max(cast(substr(period_id, 3) as integer)) from staging.nhsd_ascof_carers",
            "NHS Digital, Measures from the ASCOF (financial year, released each autumn/winter; "
            "the carers' survey measures every second year)", 12, 31),
    Release("stg_oflog_asc", "staging.oflog_asc",
            "select max(fy_start) from staging.oflog_asc",
            "Office for Local Government adult social care metrics (from the ASCOF release)",
            12, 31),
)


def release_check(release: Release) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=release.asset, name="newest_release_held", blocking=False,
                    description=f"WARN when a newer annual release of {release.publisher} "
                                "should be out than the newest period held.")
    def _check(carers: CarersResource) -> dg.AssetCheckResult:
        with carers.connect() as con:
            newest = db.scalar(con, release.newest_start_year)
        today = datetime.now(UTC).date()
        if newest is None:
            return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                                       description=f"{release.table} holds no period.")
        due = release.next_expected(int(newest))
        late = today > due
        return dg.AssetCheckResult(
            passed=not late, severity=dg.AssetCheckSeverity.WARN,
            description=(f"The release after {newest} was due by {due:%d %B %Y}: put the newer "
                         f"file from {release.publisher} in the landing folder."
                         if late else f"Newest period starts {newest}; the next release is due "
                                      f"by {due:%d %B %Y}."),
            metadata={"newest_period_start_year": int(newest),
                      "next_release_due": due.isoformat(), "publisher": release.publisher,
                      **({"failed_expectations": dg.MetadataValue.text(
                          f"newer release due by {due.isoformat()}")} if late else {})})

    return _check


release_checks = [release_check(r) for r in RELEASES]
