"""SQL, the indicator catalogue and the statistics; the DuckDB file and editions live here too."""
