"""Kill the real app (SIGKILL) at five moments of a session, typed into with real key presses in a
pseudo-terminal; start it again, resume through the UI, and check that nothing was lost: every
character typed more than a second before the kill, the position, the stage and the time spent.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.faults.pty_app import PtyApp

SAVE_GUARANTEE = 1.0
SETTLE = 1.0
"""A freshly drawn terminal app still answers the terminal's replies: a person does not type in
the first second either."""
TEXT = "Je vise la cible puis le budget, ensuite le calendrier et les validations. "
REHEARSE = ("rehearse", "--project", "community-manager/brief-creatif", "--count", "5", "--seed", "42",
            "--student", "Kill")  # fmt: skip


def stored(home: Path) -> tuple[dict, list[dict]]:
    """The session as the disk has it: its row and its answers (by position)."""
    connection = sqlite3.connect(home / "soutenance.sqlite3")
    connection.row_factory = sqlite3.Row
    try:
        session = dict(
            connection.execute("SELECT * FROM sessions ORDER BY started_at DESC").fetchone()
        )
        answers = [
            dict(row)
            for row in connection.execute(
                "SELECT * FROM answers WHERE session_id = ? ORDER BY position", (session["id"],)
            )
        ]
    finally:
        connection.close()
    return session, answers


def until_stored(home: Path, check, timeout: float = 20) -> tuple[dict, list[dict]]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = stored(home)
            if check(*found):
                return found
        except (sqlite3.Error, TypeError):
            pass
        assert time.monotonic() < deadline, "the app never saved what was expected"
        time.sleep(0.1)


def typed_before(sent: list[float], killed_at: float) -> str:
    """The characters that left the keyboard more than SAVE_GUARANTEE before the kill."""
    return TEXT[: sum(1 for at in sent if at <= killed_at - SAVE_GUARANTEE)]


def type_notes(app: PtyApp, characters: int = 70) -> list[float]:
    app.press("e")
    return app.type(TEXT[:characters], per_character=0.025)


def stage_is(stage: str):
    return lambda session, answers: session["stage"] == stage


def resume(home: Path) -> PtyApp:
    again = PtyApp(home=home)
    again.wait_for("pas terminée")  # home says an unfinished session can be resumed
    again.press("c")
    return again


MOMENTS = ["mid_answer", "after_stopping", "rating", "ticking", "mock_debrief"]


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS)
def test_a_kill_at_any_moment_loses_nothing_and_resumes_exactly(
    tmp_path: Path, moment: str
) -> None:
    home = tmp_path / "data"
    args = (*REHEARSE, "--mock") if moment == "mock_debrief" else REHEARSE
    app = PtyApp(*args, home=home)
    try:
        if moment == "mock_debrief":
            app.wait_for("Présentation")
            time.sleep(SETTLE)
            mark = app.mark()
            app.press(" ", "\t", "\r")  # end the presentation (asked first)
            until_stored(home, stage_is("answering"))
            app.wait_for("discussion", after=mark)  # the first question is on screen
            time.sleep(SETTLE)
            app.press("t", "\t", "\r")  # end the questions: on to the debrief
            until_stored(home, stage_is("debriefing"))
            sent = app.type(TEXT[:70], per_character=0.025)  # the focus is in the first box
        else:
            until_stored(home, stage_is("answering"))
            app.wait_for("Question 1/5")
            time.sleep(SETTLE)
            sent = type_notes(app)
            if moment != "mid_answer":
                app.press("\x1b", " ")  # leave the notes, stop the answer
                until_stored(home, stage_is("rating"))
            if moment == "rating":
                sent += type_notes(app, 40)[
                    :0
                ]  # typing goes on while rating; the guarantee is on the first text
            if moment == "ticking":
                mark = app.mark()
                app.press("4")
                until_stored(home, stage_is("key_points"))
                app.wait_for("cochez ce que votre réponse a couvert", after=mark)
                time.sleep(SETTLE)  # a loaded machine draws the checklist after the save
                app.press(" ", "\x1b[B", " ")  # tick the first two key points
                until_stored(home, lambda s, a: a[0]["covered"] == "[0,1]")
        before_kill, answers_before = stored(home)
        time.sleep(0.3 if moment == "after_stopping" else 0)
        killed_at = app.kill()
    finally:
        app.close()

    session, answers = stored(home)
    guaranteed = typed_before(sent, killed_at)
    kept = session["debrief_strengths"] if moment == "mock_debrief" else answers[0]["notes"]
    assert guaranteed in kept, (len(guaranteed), kept)

    again = resume(home)
    try:
        expected_stage = {
            "mid_answer": "answering", "after_stopping": "rating", "rating": "rating",
            "ticking": "key_points", "mock_debrief": "debriefing",
        }[moment]  # fmt: skip
        if moment == "mock_debrief":
            again.wait_for("hors rôle")
            again.wait_for(guaranteed[-20:])
        else:
            again.wait_for("Question 1/5")  # position and plan kept: question 1 of the 5 drawn
        session, answers = until_stored(home, lambda s, a: s["stage"] == expected_stage)
        assert session["cursor"] == 0
        if moment == "mock_debrief":
            assert guaranteed in session["debrief_strengths"]
            return
        assert len(answers) >= 1 and guaranteed in answers[0]["notes"]
        if moment == "mid_answer":
            again.wait_for("En pause")
            spent = answers[0]["elapsed"]
            assert spent >= answers_before[0]["elapsed"] > 0
            again.press("p")  # go on: the clock continues from the time already spent
            time.sleep(2.5)
            _, later = until_stored(home, lambda s, a: a[0]["elapsed"] > spent + 1)
            assert later[0]["elapsed"] < spent + 10
        elif moment in ("after_stopping", "rating"):
            assert answers[0]["confidence"] is None and answers[0]["status"] == "answered"
            again.wait_for("1 = pas du tout")  # the rating is asked before any key point
            again.press("3")
            until_stored(home, lambda s, a: s["stage"] == "key_points" and a[0]["confidence"] == 3)
        else:
            assert answers[0]["covered"] == "[0,1]" and answers[0]["confidence"] == 4
    finally:
        again.close()
