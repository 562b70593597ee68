"""The root `soutenance` command group."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from soutenance import __version__, paths
from soutenance.cli.bank import bank_group
from soutenance.cli.mentor import import_command, student_group
from soutenance.cli.progress import plan_command, stats_command
from soutenance.cli.serve import serve_command
from soutenance.cli.sessions import export_command, history_command, rehearse_command
from soutenance.cli.voice import recordings_group, transcription_group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="soutenance")
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
    context.obj = {"banks": banks, "lang": lang}
    if context.invoked_subcommand is None:
        from soutenance.ui.launch import run_tui

        sys.exit(run_tui(banks=banks, lang=lang))


cli.add_command(bank_group)
cli.add_command(rehearse_command)
cli.add_command(export_command)
cli.add_command(history_command)
cli.add_command(student_group)
cli.add_command(import_command)
cli.add_command(stats_command)
cli.add_command(plan_command)
cli.add_command(serve_command)
cli.add_command(recordings_group)
cli.add_command(transcription_group)


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
        log = _write_crash_log()
        click.echo(f"soutenance: unexpected error: {exc}", err=True)
        if log:
            click.echo(f"details were written to {log}", err=True)
        return 1


def _write_crash_log() -> Path | None:
    try:
        folder = paths.data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "crash.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
        return log
    except OSError:
        return None
