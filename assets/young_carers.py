"""Young carers: the young carers' service return."""

from assets.common import return_assets

young_carers_support_assets = return_assets("young_carers_support", "young_carers")
