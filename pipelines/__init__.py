"""Dagster wiring: definitions, resources, jobs, schedules, sensors and the `carers` CLI."""
