"""What every screen reaches through `app.services`: banks, store, clock and settings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from soutenance.banks.catalog import Catalog, build_catalog
from soutenance.clock import Clock
from soutenance.config import Config


@dataclass
class Services:
    clock: Clock
    config: Config
    language: str
    banks: Sequence[Path] = ()
    catalog: Catalog | None = None
    store: Any = None
    store_opener: Any = None
    seed: int | None = None
    ask_language: bool = False
    """Ask for the language before the home screen (a first start on another locale)."""
    """Seeds the live challenge's random picks; None draws afresh each time."""

    def reload_catalog(self) -> Catalog:
        self.catalog = build_catalog(self.banks)
        return self.catalog

    def get_store(self) -> Any:
        """The session store, opened on first use (it may fall back to memory: see store.warning)."""
        if self.store is None and self.store_opener is not None:
            self.store = self.store_opener()
        return self.store
