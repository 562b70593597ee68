"""The voice of answers in the session: stored, exported (JSON, Markdown, a zip with the audio),
imported, deleted with the session, joined after a resume, and in the stats over time."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner, Result

from soutenance import paths
from soutenance.cli import cli
from soutenance.exports.importing import import_session
from soutenance.exports.markdown import session_to_markdown
from soutenance.exports.reading import InvalidExport
from soutenance.exports.session_json import session_to_json, session_to_json_text
from soutenance.session.stats import VoiceRecord, voice_progress
from soutenance.store import open_store
from soutenance.store.records import student_voice_records
from soutenance.usecases.voice_sharing import import_session_bundle, item_ids, write_session_bundle
from soutenance.voice import storage
from soutenance.voice.answer import AnswerVoice
from soutenance.voice.audio import read_samples
from soutenance.voice.bundle import InvalidBundle
from soutenance.voice.continuation import complete_recording
from soutenance.voice.figures import DeliveryFigures, KeyPointSuggestion
from soutenance.voice.speech import SpeechFigures
from soutenance.voice.transcription import Transcript
from tests.samples import sample_session
from tests.voice.conftest import FRENCH, RATE

TRANSCRIPT = "um so the budget is checked every month um on the dashboard"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, prog_name="soutenance")


def delivery(
    thinking: float = 1.5, speaking: float = 30.0, long_pauses: int = 2
) -> DeliveryFigures:
    return DeliveryFigures(
        duration=40.0, thinking_time=thinking, speaking_time=speaking, longest_pause=3.2,
        pauses=5, long_pauses=long_pauses, pause_threshold=2.0, last_word=38.0,
    )  # fmt: skip


def write_recording(session_id: str, item_id: str, seconds: float = 1.0, seed: int = 0) -> Path:
    """A real Ogg/Opus file where the recorder puts it (a tone with noise)."""
    path = storage.recording_path(session_id, item_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    time = np.arange(int(seconds * RATE)) / RATE
    noise = np.random.default_rng(seed).normal(0, 0.01, time.size)
    samples = (0.3 * np.sin(2 * np.pi * 220 * time) + noise).astype(np.float32)
    soundfile.write(str(path), samples, RATE, format="OGG", subtype="OPUS")
    return path


def voiced_session(**options):
    """A sample session whose first answer and its follow-up were recorded and transcribed."""
    session = sample_session(**options)
    answer = session.answers[0]
    follow_up = answer.follow_ups[0]
    answer.voice = AnswerVoice(
        recording=storage.reference_for(session.id, answer.id), duration=40.0,
        delivery=delivery(),
        transcript=Transcript(text=TRANSCRIPT, language="en", engine="pocketsphinx en-us", duration=40.0),
        speech=SpeechFigures(words=12, words_per_minute=98.0, fillers={"um": 2}, repeated={}),
        suggested=[KeyPointSuggestion(index=1, score=92.5, heard=["budget", "every month"])],
    )  # fmt: skip
    follow_up.voice = AnswerVoice(
        recording=storage.reference_for(session.id, follow_up.id), duration=12.0,
        delivery=delivery(thinking=0.8, speaking=9.0, long_pauses=0),
    )  # fmt: skip
    return session


def test_the_voice_is_stored_exported_and_imported_as_it_was(tmp_path) -> None:
    session = voiced_session()
    with open_store(tmp_path / "one.sqlite3") as store:
        store.save_session(session)
        loaded = store.load_session(session.id)
    assert loaded == session
    exported = session_to_json(session)
    answer_json = exported["session"]["answers"][0]
    assert answer_json["voice"]["delivery"]["thinking_time"] == 1.5
    assert answer_json["voice"]["suggested"][0]["heard"] == ["budget", "every month"]
    assert answer_json["covered"] == session.answers[0].covered  # suggestions are not ticks
    assert exported["session"]["answers"][1]["voice"] is None
    with open_store(tmp_path / "two.sqlite3") as other:
        import_session(other, session_to_json_text(session).encode())
        assert other.load_session(session.id) == session


def test_an_import_merges_a_voice_only_where_the_local_answer_has_none(tmp_path) -> None:
    session = voiced_session()
    local = session.model_copy(deep=True)
    local.answers[0].voice = None
    local.answers[0].follow_ups[0].voice = AnswerVoice(duration=5.0)
    with open_store(tmp_path / "db.sqlite3") as store:
        store.save_session(local)
        import_session(store, session_to_json_text(session).encode())
        merged = store.load_session(session.id)
    assert merged.answers[0].voice == session.answers[0].voice
    assert merged.answers[0].follow_ups[0].voice == AnswerVoice(duration=5.0)  # the local one


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda v: v.update(recording="recordings/0123456789abcdef0123456789abcdef/x.opus"),
            "is not its recording",
        ),
        (lambda v: v.update(recording="../../etc/passwd.opus"), "is not its recording"),
        (lambda v: v["delivery"].update(thinking_time=-1), "thinking_time"),
        (lambda v: v["speech"].update(words_per_minute=float("inf")), "words_per_minute"),
        (lambda v: v["transcript"].update(text="x" * 200_001), "text"),
        (lambda v: v["suggested"][0].update(index=-3), "index"),
    ],
    ids=["another-answer", "a-path", "negative", "infinite", "huge", "bad-index"],
)
def test_a_hostile_voice_is_refused_and_nothing_imported(tmp_path, change, where) -> None:
    data = session_to_json(voiced_session())
    change(data["session"]["answers"][0]["voice"])
    raw = json.dumps(data).replace("Infinity", "1e999").encode()
    with open_store(tmp_path / "db.sqlite3") as store:
        with pytest.raises(InvalidExport) as refused:
            import_session(store, raw)
        assert where in str(refused.value)
        assert store.list_sessions() == []


def test_the_markdown_export_has_the_figures_and_the_transcript() -> None:
    session = voiced_session()
    english = session_to_markdown(session, lang="en")
    assert "**Out loud:**\n\n- Thinking time: 1.5 s\n- Speaking time: 30 s" in english
    assert "- 2 pauses of 2 s or more" in english and "- Filler words (2): um ×2" in english
    assert f"**Transcript:** (pocketsphinx en-us)\n\n{TRANSCRIPT}\n\n" in english
    assert "Thinking time: 0.8 s" in english  # the follow-up's
    french = session_to_markdown(session, lang="fr")
    assert "**À l'oral :**\n\n- Temps de réflexion : 1,5 s" in french
    assert "**Transcription :**" in french


def test_a_bundle_carries_the_recordings_to_another_machine(tmp_path, monkeypatch) -> None:
    session = voiced_session()
    answer, follow_up = session.answers[0], session.answers[0].follow_ups[0]
    first = write_recording(session.id, answer.id, 1.0)
    write_recording(session.id, follow_up.id, 0.5, seed=1)
    write_recording(session.id, "f" * 32, 0.3)  # a file of no answer of this session
    bundle = tmp_path / "session.zip"
    assert write_session_bundle(bundle, session) == 2
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == sorted(
            ["session.json", f"audio/{answer.id}.opus", f"audio/{follow_up.id}.opus"]
        )
    # The mentor's machine: another data dir, nothing of this session yet.
    mentor = tmp_path / "mentor"
    mentor.mkdir()
    monkeypatch.setenv("SOUTENANCE_HOME", str(mentor))
    with open_store(paths.database_path()) as store:
        imported = import_session_bundle(store, bundle, max_bytes=20 << 20)
        assert (imported.installed, imported.ignored) == (2, 0)
        assert imported.result.created
        here = store.load_session(session.id)
    assert here == session
    played, rate = read_samples(here.answers[0].voice.recording_path())
    original, _ = read_samples(first)
    assert rate == RATE and played.size == original.size
    assert str(here.answers[0].voice.recording_path()).startswith(str(mentor))


def test_a_bundle_installs_audio_only_for_the_session_and_keeps_what_is_here(tmp_path) -> None:
    session = voiced_session()
    answer = session.answers[0]
    local = write_recording(session.id, answer.id, 1.0)
    before = local.read_bytes()
    bundle = tmp_path / "crafted.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("session.json", session_to_json_text(session))
        archive.writestr(f"audio/{answer.id}.opus", b"OggS" + b"\0" * 100)
        archive.writestr(f"audio/{'e' * 32}.opus", b"OggS" + b"\0" * 100)
    with open_store(tmp_path / "db.sqlite3") as store:
        imported = import_session_bundle(store, bundle, max_bytes=20 << 20)
    assert (imported.installed, imported.ignored) == (0, 1)
    assert local.read_bytes() == before  # the student's own recording is theirs
    assert not storage.recording_path(session.id, "e" * 32).exists()


def test_a_hostile_bundle_imports_nothing(tmp_path) -> None:
    session = voiced_session()
    bundle = tmp_path / "evil.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("session.json", session_to_json_text(session))
        archive.writestr("../../escape.opus", b"OggS")
    with open_store(tmp_path / "db.sqlite3") as store:
        with pytest.raises(InvalidBundle, match="Unexpected file"):
            import_session_bundle(store, bundle, max_bytes=20 << 20)
        assert store.list_sessions() == []
    assert not storage.recordings_dir().exists()


def test_export_with_audio_and_import_on_the_command_line(
    soutenance_home, tmp_path, monkeypatch
) -> None:
    session = voiced_session()
    with open_store(paths.database_path()) as store:
        store.save_session(session)
    write_recording(session.id, session.answers[0].id)
    needs_file = invoke("export", session.id[:10], "--with-audio")
    assert needs_file.exit_code == 2 and "-o FILE.zip" in needs_file.output
    bundle = tmp_path / "out.zip"
    result = invoke("export", session.id[:10], "--with-audio", "-o", str(bundle))
    assert result.exit_code == 0, result.output
    assert "with 1 recording(s)" in result.output and zipfile.is_zipfile(bundle)
    mentor = tmp_path / "mentor"
    mentor.mkdir()
    monkeypatch.setenv("SOUTENANCE_HOME", str(mentor))
    imported = invoke("import", str(bundle))
    assert imported.exit_code == 0, imported.output
    assert (
        "1 recording(s) added" in imported.output
        and ": imported: rehearsal of Alice" in imported.output
    )
    assert storage.recording_path(session.id, session.answers[0].id).is_file()
    again = invoke("import", str(bundle))
    assert "already imported, nothing changed" in again.output and "recording" not in again.output


def test_deleting_a_session_deletes_its_recordings(soutenance_home) -> None:
    keep, gone = voiced_session(student="Keep"), voiced_session(student="Gone")
    with open_store(paths.database_path()) as store:
        store.save_session(keep)
        store.save_session(gone)
    kept = write_recording(keep.id, keep.answers[0].id)
    removed = write_recording(gone.id, gone.answers[0].id)
    result = invoke("delete", gone.id, "--yes")
    assert result.exit_code == 0, result.output
    assert not removed.exists() and not removed.parent.exists()
    assert kept.exists()


def test_an_answer_recorded_in_two_goes_is_joined_into_one(speech, tmp_path) -> None:
    first = speech.layout("fr", [0.8, FRENCH[0], 0.4])
    second = speech.layout("fr", [2.5, FRENCH[1], 0.4], seed=1)
    main = storage.recording_path("s", "a")
    main.parent.mkdir(parents=True)
    soundfile.write(str(main), first.samples, RATE, format="OGG", subtype="OPUS")
    part = storage.next_part_path("s", "a")
    soundfile.write(str(part), second.samples, RATE, format="OGG", subtype="OPUS")
    assert storage.part_paths("s", "a") == [part] and part.name == "a.part1.opus"
    recording = complete_recording("s", "a", pause_threshold=2.0)
    assert recording.path == main and not part.exists()
    assert recording.duration == pytest.approx(first.duration + second.duration, abs=0.05)
    assert read_samples(main)[0].size == pytest.approx(recording.duration * RATE, abs=2)
    # The figures are those of the whole answer: the first go's silence, then the gap between.
    assert recording.delivery.thinking_time == pytest.approx(0.8, abs=0.1)
    assert recording.delivery.long_pauses == 1


def test_the_stats_follow_the_voice_over_sessions(soutenance_home) -> None:
    sessions = []
    with open_store(paths.database_path()) as store:
        for week, (thinking, speaking) in enumerate([(4.0, 20.0), (2.0, 40.0)]):
            session = sample_session("Alice", seed=week)
            session.started_at += timedelta(days=7 * week)
            for answer in session.answers[:2]:
                answer.voice = AnswerVoice(
                    delivery=delivery(thinking=thinking, speaking=speaking, long_pauses=week),
                    speech=SpeechFigures(words=60, words_per_minute=120 + week, fillers={"um": 4 - 2 * week}, repeated={}),
                )  # fmt: skip
            store.save_session(session)
            sessions.append(session)
        records = student_voice_records(store, "Alice", project_id="seo-audit")
    assert [r.session_id for r in records] == [s.id for s in sessions for _ in range(2)]
    progress = voice_progress(records)
    assert progress.series("thinking_time") == [4.0, 2.0]
    assert progress.series("long_pauses") == [0, 1]
    assert progress.series("words_per_minute") == [120.0, 121.0]
    # 8 fillers over 40 s of speech, then 4 over 80 s.
    assert progress.series("fillers_per_minute") == [12.0, 3.0]
    report = invoke(
        "stats", "--student", "Alice", "--project", "digital-marketer/seo-audit", "--lang", "en"
    )
    assert "Out loud" in report.output
    assert "Thinking time: █▁  last session 2.0 s · mean 3.0 s" in report.output
    data = json.loads(
        invoke(
            "stats",
            "--student",
            "Alice",
            "--project",
            "digital-marketer/seo-audit",
            "--format",
            "json",
        ).output
    )
    assert [p["fillers_per_minute"] for p in data["voice"]] == [12.0, 3.0]


def test_silent_answers_count_in_no_trend() -> None:
    silent = DeliveryFigures(
        duration=10, thinking_time=None, speaking_time=0, longest_pause=0, pauses=0, long_pauses=0,
        pause_threshold=2,
    )  # fmt: skip
    session = sample_session()
    records = [VoiceRecord(session.id, session.started_at, AnswerVoice(delivery=silent))]
    assert voice_progress(records).points == ()


def test_item_ids_name_answers_and_follow_ups() -> None:
    session = sample_session()
    ids = item_ids(session)
    assert ids[:2] == [session.answers[0].id, session.answers[0].follow_ups[0].id]
    assert len(ids) == len(session.answers) + 1


def test_rehearse_record_is_remembered_and_no_record_turns_it_off(
    soutenance_home, monkeypatch
) -> None:
    from soutenance.config import Config
    from soutenance.ui.app import SoutenanceApp

    started = []
    monkeypatch.setattr(SoutenanceApp, "run", lambda app: started.append(app.first_request))
    project = "digital-marketer/seo-audit"
    assert invoke("rehearse", "--project", project, "--student", "Alice", "--record").exit_code == 0
    assert Config.load().voice.record is True and len(started) == 1
    assert invoke("rehearse", "--project", project, "--student", "Alice").exit_code == 0
    assert Config.load().voice.record is True  # remembered
    assert (
        invoke("rehearse", "--project", project, "--student", "Alice", "--no-record").exit_code == 0
    )
    assert Config.load().voice.record is False and len(started) == 3


def test_a_bundle_is_filed_under_a_roster_student_with_as_and_said_in_french(
    soutenance_home, tmp_path, monkeypatch
) -> None:
    session = voiced_session()  # the student's spelling: "Alice"
    bundle = tmp_path / "out.zip"
    with open_store(paths.database_path()) as store:
        store.save_session(session)
    write_recording(session.id, session.answers[0].id)
    write_session_bundle(bundle, session)
    monkeypatch.setenv("SOUTENANCE_HOME", str(tmp_path / "mentor"))
    assert invoke("student", "add", "Alice Martin").exit_code == 0

    imported = invoke("--lang", "fr", "import", "--as", "alice martin", str(bundle))
    assert imported.exit_code == 0, imported.output
    assert "1 enregistrement(s) ajouté(s)" in imported.output
    with open_store(paths.database_path()) as store:
        assert store.load_session(session.id).student == "Alice Martin"
    assert storage.recording_path(session.id, session.answers[0].id).is_file()
