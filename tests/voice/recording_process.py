"""Fault-test helper: records a file played in real time, as from a microphone, until killed.

    python recording_process.py WAV

Before each block goes to the recorder it prints the seconds fed so far, the block included:
what it printed last is at least what the recorder was given when the process was stopped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from soutenance.voice.recorder import Recorder
from soutenance.voice.streams import FileStream, OnBlock


class Reporting:
    def __init__(self, stream: FileStream) -> None:
        self.stream = stream
        self.samplerate = stream.samplerate
        self.fed = 0

    def start(self, on_block: OnBlock) -> None:
        def report(block) -> None:
            self.fed += block.size
            print(f"{self.fed / self.samplerate:.4f}", flush=True)
            on_block(block)

        self.stream.start(report)

    def stop(self) -> None:
        self.stream.stop()


def main() -> int:
    recorder = Recorder(Reporting(FileStream(Path(sys.argv[1]))))
    path = recorder.start("killed-session", "answer")
    print(f"recording {path}", file=sys.stderr, flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
