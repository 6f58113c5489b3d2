"""Carers' assessments (adult social care return)."""

from assets.common import return_assets
from expectations import assessments as suites

carer_assessments_assets = return_assets("carer_assessments", "assessments",
                                         checks=[suites.carer_assessments_consistency])
