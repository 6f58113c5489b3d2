"""Two connections to one held-open warehouse both stage returns: the parser functions are
registered once on the database and the second registration does not fail."""

from __future__ import annotations

from warehouse import db
from warehouse.returns import register_parsers


def test_parsers_register_on_two_connections_of_one_held_database(tmp_path):
    path = tmp_path / "w.duckdb"
    db.hold(path)
    try:
        with db.connect(path) as first:
            register_parsers(first)
            with db.connect(path) as second:
                register_parsers(second)
                parsed = second.execute("select carers_parse('1,250', 'count', 2000)"
                                        ).fetchone()[0]
                assert parsed["value"] == "1250" and parsed["rule"] is None
    finally:
        db.release(path)
