"""`soutenance history`, `export` and `delete` on the data dir's sessions."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.store import open_store
from tests.samples import sample_session


def invoke(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, list(args), input=input, catch_exceptions=False, prog_name="soutenance"
    )


def saved(*students: str) -> list[str]:
    with open_store(paths.database_path()) as store:
        sessions = [sample_session(name, seed=n) for n, name in enumerate(students)]
        for session in sessions:
            store.save_session(session)
    return [s.id for s in sessions]


def test_delete_asks_first_and_takes_the_whole_session(soutenance_home: Path, monkeypatch) -> None:
    import soutenance.cli.sessions as sessions

    monkeypatch.setattr(sessions, "_can_ask", lambda: True)
    keep, gone = saved("Alice", "Bob")
    refused = invoke("delete", gone[:8], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    result = invoke("delete", gone[:8], "--yes")
    assert result.exit_code == 0, result.output
    assert f"deleted session {gone[:12]}" in result.output
    with open_store(paths.database_path()) as store:
        assert [s.id for s in store.list_sessions()] == [keep]
        assert store.db.read(lambda c: c.execute("SELECT count(*) FROM answers").fetchone()[0]) == 4


def test_delete_without_a_terminal_needs_yes(soutenance_home: Path) -> None:
    (session,) = saved("Alice")
    result = invoke("delete", session)
    assert result.exit_code == 1 and "without --yes" in result.output
    assert "Léa" not in result.output
    with open_store(paths.database_path()) as store:
        assert len(store.list_sessions()) == 1


def test_delete_of_an_unknown_session_says_so(soutenance_home: Path) -> None:
    saved("Alice")
    result = invoke("delete", "ffffffff", "--yes")
    assert result.exit_code == 1 and "no session 'ffffffff'" in result.output


def test_history_shows_answered_out_of_drawn_and_unfinished(soutenance_home: Path) -> None:
    with open_store(paths.database_path()) as store:
        session = sample_session("Alice", ended=False)
        store.save_session(session)
        # Written around the model (an old version, a hand edit): shown escaped all the same.
        store.db.conn.execute("PRAGMA foreign_keys = OFF")
        store.db.conn.execute("UPDATE sessions SET student = 'Alice\x1b[2J'")
    result = invoke("history")
    assert result.exit_code == 0
    assert "4/4 answered" in result.output and "(unfinished)" in result.output
    assert "\x1b" not in result.output and "Alice\\x1b[2J" in result.output
