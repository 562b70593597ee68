"""`soutenance bank …`: lint, list and the JSON Schema of banks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from soutenance.banks.catalog import catalog_of_roots
from soutenance.banks.discovery import BankRoot, RootKind
from soutenance.banks.lint import summarize
from soutenance.banks.schema import schema_text
from soutenance.cli.bank_edit import register as register_editing_commands
from soutenance.cli.common import banks_option, echo_err, load_catalog


@click.group("bank")
def bank_group() -> None:
    """Question banks: check, list, and edit them."""


@bank_group.command("lint")
@click.argument("targets", nargs=-1, type=click.Path(path_type=Path))
@banks_option
def lint_command(targets: tuple[Path, ...], banks: tuple[Path, ...]) -> None:
    """Check bank files: one line per problem, FILE:LINE:COL: error|warning: MESSAGE.

    With no TARGETS, every bank soutenance would load is checked. Exit status: 0 when no
    error, 1 when any error, 2 on a usage error.
    """
    if targets:
        missing = [t for t in targets if not t.exists()]
        if missing:
            raise click.BadParameter(f"no such file or folder: {missing[0]}", param_hint="TARGETS")
        catalog = catalog_of_roots([BankRoot(t, RootKind.USER) for t in targets], use_cache=False)
    else:
        catalog = load_catalog(banks)
    diagnostics = catalog.diagnostics()
    for diagnostic in diagnostics:
        click.echo(str(diagnostic))
    errors, warnings = summarize(diagnostics)
    files = len(catalog.files)
    echo_err(f"{files} file{'s' * (files != 1)} checked: {errors} error{'s' * (errors != 1)}, "
             f"{warnings} warning{'s' * (warnings != 1)}")
    sys.exit(1 if errors else 0)


@bank_group.command("list")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
        problems = [{"file": p.file, "errors": [str(d) for d in p.diagnostics if d.is_error]} for p in catalog.problems]
        click.echo(json.dumps({"projects": rows, "problems": problems}, ensure_ascii=False, indent=2))
        return
    for path_name, entries in catalog.by_path().items():
        click.echo(click.style(path_name, bold=True))
        for e in entries:
            s = e.summary
            click.echo(f"  {e.ref:<45} {s.question_count:>4} questions  [{s.language}]  {s.title}")
            click.echo(f"  {'':<45} {s.file}" + (f"  (shadows {len(e.shadows)})" if e.shadows else ""))
    for problem in catalog.problems:
        errors = sum(d.is_error for d in problem.diagnostics)
        echo_err(f"{problem.file}: not loaded ({errors} error{'s' * (errors != 1)}; run `soutenance bank lint`)")


@bank_group.command("schema")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to a file.")
def schema_command(output: Path | None) -> None:
    """The JSON Schema of bank files, generated from the model that validates them."""
    if output:
        output.write_text(schema_text(), encoding="utf-8")
    else:
        click.echo(schema_text(), nl=False)



register_editing_commands(bank_group)
