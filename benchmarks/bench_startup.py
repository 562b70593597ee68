"""How long a user waits for soutenance to start, as whole processes in a real terminal.

    .venv/bin/python benchmarks/bench_startup.py [--quick] [--repeat N] [--profile]

Every figure is a fresh process in a pseudo-terminal of 80x24, from spawn to what the user waits
for, in this environment (the same interpreter, terminal type and size for every command):

- `soutenance --version`, until it exits (goal: 0.25 s), beside `python -c pass`, the floor;
- `soutenance --help`, until it exits;
- the app's start to a drawn home screen (`soutenance --lang en` until a text of the home screen
  appears in what the terminal received; then ctrl+q), against the smallest Textual app (a Header,
  a Label, a Footer) until its label appears: the ratio's goal is 1.5.

The data dir is a fresh temporary one (with --returning, holding the settings of a student who
chose the language and rehearsed before: the home screen then looks for an unfinished session
in the store); one start of each, not counted, warms the bank index and the file cache. Runs of the commands alternate so that noise hits all alike; the median is
printed (and the best). --profile adds where the app's start goes (`python -X importtime`).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import fcntl
import json
import os
import pty
import re
import resource
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROWS, COLUMNS = 24, 80
VERSION_GOAL_S = 0.25
RATIO_GOAL = 1.5
HOME_MARKER = "Digital Marketer"  # a path of the bundled banks, listed on the home screen
SMALLEST_MARKER = "smallest app drawn"

SMALLEST_APP = f"""
from textual.app import App
from textual.widgets import Footer, Header, Label


class Smallest(App):
    def compose(self):
        yield Header()
        yield Label({SMALLEST_MARKER!r})
        yield Footer()


Smallest().run()
"""

# Terminal escape sequences: CSI, OSC, charset selection and the rest.
ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78NOMc]"
)


def script(name: str) -> str:
    """A console script of this interpreter's environment (the `soutenance` a user types)."""
    found = Path(sys.executable).parent / name
    if not found.exists():
        sys.exit(f"{found} not found: install the project in this environment (pip install -e .)")
    return str(found)


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, every thread) a live process used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def in_terminal(
    argv: list[str], env: dict[str, str], marker: str | None, timeout: float = 60
) -> tuple[float, float]:
    """Wall and CPU seconds from spawning argv in an 80x24 pseudo-terminal until marker is on
    screen (or, with no marker, until it exits). A drawn app is then sent ctrl+q and waited for."""
    cpu_before = children_cpu()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    received, elapsed, cpu = "", None, 0.0
    try:
        deadline = start + timeout
        while elapsed is None and time.perf_counter() < deadline:
            if not select.select([master], [], [], 0.5)[0]:
                continue
            try:
                chunk = os.read(master, 1 << 16)
            except OSError:  # EIO: every writer closed the terminal, the process ended
                chunk = b""
            received += decoder.decode(chunk)
            if marker is not None and marker in ANSI.sub("", received):
                elapsed = time.perf_counter() - start
                cpu = cpu_seconds(process.pid)
            elif not chunk:
                if marker is None:
                    process.wait(timeout)
                    elapsed = time.perf_counter() - start
                    cpu = children_cpu() - cpu_before
                break
        if elapsed is None:
            tail = ANSI.sub("", received)[-800:]
            raise RuntimeError(f"{argv[-1]!r}: {marker or 'exit'} not seen in {timeout} s:\n{tail}")
        if process.poll() is None:
            os.write(master, b"\x11")  # ctrl+q
            _drain_until_exit(master, process)
        return elapsed, cpu
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def _drain_until_exit(master: int, process: subprocess.Popen, timeout: float = 10) -> None:
    """Read what the app writes while it quits, so it never blocks on a full terminal."""
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline:
        if select.select([master], [], [], 0.1)[0]:
            with contextlib.suppress(OSError):
                os.read(master, 1 << 16)


def measure(
    commands: dict[str, tuple[list[str], str | None]], env: dict[str, str], repeat: int
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) times of each command, runs alternating; one run of each first, not counted."""
    for argv, marker in commands.values():
        in_terminal(argv, env, marker)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, (argv, marker) in commands.items():
            times[name].append(in_terminal(argv, env, marker))
    return times


def profile(env: dict[str, str], top: int) -> None:
    """The biggest imports of the app's start, by cumulative time (python -X importtime)."""
    code = "from soutenance.ui.app import make_app; make_app(lang='en')"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in run.stderr.splitlines()[1:]:
        if line.startswith("import time:"):
            own, cumulative, name = (
                part.strip() for part in line.removeprefix("import time:").split("|")
            )
            rows.append((int(cumulative), int(own), name))
    print(f"\nwhere the app's start goes: imports by cumulative time (top {top})")
    for cumulative, own, name in sorted(rows, reverse=True)[:top]:
        print(f"  {cumulative / 1000:8.1f} ms  (own {own / 1000:6.1f} ms)  {name}")


def report(times: dict[str, list[tuple[float, float]]], repeat: int) -> None:
    print(f"start-up, whole processes in an {COLUMNS}x{ROWS} pseudo-terminal, {repeat} runs each")
    print(f"  {'':<32} {'wall: median':>12} {'best':>8}   {'CPU: median':>11}")
    wall = {name: statistics.median(w for w, _ in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _, c in runs) for name, runs in times.items()}
    for name, runs in times.items():
        best = min(w for w, _ in runs)
        print(f"  {name:<32} {ms(wall[name]):>12} {ms(best):>8}   {ms(cpu[name]):>11}")
    version = wall["soutenance --version"]
    home, smallest = "soutenance home screen, drawn", "smallest Textual app, drawn"
    ratio = wall[home] / wall[smallest]
    print()
    print(
        f"  soutenance --version: {version:.3f} s (goal <= {VERSION_GOAL_S} s): {verdict(version <= VERSION_GOAL_S)}"
    )
    print(f"  --version / python -c pass: {version / wall['python -c pass']:.2f}")
    print(
        f"  home screen drawn / smallest Textual app drawn: {ratio:.2f} (goal <= {RATIO_GOAL}): {verdict(ratio <= RATIO_GOAL)}"
    )
    print(
        f"    the same in CPU time (less disturbed by a busy machine): {cpu[home] / cpu[smallest]:.2f}"
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3 runs of each instead of 10")
    parser.add_argument(
        "--repeat", type=int, help="runs of each command (default 10, 3 with --quick)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="also show the app start's biggest imports"
    )
    parser.add_argument("--top", type=int, default=25, help="lines of --profile output")
    parser.add_argument(
        "--returning", action="store_true", help="the settings of a returning student"
    )
    options = parser.parse_args()
    repeat = options.repeat or (3 if options.quick else 10)

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        smallest = Path(work) / "smallest_app.py"
        smallest.write_text(SMALLEST_APP, encoding="utf-8")
        (Path(work) / "home").mkdir()
        if options.returning:
            settings = {"language": "en", "student": "Camille"}
            (Path(work) / "home" / "config.json").write_text(json.dumps(settings), "utf-8")
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "SOUTENANCE")) and key not in ("COLUMNS", "LINES")
        }
        env |= {
            "SOUTENANCE_HOME": str(Path(work) / "home"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
        }
        soutenance = script("soutenance")
        commands = {
            "python -c pass": ([sys.executable, "-c", "pass"], None),
            "soutenance --version": ([soutenance, "--version"], None),
            "soutenance --help": ([soutenance, "--help"], None),
            "smallest Textual app, drawn": ([sys.executable, str(smallest)], SMALLEST_MARKER),
            "soutenance home screen, drawn": ([soutenance, "--lang", "en"], HOME_MARKER),
        }
        times = measure(commands, env, repeat)
        report(times, repeat)
        if options.profile:
            profile(env, options.top)


if __name__ == "__main__":
    main()
