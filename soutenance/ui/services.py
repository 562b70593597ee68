"""What every screen reaches through `app.services`: banks, store, clock and settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from soutenance.banks.catalog import Catalog, build_catalog
from soutenance.clock import Clock

if TYPE_CHECKING:  # the store (sqlite and its migrations) is imported when first opened
    from textual.message_pump import MessagePump

    from soutenance.config import Config
    from soutenance.store import Store
    from soutenance.usecases.session_recorder import OpenRecorder


@dataclass
class Services:
    clock: Clock
    loaded_config: Config | None
    """The settings, once read and validated (see `config`)."""
    language: str
    banks: Sequence[Path] = ()
    catalog: Catalog | None = None
    store: Store | None = None
    store_opener: Callable[[], Store] | None = None
    seed: int | None = None
    ask_language: bool = False
    """Ask for the language before the home screen (a first start on another locale)."""
    """Seeds the live challenge's random picks; None draws afresh each time."""
    open_recorder: OpenRecorder | None = None
    """Makes the recorder of spoken answers (tests feed it a file); None: the default microphone."""
    config_loader: Callable[[], Config] | None = None
    """Reads and validates the settings when `config` is first used, after the first frame:
    validation (pydantic) is not paid before the home screen is drawn."""

    @property
    def config(self) -> Config:
        if self.loaded_config is None:
            if self.config_loader is None:
                raise RuntimeError("the app was built without settings or a way to read them")
            self.loaded_config = self.config_loader()
        return self.loaded_config

    def reload_catalog(self) -> Catalog:
        self.catalog = build_catalog(self.banks)
        return self.catalog

    def get_store(self) -> Store:
        """The session store, opened on first use (it may fall back to memory: see store.warning)."""
        if self.store is None:
            if self.store_opener is None:
                raise RuntimeError("the app was built without a store or a way to open one")
            self.store = self.store_opener()
        return self.store


class ServicesApp(Protocol):
    """What the screens use of the app: its services and its store (opened on first use)."""

    services: Services

    @property
    def store(self) -> Store: ...


def app_of(node: MessagePump) -> ServicesApp:
    """The running app, typed: Textual types `node.app` as a plain App."""
    return cast("ServicesApp", node.app)
