"""The root `soutenance` command group: each command is imported when it runs, not before."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from soutenance import __version__
from soutenance.cli.lazy import Lazy, LazyGroup
from soutenance.cli.translation import configured_language, speaking

BANK = "soutenance.cli.bank"
BANK_EDIT = "soutenance.cli.bank_edit"
MENTOR = "soutenance.cli.mentor"
PROGRESS = "soutenance.cli.progress"
SESSIONS = "soutenance.cli.sessions"
VOICE = "soutenance.cli.voice"

HELP_ASKED = "soutenance.help_asked"
"""In the root context's meta: --help or -h is among the words, so no command will run."""

# Where each command lives, and its help for `--help` (tests/unit/test_cli_lazy.py keeps both
# true to the commands themselves).
COMMANDS = {
    "bank": Lazy(
        f"{BANK}:bank_group",
        "Question banks: check, list, and edit them.",
        commands={
            "add": Lazy(
                f"{BANK_EDIT}:add_command",
                "Add questions to a bank; prints the id of each question added.",
            ),
            "add-follow-up": Lazy(
                f"{BANK_EDIT}:add_follow_up_command",
                "Append one follow-up, with its key points, to a question; the others stay as they"
                " are.",
            ),
            "copy": Lazy(
                f"{BANK_EDIT}:copy_command",
                "Copy a project (e.g. a bundled one) into your bank folder, where it replaces the"
                " original.",
            ),
            "edit": Lazy(
                f"{BANK_EDIT}:edit_command",
                "Change a question; each option given replaces that value, the others stay as they"
                " are.",
            ),
            "fact": Lazy(
                f"{BANK_EDIT}:fact_command",
                "List the project's facts, declare one (NAME LABEL), or remove one (NAME --remove).",
            ),
            "import": Lazy(
                f"{BANK_EDIT}:import_command",
                "Import questions from CSV, Anki text (notes in plain text) or a Markdown list.",
            ),
            "lint": Lazy(
                f"{BANK}:lint_command",
                "Check bank files: one line per problem, FILE:LINE:COL: error|warning: MESSAGE.",
            ),
            "list": Lazy(
                f"{BANK}:list_command", "Paths, projects, question counts and source files."
            ),
            "new": Lazy(
                f"{BANK_EDIT}:new_command",
                "Create a new project bank from a template, with commented guidance.",
            ),
            "rm": Lazy(f"{BANK_EDIT}:rm_command", "Delete a question."),
            "schema": Lazy(
                f"{BANK}:schema_command",
                "The JSON Schema of bank files, generated from the model that validates them.",
            ),
        },
    ),
    "delete": Lazy(
        f"{SESSIONS}:delete_command",
        "Delete a session (an id or a unique prefix, as `history` prints), with its notes.",
    ),
    "export": Lazy(
        f"{SESSIONS}:export_command",
        "Export a session as Markdown (for an email) or JSON (for your mentor to import).",
    ),
    "history": Lazy(
        f"{SESSIONS}:history_command",
        "Past sessions, newest first, with the ids that `export` takes.",
    ),
    "import": Lazy(
        f"{MENTOR}:import_command",
        "Import session exports (JSON) sent by a student, or sent back reviewed by the mentor.",
    ),
    "plan": Lazy(
        f"{PROGRESS}:plan_command",
        "How many sessions of N questions are needed to see the project by the defense date.",
    ),
    "project-card": Lazy(
        "soutenance.cli.project_card:project_card_command",
        "Show or fill in a student's project card: their own figures, put into the questions.",
    ),
    "recordings": Lazy(
        f"{VOICE}:recordings_group",
        "Your recorded answers: where they are, what they take, and deleting them.\n\n"
        "Recordings never leave this computer unless you export a session with its audio.",
        commands={
            "list": Lazy(
                f"{VOICE}:list_command", "Sessions that have recordings, the most recent first."
            ),
            "rm": Lazy(
                f"{VOICE}:rm_command",
                "Delete a session's recordings (SESSION: its id, or the first characters `history`"
                " shows), or every recording older than --older-than.",
            ),
        },
    ),
    "rehearse": Lazy(
        f"{SESSIONS}:rehearse_command",
        "Rehearse a project's questions now, or run a mock defense with --mock.",
    ),
    "serve": Lazy(
        "soutenance.cli.serve:serve_command",
        "Serve the app to web browsers: each tab runs its own app on this data dir.",
    ),
    "stats": Lazy(
        f"{PROGRESS}:stats_command",
        "Progress: a student's sessions, trends and calibration, or each question across students.",
    ),
    "student": Lazy(
        f"{MENTOR}:student_group",
        "The mentor's roster: add, list, edit, archive and merge students; reassign a session.",
        commands={
            "add": Lazy(f"{MENTOR}:add_command", "Add a student to the roster."),
            "archive": Lazy(
                f"{MENTOR}:archive_command",
                "Archive a student (kept with their sessions, hidden from the roster).",
            ),
            "edit": Lazy(
                f"{MENTOR}:edit_command",
                "Change a student's name, paths, project, language or defense date.",
            ),
            "list": Lazy(
                f"{MENTOR}:list_command",
                "The roster: last session, defense date and open objectives of each student.",
            ),
            "merge": Lazy(
                f"{MENTOR}:merge_command",
                "File A's sessions (with their objectives) under B and take A out of the roster.",
            ),
            "reassign": Lazy(
                f"{MENTOR}:reassign_command",
                "File one session (an id or a unique prefix, as `history` prints) under another"
                " student.",
            ),
        },
    ),
    "transcription": Lazy(
        f"{VOICE}:transcription_group",
        "The speech-to-text model: whether it is here, and fetching it ahead of time.\n\n"
        "Transcripts are made on this computer; only the model is downloaded, once.",
        commands={
            "download": Lazy(
                f"{VOICE}:download_command",
                "Fetch the faster-whisper model now (for an offline machine later: copy its folder"
                " and set `model_dir` in the settings).",
            ),
            "status": Lazy(
                f"{VOICE}:status_command",
                "Which recogniser and model the settings choose, and whether it is ready.",
            ),
        },
    ),
}


@dataclass(frozen=True)
class RootOptions:
    """What the root command's options leave for every subcommand (`context.obj`)."""

    banks: tuple[Path, ...] = ()
    lang: str | None = None


class RootGroup(LazyGroup):
    """The root group: the language is chosen before click parses, as parse errors print then."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **kwargs: Any) -> Any:
        from soutenance import i18n

        given = self.root_option(sys.argv[1:] if args is None else list(args), "lang")
        with speaking(i18n.detect_language(given, configured_language())):
            return super().main(args, *rest, **kwargs)

    def parse_args(self, context: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(context, args)
        words = args[: args.index("--")] if "--" in args else args
        context.meta[HELP_ASKED] = any(word in ("-h", "--help") for word in words)
        return rest

    def root_option(self, args: list[str], name: str) -> str | None:
        """The value of the root's option `name` in `args`, read up to the command's name."""
        wanted = next(p for p in self.params if p.name == name)
        valued = {
            opt
            for p in self.params
            if isinstance(p, click.Option) and not p.is_flag and not p.count
            for opt in p.opts
        }
        words = iter(args)
        for word in words:
            option, equals, value = word.partition("=")
            if word == "--" or not word.startswith("-"):
                return None
            if option in wanted.opts:
                return value if equals else next(words, None)
            if option in valued and not equals:
                next(words, None)
        return None


@click.group(
    cls=RootGroup,
    commands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(
    __version__, "-V", "--version", prog_name="soutenance", help="Show the version and exit."
)
@click.option(
    "--banks",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of question banks (repeatable); it shadows the bundled banks.",
)
@click.option("--lang", type=click.Choice(["fr", "en"]), help="Language of the interface.")
@click.pass_context
def cli(context: click.Context, banks: tuple[Path, ...], lang: str | None) -> None:
    """soutenance: rehearse the questions of your oral defense, alone or with your mentor.

    With no command, the app opens on the bundled banks and yours.
    """
    context.obj = RootOptions(banks, lang)
    if context.invoked_subcommand is not None and not context.meta.get(HELP_ASKED):
        say_config_problems()
    if context.invoked_subcommand is None:
        from soutenance.ui.launch import run_tui

        sys.exit(run_tui(banks=banks, lang=lang))


def say_config_problems() -> None:
    """Each bad value of config.json, once, on stderr in the command's language: its default is
    used. (The app shows them itself; help pages read no settings, to stay quick.)"""
    from soutenance.config import Config
    from soutenance.text import visible

    for problem in Config.load().problems:
        click.echo(visible(str(problem)), err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: never lets a traceback reach the user; it goes to a log file instead."""
    try:
        return cli.main(args=argv, prog_name="soutenance", standalone_mode=True) or 0
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        from soutenance.i18n import t

        log = _write_crash_log()
        click.echo(t("cli.crash", error=exc), err=True)
        if log:
            click.echo(t("cli.crash_log", log=log), err=True)
        return 1


def _write_crash_log() -> Path | None:
    import traceback

    from soutenance import paths

    try:
        folder = paths.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "crash.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
        return log
    except OSError:
        return None
