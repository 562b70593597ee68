"""Two small guarantees: `bank rm`'s look at the history never writes the store, and
`bank schema -o` replaces its file whole or not at all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from soutenance import paths
from soutenance.cli import cli
from soutenance.cli.bank_edit import store_history_checker
from soutenance.store.migrations import MIGRATIONS, register_functions


def test_the_history_check_leaves_an_older_database_as_it_is() -> None:
    database = paths.database_path()
    database.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(database)
    register_functions(conn)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    before = database.read_bytes()

    checker = store_history_checker()

    assert checker is not None and checker("any-question") is False
    assert database.read_bytes() == before  # opened to read: not migrated, not written
    assert not database.with_name(database.name + "-wal").exists()


def test_schema_output_is_replaced_whole_or_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    target = folder / "bank.schema.json"
    target.write_text("my own copy", encoding="utf-8")
    nowhere = tmp_path / "missing-folder" / "bank.schema.json"
    failed = CliRunner().invoke(cli, ["bank", "schema", "-o", str(nowhere)])
    assert failed.exit_code == 1
    (line,) = failed.stderr.splitlines()
    assert line.startswith(f"Error: cannot write {nowhere}: ")
    assert CliRunner().invoke(cli, ["bank", "schema", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("{")
    assert [p.name for p in folder.iterdir()] == ["bank.schema.json"]  # no temporary left
