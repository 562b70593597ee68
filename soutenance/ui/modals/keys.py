"""The keys of the screen underneath, in the interface language (the palette's "Keys")."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from soutenance.i18n import catalog, current_language, t
from soutenance.ui.translated import Translated


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, what they do) for the screen's own keys and the app's, one line per action.

    Only keys described by our catalogs: the editing keys of Textual's text fields and lists
    (arrows, Ctrl+Z…) are the usual ones, named once in a note rather than listed in English.
    """
    ours = set(catalog(current_language()).values())
    lines: dict[str, tuple[list[str], str]] = {}
    for active in screen.active_bindings.values():
        binding: Binding = active.binding
        if binding.system or binding.description not in ours:
            continue
        shown = binding.key_display or screen.app.get_key_display(binding)
        keys, _ = lines.setdefault(binding.description, ([], binding.description))
        if shown not in keys:
            keys.append(shown)
    return [(" ".join(keys), description) for keys, description in lines.values()]


class KeysModal(Translated, ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "app.back", id="close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.keys = screen_keys(screen)

    def compose(self) -> ComposeResult:
        width = max((len(keys) for keys, _ in self.keys), default=0)
        listing = Text()
        for keys, description in self.keys:
            listing.append(keys.rjust(width), style="bold")
            listing.append(f"  {description}\n")
        with Vertical(classes="modal keys-modal"):
            yield Static(Text(t("keys.title")), classes="title")
            with VerticalScroll():
                yield Static(listing, id="keys-list")
            yield Static(Text(t("keys.editing")), classes="hint")
