"""The voice feature's costs: delivery figures, transcription speed, recording's cost to the UI.

    .venv/bin/python benchmarks/bench_voice.py [--minutes 5] [--repeat 3] [--frames 300]

(a) Delivery figures (voice activity detection) for an answer of ``--minutes`` minutes of speech
    made with espeak-ng, pauses included. Goal: <= 0.5 s. Three figures: the computation on the
    samples (what the recorder does while recording, so stopping costs nothing), the same from
    the Ogg/Opus file (decoding included: an imported recording), and a whole process that
    imports, decodes and analyses the file (interpreter start included).
(b) Transcription real-time factor (processing time / audio time; below 1 is faster than
    speech) on one minute of English speech: pocketsphinx's bundled model, and faster-whisper's
    configured model when it is on this machine (`soutenance transcription status`); without
    it the script says why it cannot measure it.
(c) Recording's cost to the UI: a small Textual app (level meter and countdown) draws
    ``--frames`` frames at 12 per second, in a child process each, with a recording running
    (a file fed in real time through the recorder, Ogg/Opus written, level read by the meter)
    and without. Frame time is the time from a change to the screen having been updated
    (`App.call_after_refresh`; not Pilot.pause, which waits for the whole process to go idle
    and so for the recording threads); the script alternates the two modes ``--repeat`` times.
    Goal: ratio (recording on / off) <= 1.1. The children's CPU time is printed beside it, and
    the load average, since on a saturated machine any extra work slows the screen.
(d) The same on the real question screen: the app started on a rehearsal of a bundled bank, with
    recording on (the recorder fed by the file through `services.open_recorder`, the level
    meter shown, each tick following the run) or off (as a student without recording has it).
    Each frame is one tick of the screen (the countdown follows the run, and the recorder with
    it; the meter reads the level) plus a new value in the countdown's digits, so that both modes
    draw every frame: Textual draws at most 60 times a second and a frame that changes nothing
    draws nothing, so without it "off" would time a frame with nothing to draw.

Speech needs espeak-ng and sox (Debian packages); without them the script says so and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

VAD_GOAL_S = 0.5
FRAME_GOAL = 1.1
RATE = 16000
MARK = "BENCH-RESULT "
PHRASES = {
    "en": [
        "We chose Instagram to reach young parents in the evening",
        "the budget is checked every month against the dashboard",
        "so we measure the results and we adjust the calendar",
        "the agency delivers the visuals two weeks before the launch",
        "our main risk is a late delivery of the product photos",
    ],
    "fr": [
        "Nous avons choisi Instagram pour toucher les jeunes parents",
        "le budget est suivi chaque mois avec un tableau de bord",
        "du coup on mesure les résultats et on ajuste le calendrier",
    ],
}


# --------------------------------------------------------------------------- speech


def synthesise(language: str, seconds: float, folder: Path, seed: int = 1) -> np.ndarray:
    """Phrases spoken by espeak-ng in random order, with pauses from 0.2 to 3 s, over quiet noise."""
    voice = {"en": "en-us+f2", "fr": "fr"}[language]
    spoken = []
    for index, text in enumerate(PHRASES[language]):
        raw, wav = folder / f"{language}{index}.raw.wav", folder / f"{language}{index}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True)
        subprocess.run(
            ["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(wav)], check=True
        )
        import soundfile

        samples, _ = soundfile.read(wav, dtype="float32")
        spoken.append(samples)
    rng = np.random.default_rng(seed)
    chunks, total = [np.zeros(int(1.5 * RATE), dtype=np.float32)], 1.5
    while total < seconds:
        phrase = spoken[int(rng.integers(len(spoken)))]
        pause = np.zeros(int(rng.uniform(0.2, 3.0) * RATE), dtype=np.float32)
        chunks += [phrase, pause]
        total += (phrase.size + pause.size) / RATE
    samples = np.concatenate(chunks)[: int(seconds * RATE)]
    return (samples + rng.normal(0, 10 ** (-66 / 20), samples.size)).astype(np.float32)


def write(path: Path, samples: np.ndarray, **options) -> Path:
    import soundfile

    soundfile.write(path, samples, RATE, **options)
    return path


def best(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


# --------------------------------------------------------------------------- children


def child_analyse(path: Path) -> dict:
    from soutenance.voice.delivery import analyse_recording

    figures = analyse_recording(path)
    return {"pauses": figures.pauses}


def child_frames(recording: bool, wav: Path, frames: int) -> dict:
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Digits

    from soutenance.ui.widgets.level_meter import LevelMeter
    from soutenance.voice.recorder import Recorder
    from soutenance.voice.streams import FileStream

    recorder = Recorder(FileStream(wav)) if recording else None

    class Answer(App):
        def compose(self) -> ComposeResult:
            yield Digits("0:00", id="timer")
            yield LevelMeter(recorder.meter if recorder else None)

    times: list[float] = []

    async def run() -> None:
        app = Answer()
        async with app.run_test(headless=True, size=(100, 12)) as pilot:
            await pilot.pause()
            if recorder is not None:
                recorder.start("bench", "answer")
            timer, meter = app.query_one(Digits), app.query_one(LevelMeter)
            for frame in range(frames):
                drawn = asyncio.Event()
                start = time.perf_counter()
                timer.update(f"{frame // 600}:{frame // 10 % 60:02d}")
                meter.refresh_meter()
                # Called once the change is processed and the screen updated: one frame.
                app.call_after_refresh(
                    lambda s=start, d=drawn: (times.append(time.perf_counter() - s), d.set())
                )
                await drawn.wait()
                await asyncio.sleep(max(0.0, 1 / 12 - (time.perf_counter() - start)))
            if recorder is not None:
                recording = recorder.stop()
                assert recording.duration > frames / 12 * 0.9, recording

    cpu = time.process_time()
    asyncio.run(run())
    return {"frames": times, "cpu_s": time.process_time() - cpu}


def child_screen(recording: bool, wav: Path, frames: int) -> dict:
    import asyncio

    from soutenance.config import Config
    from soutenance.store import open_store
    from soutenance.ui.app import make_app
    from soutenance.ui.start import RehearsalRequest, build_screen
    from soutenance.ui.widgets.level_meter import LevelMeter
    from soutenance.ui.widgets.timer_display import TimerDisplay
    from soutenance.voice.recorder import Recorder
    from soutenance.voice.settings import TranscriptionSettings, VoiceSettings
    from soutenance.voice.streams import FileStream

    config = Config()
    VoiceSettings(record=recording, transcription=TranscriptionSettings(engine="off")).store_in(
        config
    )
    app = make_app(lang="en", config=config, store=open_store())
    app.services.open_recorder = lambda: Recorder(FileStream(wav))
    times: list[float] = []

    async def run() -> None:
        async with app.run_test(headless=True, size=(110, 40)) as pilot:
            await pilot.pause()
            entry = next(e for e in app.services.catalog.projects if e.summary.language == "en")
            request = RehearsalRequest(entry, student="Bench", count=3, seed=1)
            app.switch_screen(build_screen(app, request))
            await pilot.pause()
            screen = app.screen
            assert screen.voice is not None and screen.voice.on is recording, "recording state"
            timer, meter = screen.query_one(TimerDisplay), screen.query_one(LevelMeter)
            for frame in range(frames):
                drawn = asyncio.Event()
                start = time.perf_counter()
                timer.refresh_reading()  # the countdown's tick: follows the run, and the recorder
                # The countdown's shape ("m:ss"), so that no frame needs a layout of the screen.
                timer.update(f"{frame // 12 // 60 % 10}:{frame % 60:02d}")
                meter.refresh_meter()
                app.call_after_refresh(
                    lambda s=start, d=drawn: (times.append(time.perf_counter() - s), d.set())
                )
                await drawn.wait()
                await asyncio.sleep(max(0.0, 1 / 12 - (time.perf_counter() - start)))
            if recording:
                answer = screen.run.answer
                await pilot.press("space")  # stop: the recording is complete
                assert answer.voice.duration > frames / 12 * 0.9, answer.voice

    cpu = time.process_time()
    asyncio.run(run())
    return {"frames": times, "cpu_s": time.process_time() - cpu}


def run_child(args: list[str], home: Path) -> dict:
    env = {**os.environ, "SOUTENANCE_HOME": str(home)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        env=env, capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"child {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return json.loads(lines[-1][len(MARK) :]) | {"wall_s": wall}


# --------------------------------------------------------------------------- the benchmark


def bench_vad(work: Path, minutes: float, repeat: int) -> None:
    from soutenance.voice.delivery import analyse_recording, delivery_figures

    seconds = minutes * 60
    samples = synthesise("fr", seconds, work)
    opus = write(work / "answer.opus", samples, format="OGG", subtype="OPUS")
    took, figures = best(lambda: delivery_figures(samples, RATE), repeat)
    from_file, _ = best(lambda: analyse_recording(opus), repeat)
    processes = [run_child(["analyse", str(opus)], work / "home") for _ in range(repeat)]
    bare = min(run_child(["nothing"], work / "home")["wall_s"] for _ in range(repeat))
    whole = min(p["wall_s"] for p in processes)
    print(f"(a) delivery figures of a {minutes:g}-minute answer ({figures.pauses} pauses, ", end="")
    print(f"{figures.long_pauses} over 2 s), goal <= {VAD_GOAL_S} s")
    print(f"    on the samples (what recording computes as it goes): {took:.3f} s  ", end="")
    print("OK" if took <= VAD_GOAL_S else "MISSED")
    print(f"    from the Ogg/Opus file, decoding included:           {from_file:.3f} s")
    print(f"    whole process (start, imports, decode, analyse):      {whole:.3f} s", end="")
    print(f" (an empty Python process: {bare:.3f} s)")


def bench_transcription(work: Path, settings) -> None:
    from soutenance.voice.settings import TranscriptionSettings
    from soutenance.voice.transcription import recogniser_for, whisper

    audio = write(work / "english.wav", synthesise("en", 60.0, work, seed=2), subtype="PCM_16")
    print("(b) transcription real-time factor on 60 s of English speech (CPU time / audio time)")
    try:
        sphinx = recogniser_for(TranscriptionSettings(engine="pocketsphinx"))
        cpu, wall = time.process_time(), time.perf_counter()
        transcript = sphinx.transcribe(audio, "en")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"    pocketsphinx en-us: RTF {cpu / transcript.duration:.2f} (CPU), ", end="")
        print(f"{wall / transcript.duration:.2f} (wall), {len(transcript.text.split())} words")
    except Exception as error:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"    pocketsphinx: not measured ({error})")
    status = whisper.model_status(settings)
    if not whisper.extra_installed():
        print(
            f"    faster-whisper: not measured (the extra is not installed: {whisper.INSTALL_COMMAND})"
        )
        return
    if not status.present:
        print(f"    faster-whisper {settings.model}: not measured, no model on this machine")
        print(f"      ({status.folder}): `soutenance transcription download` fetches it from the")
        print(
            "      Hugging Face hub, which must be reachable (--whisper-model-dir DIR: a model folder)"
        )
        return
    model = recogniser_for(settings)
    cpu, wall = time.process_time(), time.perf_counter()
    transcript = model.transcribe(audio, "en")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"    faster-whisper, model in {status.folder}:")
    print(f"      RTF {wall / transcript.duration:.2f} (wall), ", end="")
    print(
        f"{cpu / transcript.duration:.2f} (CPU, all threads), {len(transcript.text.split())} words"
    )


def bench_frames(work: Path, frames: int, repeat: int, child: str = "frames") -> None:
    seconds = frames / 12 + 5
    wav = write(work / "feed.wav", synthesise("fr", seconds, work, seed=3), subtype="PCM_16")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    for _ in range(repeat):
        for mode in ("off", "on"):  # alternate, so that noise hits both alike
            runs[mode].append(run_child([child, mode, str(wav), str(frames)], work / "home"))

    def frame_ms(mode: str, quantile: float) -> float:
        per_run = [float(np.quantile(run["frames"], quantile)) for run in runs[mode]]
        return statistics.median(per_run) * 1000

    what = "the question screen" if child == "screen" else "a small app (level meter, countdown)"
    part = "(d)" if child == "screen" else "(c)"
    print(f"{part} frame time of {what}, {frames} frames at 12/s, ", end="")
    print(f"median of {repeat} runs per mode, goal ratio <= {FRAME_GOAL}")
    for label, quantile in (("median", 0.5), ("95th percentile", 0.95)):
        off, on = frame_ms("off", quantile), frame_ms("on", quantile)
        ratio = on / off
        verdict = ("OK" if ratio <= FRAME_GOAL else "MISSED") if quantile == 0.5 else ""
        print(
            f"    {label:>16}: recording off {off:.2f} ms, on {on:.2f} ms, ratio {ratio:.2f} {verdict}"
        )
    cpu_off = statistics.median(r["cpu_s"] for r in runs["off"])
    cpu_on = statistics.median(r["cpu_s"] for r in runs["on"])
    print(f"    process CPU over the run: off {cpu_off:.2f} s, on {cpu_on:.2f} s ", end="")
    print(f"(recording: +{(cpu_on - cpu_off) / (frames / 12) * 100:.1f} % of a core); ", end="")
    print(f"load average before: {load:.1f} on {os.cpu_count()} CPUs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the answer for (a)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--frames", type=int, default=300, help="frames per run for (c)")
    parser.add_argument(
        "--only", choices=["a", "b", "c", "d"], action="append", help="run only these parts"
    )
    parser.add_argument(
        "--whisper-model-dir", type=Path, help="a faster-whisper model folder for (b)"
    )
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = {"nothing": lambda: {}, "analyse": lambda: child_analyse(Path(rest[0]))}.get(kind)
        if kind in ("frames", "screen"):
            child = child_frames if kind == "frames" else child_screen
            result = lambda: child(rest[0] == "on", Path(rest[1]), int(rest[2]))  # noqa: E731
        print(MARK + json.dumps(result()))
        return 0
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        print(f"needs {' and '.join(missing)} (Debian packages) to make speech", file=sys.stderr)
        return 2
    from soutenance.voice.settings import VoiceSettings

    # The user's own settings and model cache, read before the data dir moves to a temporary one.
    whisper_settings = VoiceSettings.from_config().transcription.model_copy(
        update={"download": False}
    )
    if args.whisper_model_dir:
        whisper_settings = whisper_settings.model_copy(
            update={"model_dir": str(args.whisper_model_dir)}
        )
    elif not whisper_settings.model_dir:
        from soutenance.voice.transcription.whisper import model_folder

        whisper_settings = whisper_settings.model_copy(
            update={"model_dir": str(model_folder(whisper_settings)[0])}
        )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["SOUTENANCE_HOME"] = str(work / "home")
        parts = set(args.only or "abcd")
        if "a" in parts:
            bench_vad(work, args.minutes, args.repeat)
        if "b" in parts:
            bench_transcription(work, whisper_settings)
        if "c" in parts:
            bench_frames(work, args.frames, args.repeat)
        if "d" in parts:
            bench_frames(work, args.frames, args.repeat, child="screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
