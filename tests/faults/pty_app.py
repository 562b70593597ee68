"""The real `soutenance` command in a pseudo-terminal: real key presses in, the screen out.

For fault tests that kill the app as a user's machine would (SIGKILL, power cut) and start it
again the way the user does.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>]")
REPO = Path(__file__).resolve().parents[2]


class PtyApp:
    def __init__(self, *args: str, home: Path, size: tuple[int, int] = (100, 40)) -> None:
        env = os.environ | {
            "SOUTENANCE_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": str(size[0]),
            "LINES": str(size[1]), "PYTHONPATH": str(REPO), "SOUTENANCE_LANG": "fr",
        }  # fmt: skip
        env.pop("TEXTUAL", None)
        command = [sys.executable, "-m", "soutenance", *args]
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child becomes the app
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.close(master)
            os.chdir(REPO)
            os.execvpe(command[0], command, env)
        os.close(slave)
        self.fd = master
        self._output: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.status: int | None = None

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output.append(chunk.decode("utf-8", errors="replace"))

    @property
    def screen(self) -> str:
        """Everything drawn so far, escape sequences taken out."""
        with self._lock:
            raw = "".join(self._output)
        return ANSI.sub("", raw)

    def mark(self) -> int:
        return len(self.screen)

    def wait_for(self, text: str, *, after: int = 0, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.screen[after:]:
                return
            time.sleep(0.05)
        tail = self.screen[-1500:]
        raise AssertionError(f"{text!r} never appeared on the screen; last output:\n{tail}")

    def press(self, *keys: str, pause: float = 0.15) -> None:
        """Each key as the terminal sends it (" ", "\\t", "\\r", "\\x1b", "e"…), one at a time."""
        for key in keys:
            os.write(self.fd, key.encode())
            # A lone Escape read together with the next key is Alt+key to a terminal parser.
            time.sleep(max(pause, 0.6) if key == "\x1b" else pause)

    def type(self, text: str, per_character: float = 0.02) -> list[float]:
        """Type `text` key by key; the monotonic time each character left the keyboard."""
        sent = []
        for character in text:
            os.write(self.fd, character.encode())
            sent.append(time.monotonic())
            time.sleep(per_character)
        return sent

    def kill(self) -> float:
        """SIGKILL, as a crash or a power cut would: nothing more is written after this."""
        os.kill(self.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        _, self.status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return killed_at

    def close(self) -> None:
        if self.status is None:
            with contextlib.suppress(OSError):
                self.kill()
