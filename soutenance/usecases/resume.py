"""Going on with an unfinished session exactly where it was, in this window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from soutenance.banks.catalog import BankUnavailable, Catalog
from soutenance.banks.model import Bank
from soutenance.clock import Clock
from soutenance.session.model import new_id
from soutenance.session.plan import differs_from_bank
from soutenance.session.run import SessionRun


@dataclass
class Resumed:
    run: SessionRun
    bank: Bank | None
    """The project's bank as it is now (None when it is gone): a live challenge draws from it."""
    bank_changed: bool
    """The bank changed or disappeared since the draw: the session goes on with the questions as
    they were drawn, and the screen says so."""


def resume_session(
    store: Any, session_id: str, *, clock: Clock, catalog: Catalog, take_over: bool = False
) -> Resumed:
    """Take the session's lease and rebuild its run, clocks paused where they were.

    Raises SessionOpenElsewhere (soutenance.store) when another live window holds it, unless
    `take_over`; SessionNotFound when it is gone.
    """
    holder = new_id()
    session = store.open_session(session_id, holder, take_over=take_over)
    bank = _current_bank(catalog, f"{session.path_id}/{session.project_id}")
    changed = bank is None or any(differs_from_bank(q, bank.question(q.id)) for q in session.plan)
    run = SessionRun.resumed(session, clock, store, holder=holder)
    return Resumed(run, bank, changed)


def _current_bank(catalog: Catalog, ref: str) -> Bank | None:
    entries = catalog.find(ref)
    if len(entries) != 1:
        return None
    try:
        return catalog.load(entries[0])
    except BankUnavailable:
        return None
