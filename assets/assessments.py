"""Carers' assessments (adult social care return)."""

from assets.common import return_assets

carer_assessments_assets = return_assets("carer_assessments", "assessments")
