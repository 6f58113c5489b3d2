"""The contract of every local return (RETURNS.md) as a GX suite over its staged table.

Row rules already ran as SQL before staging (bad rows are in audit.quarantine); this suite is
the declared contract checked again on what was loaded, so a fault in those rules cannot let
bad data reach a published table."""

from __future__ import annotations

from typing import Any

from expectations.core import Suite
from sources.returns.contract import Return


def contract_suite(spec: Return, extra: list[Any] | None = None) -> Suite:
    def build(x: Any) -> list[Any]:
        expectations: list[Any] = []
        for c in spec.columns:
            if c.required:
                expectations.append(x.ExpectColumnValuesToNotBeNull(column=c.name))
            if c.type == "enum":
                expectations.append(x.ExpectColumnValuesToBeInSet(column=c.name,
                                                                  value_set=list(c.allowed)))
            if c.type in ("count", "whole", "money"):
                expectations.append(x.ExpectColumnValuesToBeBetween(
                    column=c.name, min_value=0, max_value=c.maximum))
        if spec.key:
            expectations.append(x.ExpectCompoundColumnsToBeUnique(
                column_list=["source_org", *spec.key]))
        return expectations + [e(x) for e in (extra or [])]

    return Suite(
        name=f"stg_{spec.kind}_contract",
        description=f"Staged {spec.kind} rows meet RETURNS.md: required columns filled, "
                    "allowed values only, counts not negative, keys unique.",
        query=f"select * from staging.{spec.kind}",
        build=build,
        row_id="_source_row",
        # Masked in samples: the columns the contract marks personal, and every free-text and
        # reference column of a return about people.
        personal_columns=tuple(dict.fromkeys(
            [*spec.personal_columns,
             *(c.name for c in spec.columns if c.type == "text" and spec.personal)])),
    )
