"""The Textual app: a thin shell that holds the services and pushes screens."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from soutenance import i18n
from soutenance.banks.catalog import ProjectEntry
from soutenance.banks.discovery import bank_files, bank_roots
from soutenance.clock import Clock, SystemClock
from soutenance.config_file import FirstLook
from soutenance.i18n import t
from soutenance.ui.screens.home import HomeScreen
from soutenance.ui.screens.problems import ProblemsScreen
from soutenance.ui.services import Services
from soutenance.ui.translated import Translated

STYLES = Path(__file__).parent / "styles"
FIRST_FRAME_STYLES = ("app.tcss", "home.tcss")
"""What the home screen (and the language question) need; the other screens' stylesheets are
read once the first frame is drawn, so that parsing them is not paid before it."""
TEXTUAL_COMMANDS = {
    "Theme": "cmd.theme",
    "Quit": "cmd.quit",
    "Maximize": "cmd.maximize",
    "Minimize": "cmd.minimize",
    "Screenshot": "cmd.screenshot",
}
"""Textual's own palette commands, by their English title, and our catalog key for each."""

if TYPE_CHECKING:  # opened or read on first use, not at import
    from soutenance.config import Config
    from soutenance.store import Store


class SoutenanceApp(Translated, App[None]):
    CSS_PATH = [STYLES / name for name in FIRST_FRAME_STYLES]
    TITLE = "soutenance"
    BINDINGS = [
        # Everywhere, and in the command palette; left out of the footers so that each screen's own
        # keys fit 80 columns.
        Binding("ctrl+q", "quit", "app.quit", id="quit", priority=True, show=False),
    ]
    BANK_CHECK_SECONDS = 2.0
    """How often the bank files are looked at (one stat each) for changes made outside the app."""

    def __init__(
        self,
        services: Services,
        first_screen: Screen | None = None,
        first_look: FirstLook | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self._first_screen = first_screen
        self.first_look = first_look or FirstLook()
        """What the first frame uses of the settings, before `services.config` is read."""
        self.first_request: Any = None
        """A RehearsalRequest from the command line, started once the app is up."""
        self.first_frame_drawn = False
        self.warm_up: Callable[[], object] | None = None
        """Run in a worker thread once the first frame is drawn (see ui/launch.py)."""
        if self.first_look.theme in self.available_themes:
            self.theme = self.first_look.theme

    def on_mount(self) -> None:
        self.sub_title = t("app.subtitle")
        self._shown_catalog = self.services.catalog
        self._banks_on_disk: dict[str, tuple[int, int]] | None = None
        self._checking_banks = False
        self.set_interval(self.BANK_CHECK_SECONDS, self.check_banks)
        if self.services.ask_language:
            self.push_screen(language_choice(self.services.language), self._language_chosen)

    def get_default_screen(self) -> Screen:
        # The home screen is the base of the stack, composed with the app: its first frame is drawn
        # as soon as the app is laid out (a screen pushed from on_mount waits for a second pass).
        # Its texts are in the chosen language: a language to ask for first keeps a blank base.
        if self.services.ask_language:
            return super().get_default_screen()
        return HomeScreen()

    def _language_chosen(self, language: str | None) -> None:
        services = self.services
        services.language = language or services.language
        services.ask_language = False
        i18n.set_language(services.language)
        services.config.language = services.language  # asked once: kept for the next starts
        services.config.save()
        self.sub_title = t("app.subtitle")
        self._open_home()

    @property
    def last_project(self) -> str | None:
        """The reference of the project last started (the home screen selects it)."""
        if self.services.loaded_config is None:  # the first frame: the file as written
            return self.first_look.last_project
        return self.services.config.last_project

    def _open_home(self) -> None:
        """The home screen, once the language is chosen (over the blank base: see
        get_default_screen), then what was asked for."""
        self.push_screen(HomeScreen())
        self.call_after_refresh(self._say_config_problems)

    def on_ready(self) -> None:
        # The first frame is on its way (Textual posts Ready before writing it): once the screen is
        # refreshed, read and validate the settings (pydantic), then open what was asked for.
        self.screen.call_after_refresh(self._first_frame_done)

    def _first_frame_done(self) -> None:
        self.first_frame_drawn = True
        self._read_other_styles()
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.look_at_start()
        if not self.services.ask_language:
            self._say_config_problems()
        if self.warm_up is not None:
            self.run_worker(self.warm_up, thread=True, group="warm-up", exit_on_error=False)

    def _read_other_styles(self) -> None:
        others = [
            path for path in sorted(STYLES.glob("*.tcss")) if path.name not in FIRST_FRAME_STYLES
        ]
        self.stylesheet.read_all(others)
        self.refresh_css(animate=False)

    def _say_config_problems(self) -> None:
        for problem in self.services.config.problems:  # said once, at start, over the home screen
            self.notify(str(problem), severity="warning", timeout=15, markup=False)
        if self._first_screen is not None:
            self.push_screen(self._first_screen)
        if self.first_request is not None:
            self._start_request(self.first_request)

    def _start_request(self, request: Any) -> None:
        from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen
        from soutenance.ui.start import StartError, build_screen

        try:
            self.push_screen(build_screen(self, request))
        except StartError:
            self.push_screen(
                RehearsalSetupScreen(request.entry, mock=request.mock, request=request)
            )

    @property
    def store(self) -> Store:
        """The session store; the first use tells the user when it had to fall back to memory."""
        opened = self.services.store is not None
        store = self.services.get_store()
        if not opened and (warning := store_warning(store)):
            self.notify(warning, severity="warning", timeout=20, markup=False)
        return store

    def watch_theme(self, theme: str) -> None:
        if self.services.loaded_config is None and theme == self.first_look.theme:
            return  # the settings' own theme, set at start: nothing to keep
        if self.services.config.theme != theme:
            self.services.config.theme = theme
            self.services.config.save()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Keys":  # ours lists this screen's keys in the right language
                yield SystemCommand(t("cmd.keys"), t("cmd.keys_help"), self.action_show_keys)
            elif command.title in TEXTUAL_COMMANDS:
                key = TEXTUAL_COMMANDS[command.title]
                yield SystemCommand(t(key), t(f"{key}_help"), command.callback)
            else:
                yield command
        yield SystemCommand(t("home.problems"), t("cmd.problems_help"), self.action_show_problems)
        yield from self._binding_commands(screen)
        palette_commands = getattr(screen, "palette_commands", None)
        if palette_commands is not None:
            yield from palette_commands()

    def _binding_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the screen described in our catalogs is also a command of the palette.

        Keys that take an argument (tick the 3rd point) are left to the keyboard:
        one palette entry could only ever run one of them.
        """
        seen: set[str] = set()
        ours = set(i18n.catalog(self.services.language).values())
        for active in screen.active_bindings.values():
            binding = active.binding
            if not (active.enabled and binding.description) or binding.description in seen:
                continue
            if binding.description not in ours:  # a text field's keys, in Textual's English
                continue
            if not binding.show and "(" in binding.action:
                continue
            if binding.action in ("quit", "app.quit", "command_palette", "app.command_palette"):
                continue
            seen.add(binding.description)
            node = active.node

            async def run(node: Any = node, action: str = binding.action) -> None:
                await self.run_action(action, node)

            yield SystemCommand(binding.description, self.get_key_display(binding), run)

    def get_key_display(self, binding: Binding) -> str:
        """Keys named in the interface language ("espace", "échap"), as on the keyboard."""
        shown = super().get_key_display(binding)
        names = i18n.catalog(self.services.language)
        return "+".join(names.get(f"keyname.{part}", part) for part in shown.split("+"))

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=t("palette.placeholder"))
            )

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=t("palette.themes")))

    def action_show_keys(self) -> None:
        from soutenance.ui.modals.keys import KeysModal

        self.push_screen(KeysModal(self.screen))

    async def action_quit(self) -> None:
        """Quit; during a session, ask first (its default is to go on). The session stays
        unfinished, saved up to now, and is offered for resuming at the next start."""
        screen = self.screen
        run = getattr(screen, "run", None)
        if not getattr(screen, "running", False) or run is None:
            await super().action_quit()
            return
        from soutenance.ui.modals.choice import confirm

        def answered(yes: bool | None) -> None:
            if yes:
                screen.flush_typing()
                run.checkpoint()
                run.release()
                self.exit()

        on_disk = getattr(self.services.store, "persistent", True)
        message = t("run.confirm_quit") if on_disk else t("store.memory_quit")
        self.push_screen(confirm(message, yes=t("app.quit"), no=t("run.go_on")), answered)

    async def check_banks(self) -> None:
        """Reload the banks when a file was created, changed or deleted since the last look, say
        which files no longer load, and let the screens showing banks (`banks_changed`) update."""
        if self._checking_banks:  # the last look is not over (a slow disk): skip this one
            return
        self._checking_banks = True
        try:
            await self._check_banks()
        finally:
            self._checking_banks = False

    async def _check_banks(self) -> None:
        services = self.services
        # In a thread: the screen never waits on a slow disk.
        on_disk = await asyncio.to_thread(_bank_file_stats, services.banks)
        looked, self._banks_on_disk = self._banks_on_disk, on_disk
        known = {s.file: (s.size, s.mtime_ns) for s in services.catalog.files}
        if on_disk != looked and on_disk != known:
            broken = {summary.file for summary in services.catalog.problems}
            for summary in services.reload_catalog().problems:
                if summary.file not in broken:
                    first = next((str(d) for d in summary.diagnostics if d.is_error), "")
                    message = t("be.reload.problem", file=summary.file, error=first)
                    self.notify(message, severity="error", timeout=15, markup=False)
        if services.catalog is not self._shown_catalog:  # reloaded here, or after an edit
            self._shown_catalog = services.catalog
            for screen in list(self.screen_stack):
                # A screen still being composed shows the new catalog anyway when it mounts.
                if screen.is_mounted and (update := getattr(screen, "banks_changed", None)):
                    await update()

    def action_show_problems(self) -> None:
        self.push_screen(ProblemsScreen())

    def start_rehearsal(self, entry: ProjectEntry, *, mock: bool) -> None:
        from soutenance.ui.screens.rehearsal_setup import RehearsalSetupScreen

        self.push_screen(RehearsalSetupScreen(entry, mock=mock))


def language_choice(default: str) -> Screen:
    from soutenance.ui.modals.choice import ChoiceModal

    # Both languages at once: the user has not chosen yet.
    message = i18n.translate("fr", "lang.prompt") + "\n" + i18n.translate("en", "lang.prompt")
    return ChoiceModal(message, [("Français", "fr"), ("English", "en")], default=default,
                       title="Langue · Language")  # fmt: skip


def _bank_file_stats(banks: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every bank file, by path: what changes when a file does."""
    found = {}
    for root in bank_roots(banks):
        for path in bank_files(root.path):
            with contextlib.suppress(OSError):
                stat = path.stat()
                found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def store_warning(store: Any) -> str | None:
    """The store's warning in the interface language, its technical detail kept as is."""
    detail = getattr(store, "warning", None)
    if not detail:
        return None
    if not getattr(store, "persistent", True):
        return t("store.memory", detail=detail)
    return detail  # a salvaged database's warning is translated already (open_store)


def make_app(
    *,
    banks: Sequence[Path] = (),
    lang: str | None = None,
    clock: Clock | None = None,
    store: Store | None = None,
    config: Config | None = None,
    first_screen: Screen | None = None,
    seed: int | None = None,
    ask_language: bool = False,
) -> SoutenanceApp:
    """The one way to build the app, for the CLI and the tests alike.

    `seed` fixes the live challenge's random picks (tests and snapshots); None draws afresh.
    `ask_language`: on a first start where nothing names French or English (`--lang`, the
    config, SOUTENANCE_LANG, the locale), ask once and keep the answer in the config.
    """
    if config is None:
        from soutenance import paths

        first_look = FirstLook.read(paths.config_path())
    else:
        first_look = FirstLook(config.language, config.theme, config.last_project)
    language = i18n.detect_language(lang, first_look.language)
    i18n.set_language(language)
    services = Services(
        clock=clock or SystemClock(),
        loaded_config=config,
        config_loader=_load_config,
        language=language,
        banks=tuple(banks),
        store=store,
        store_opener=None if store is not None else _open_default_store,
        seed=seed,
        ask_language=ask_language and not i18n.language_known(lang, first_look.language),
    )
    services.reload_catalog()
    return SoutenanceApp(services, first_screen, first_look)


def _load_config() -> Config:
    from soutenance.config import Config

    return Config.load()


def _open_default_store() -> Store:
    from soutenance import paths
    from soutenance.store import open_store

    return open_store(paths.database_path())
