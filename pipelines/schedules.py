"""The monthly refresh: 06:00 on the 1st of every month, UK time (GMT or BST)."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import refresh_job

monthly_refresh = dg.ScheduleDefinition(
    name="monthly_refresh",
    job=refresh_job,
    cron_schedule="0 6 1 * *",
    execution_timezone="Europe/London",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    tags={"carers/trigger": "schedule"},
    description="Refresh everything and publish a new edition at 06:00 on the 1st of each "
                "month, Europe/London time.",
)
