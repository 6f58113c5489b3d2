"""Great Expectations suites as code, one module per table. GX is imported lazily (it takes
seconds); nothing here imports it at module import time."""
