"""A child process that lints the bank files named on its standard input, one reply line each.

Used by the mutation fuzz: the test waits for each reply with a deadline, so a hang is a
failure rather than a stuck test run. Each reply is the JSON list of the printed lint lines, or
{"crash": TRACEBACK} when linting raised.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from soutenance.banks.catalog import catalog_of_roots
from soutenance.banks.discovery import BankRoot, RootKind


def main() -> None:
    for line in sys.stdin:
        path = Path(line.rstrip("\n"))
        try:
            catalog = catalog_of_roots([BankRoot(path, RootKind.USER)], across_projects=True)
            reply: object = [str(d) for d in catalog.diagnostics()]
        except BaseException:  # noqa: BLE001 - the test reports it
            reply = {"crash": traceback.format_exc()}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
