"""Dagster assets and asset checks, one module per domain; thin glue, no business logic."""
