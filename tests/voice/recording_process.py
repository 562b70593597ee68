"""Fault-test helper: records a file played in real time, as from a microphone, until killed.

    python recording_process.py WAV

It prints one line per event, as it happens:
- `fed SECONDS` before each block goes to the recorder (the block included): what it printed
  last is at least what the recorder was given when the process was stopped;
- `written SECONDS BATCH` each time the recorder's writer has handed a batch to the file (the
  recorder's acknowledgement, `Recorder.written`): what it printed last is at most what the
  encoder had been given when the process was stopped;
- `started` once the recorder's threads run.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import numpy as np

from soutenance.voice.recorder import Recorder
from soutenance.voice.streams import FileStream, OnBlock

_print_lock = threading.Lock()


def say(line: str) -> None:
    with _print_lock:  # two threads print: whole lines only
        print(line, flush=True)


class Reporting:
    def __init__(self, stream: FileStream) -> None:
        self.stream = stream
        self.samplerate = stream.samplerate
        self.fed = 0

    def start(self, on_block: OnBlock) -> None:
        def report(block) -> None:
            self.fed += block.size
            say(f"fed {self.fed / self.samplerate:.4f}")
            on_block(block)

        self.stream.start(report)

    def stop(self) -> None:
        self.stream.stop()


class Acknowledging(Recorder):
    """The recorder itself, saying when its writer has handed samples to the file."""

    def _write_samples(self, samples: np.ndarray) -> None:
        super()._write_samples(samples)
        say(f"written {self.written:.4f} {samples.size / self.stream.samplerate:.4f}")


def main() -> int:
    recorder = Acknowledging(Reporting(FileStream(Path(sys.argv[1]))))
    path = recorder.start("killed-session", "answer")
    print(f"recording {path}", file=sys.stderr, flush=True)
    say("started")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
