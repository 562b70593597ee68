"""The `soutenance` command: the TUI by default, and subcommands for banks and sessions."""

from __future__ import annotations

import sys

from soutenance.cli.app import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
