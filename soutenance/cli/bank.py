"""`soutenance bank …`: lint, list and the JSON Schema of banks."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from soutenance import i18n
from soutenance.banks.catalog import catalog_of_roots
from soutenance.banks.discovery import BankRoot, RootKind, bank_roots
from soutenance.banks.lint import summarize
from soutenance.banks.schema import schema_text
from soutenance.cli.bank_edit import register as register_editing_commands
from soutenance.cli.common import banks_option, counted, echo_err, load_catalog
from soutenance.files import atomic_write_text
from soutenance.text import visible


@click.group("bank")
def bank_group() -> None:
    """Question banks: check, list, and edit them."""


@bank_group.command("lint")
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path, readable=False))
@click.option("--strict", is_flag=True, help="Warnings count as failures too (exit status 1).")
@banks_option
def lint_command(targets: tuple[Path, ...], strict: bool, banks: tuple[Path, ...]) -> None:
    """Check bank files: one line per problem, FILE:LINE:COL: error|warning: MESSAGE.

    With no TARGETS, every bank soutenance would load is checked. Projects of one path are also
    checked against each other (question ids used twice, near-duplicate questions). Exit status:
    0 when no error (warnings allowed unless --strict), 1 otherwise, 2 on a usage error.
    """
    if targets:
        missing = next((t for t in targets if not _may_exist(t)), None)
        if missing is not None:
            raise click.BadParameter(
                i18n.t("cli.bank.no_such_file", file=visible(str(missing))), param_hint="TARGETS"
            )
        roots = [BankRoot(t, RootKind.USER) for t in targets]
    else:
        roots = bank_roots(banks)
    catalog = catalog_of_roots(roots, across_projects=True)
    diagnostics = catalog.diagnostics()
    for diagnostic in diagnostics:
        click.echo(str(diagnostic))
    errors, warnings = summarize(diagnostics)
    files = len(catalog.files)
    echo_err(
        i18n.t(
            "cli.bank.lint.summary",
            files=counted("cli.bank.lint.files", files),
            errors=counted("cli.bank.lint.errors", errors),
            warnings=counted("cli.bank.lint.warnings", warnings),
        )
    )
    sys.exit(1 if errors or (strict and warnings) else 0)


def _may_exist(target: Path) -> bool:
    """False only when nothing is there; a path that cannot be checked is linted (and says why)."""
    try:
        os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return os.path.islink(target)  # a dangling link is there, and gets "cannot read file"
    except ValueError:
        return False
    except OSError:
        return True
    return True


@bank_group.command("list")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@banks_option
def list_command(output: str, banks: tuple[Path, ...]) -> None:
    """Paths, projects, question counts and source files."""
    catalog = load_catalog(banks)
    if output == "json":
        rows = [
            {
                "path": e.summary.path_name,
                "path_id": e.summary.path_id,
                "project": e.summary.project_id,
                "title": e.summary.title,
                "language": e.summary.language,
                "questions": e.summary.question_count,
                "file": e.summary.file,
                "source": str(e.root.kind),
                "shadows": e.shadows,
            }
            for entries in catalog.by_path().values()
            for e in entries
        ]
        problems = [
            {"file": p.file, "errors": [str(d) for d in p.diagnostics if d.is_error]}
            for p in catalog.problems
        ]
        click.echo(_json_for_terminal({"projects": rows, "problems": problems}))
        return
    for path_name, entries in catalog.by_path().items():
        click.echo(click.style(visible(path_name), bold=True))
        for e in entries:
            s = e.summary
            click.echo(
                f"  {visible(e.ref):<45} {counted('cli.bank.list.questions', s.question_count):>14}"
                f"  [{visible(s.language)}]  {visible(s.title)}"
            )
            click.echo(
                f"  {'':<45} {visible(s.file)}"
                + (
                    "  " + i18n.t("cli.bank.list.shadows", count=len(e.shadows))
                    if e.shadows
                    else ""
                )
            )
    for problem in catalog.problems:
        errors = sum(d.is_error for d in problem.diagnostics)
        echo_err(
            i18n.t(
                "cli.bank.list.not_loaded",
                file=visible(problem.file),
                errors=counted("cli.bank.lint.errors", errors),
            )
        )


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _json_for_terminal(data: object) -> str:
    """JSON with readable accents, but every character a terminal could act on written as \\uXXXX."""
    text = json.dumps(data, ensure_ascii=False, indent=2)  # escapes the C0 controls already
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


@bank_group.command("schema")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file."
)
def schema_command(output: Path | None) -> None:
    """The JSON Schema of bank files, generated from the model that validates them."""
    if output:
        try:
            atomic_write_text(output, schema_text())
        except OSError as error:
            raise click.ClickException(
                f"cannot write {visible(str(output))}: {visible(str(error))}"
            ) from None
    else:
        click.echo(schema_text(), nl=False)


register_editing_commands(bank_group)
