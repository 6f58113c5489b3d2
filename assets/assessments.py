"""Carers' assessments (adult social care return)."""

from assets.common import gx_check, return_assets
from expectations import assessments as suites

carer_assessments_assets = [
    *return_assets("carer_assessments", "assessments"),
    gx_check("stg_carer_assessments", suites.carer_assessments_consistency),
]
