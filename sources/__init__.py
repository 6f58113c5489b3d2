"""Pure readers, one per source format: file in, typed table out, clear errors. No dagster."""
