"""Local returns: the data contract (RETURNS.md) as code, and the reader partners' files go
through. Row-level rules run as SQL in warehouse/returns.py so they scale."""
