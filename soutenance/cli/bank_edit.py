"""`soutenance bank new|add|edit|rm|copy|import`: authoring banks from the command line.

Every command edits only what it is asked to, validates the result with lint before writing,
writes atomically, and refuses to modify a bundled bank in place (`--copy` copies it first).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TextIO

import click

from soutenance import paths
from soutenance.banks.editing import (
    BankDocument,
    CopyExists,
    EditError,
    FollowUpDraft,
    Hints,
    QuestionDraft,
    SaveResult,
    copy_to_user,
    create_bank,
    follow_ups_from_lines,
    kept_hints,
    user_copy_path,
)
from soutenance.banks.importers import (
    FORMATS,
    ImportFailed,
    parse_bytes,
    plan_import,
    read_source,
)
from soutenance.banks.templates import SCHEMA_FILE, schema_reference
from soutenance.cli.common import banks_option, echo_err, load_catalog, resolve_project

_TARGET_HELP = "A bank file, or a project as PATH_ID/PROJECT_ID."
_COPY_HELP = "If the bank is bundled, copy the project to your bank folder first and edit the copy."


def register(bank_group: click.Group) -> None:
    """Add the authoring commands to `soutenance bank`."""
    commands = (
        new_command,
        add_command,
        edit_command,
        add_follow_up_command,
        fact_command,
        rm_command,
    )
    for command in (*commands, copy_command, import_command):
        bank_group.add_command(command)


# --- Shared -------------------------------------------------------------------------------------


def _fail(error: EditError | ImportFailed) -> click.ClickException:
    message = getattr(error, "message", None) or str(error)
    for diagnostic in getattr(error, "diagnostics", []):
        message += f"\n  {diagnostic}"
    return click.ClickException(message)


@contextmanager
def _refusals() -> Iterator[None]:
    """A refused edit, or a source that cannot be imported, ends the command with its message."""
    try:
        yield
    except (EditError, ImportFailed) as error:
        raise _fail(error) from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def _target_file(target: str, banks: tuple[Path, ...]) -> Path:
    """A bank file named directly, else the file of the project PATH_ID/PROJECT_ID (or project id)."""
    candidate = Path(target).expanduser()
    if candidate.exists() or candidate.suffix in (".yaml", ".yml"):
        return candidate
    try:
        return resolve_project(load_catalog(banks), target).file
    except click.BadParameter as error:
        error.param_hint = "FILE"
        raise


def _open_read_only(target: str, banks: tuple[Path, ...]) -> BankDocument:
    with _refusals():
        return BankDocument.open(_target_file(target, banks))


def _open(target: str, banks: tuple[Path, ...], *, copy: bool) -> BankDocument:
    """The document to edit; a bundled bank is copied to the user folder with --copy, else refused."""
    document = _open_read_only(target, banks)
    if not document.bundled:
        return document
    bank = document.bank
    destination = user_copy_path(bank) if bank else paths.user_banks_dir()
    if not copy:
        raise click.ClickException(
            f"{document.path} is a bundled bank: it is never modified in place.\n"
            f"Run the command again with --copy to copy the project to {destination} "
            "(your copy then replaces the bundled one), or `soutenance bank copy` first."
        )
    with _refusals():
        try:
            copied = copy_to_user(document.path)
            echo_err(f"copied the bundled project to {copied}")
        except CopyExists as exists:
            copied = exists.path
            echo_err(f"editing your existing copy {copied}")
        return BankDocument.open(copied)


def _save(document: BankDocument) -> SaveResult:
    with _refusals():
        result = document.save()
    for question_id, similar in result.similar.items():
        for close in similar[:1]:
            echo_err(
                f"warning: `{question_id}` is nearly the same as `{close.question_id}`: {close.text}"
            )
    return result


def _numbered(
    values: tuple[str, ...], option: str, count: int, what: str
) -> Iterator[tuple[int, str]]:
    """(0-based index, value) of each `N=VALUE` given to `option`, N counting `what` from 1."""
    for given in values:
        number, sep, value = given.partition("=")
        if not sep or not number.strip().isdigit() or not 1 <= int(number) <= count:
            where = f"N from 1 to {count}" if count else f"there is no {what}"
            raise click.BadParameter(
                f"{given!r}: write N=…, the {what} number ({where})", param_hint=option
            )
        yield int(number) - 1, value.strip()


def _set_hints(points: list[str], hints: Hints, values: tuple[str, ...]) -> None:
    """Apply --hint N=WORD,WORD… to the key points (N= alone removes the hints of key point N)."""
    for index, words in _numbered(values, "--hint", len(points), "key point"):
        chosen = [word.strip() for word in words.split(",") if word.strip()]
        hints.pop(points[index], None)
        if chosen:
            hints[points[index]] = chosen


@dataclass(frozen=True, slots=True)
class _QuestionOptions:
    """What --text, --text-generic, --key-point, --hint, --follow-up… gave."""

    text: str | None
    text_generic: str | None
    key_points: tuple[str, ...]
    hints: tuple[str, ...]
    follow_ups: tuple[str, ...]
    follow_up_key_points: tuple[str, ...]
    difficulty: int | None
    time_limit: str | None
    tags: tuple[str, ...]

    def given(self) -> bool:
        return any(getattr(self, f.name) not in (None, ()) for f in fields(self))

    def apply_to(self, draft: QuestionDraft) -> QuestionDraft:
        """The draft with each value given replacing its own; the others stay as they are.

        A key point or follow-up given with the text it already has keeps its hints or key points.
        """
        if self.text is not None:
            draft.text = self.text
        if self.text_generic is not None:
            draft.text_generic = self.text_generic or None
        if self.key_points:
            draft.key_points, draft.hints = (
                list(self.key_points),
                kept_hints(self.key_points, draft.hints),
            )
        _set_hints(draft.key_points, draft.hints, self.hints)
        if self.follow_ups:
            draft.follow_ups = follow_ups_from_lines(self.follow_ups, draft.follow_ups)
        chosen: dict[int, list[str]] = {}
        numbered = _numbered(
            self.follow_up_key_points, "--follow-up-key-point", len(draft.follow_ups), "follow-up"
        )
        for index, point in numbered:
            chosen.setdefault(index, []).extend([point] if point else [])
        for index, points in chosen.items():
            follow_up = draft.follow_ups[index]
            follow_up.key_points, follow_up.hints = points, kept_hints(points, follow_up.hints)
        if self.tags:
            draft.tags = list(self.tags)
        draft.difficulty = self.difficulty if self.difficulty is not None else draft.difficulty
        draft.time_limit = self.time_limit if self.time_limit is not None else draft.time_limit
        return draft


_HINT_HELP = (
    "Hints of key point N, as N=WORD,WORD: words or synonyms showing it was covered (repeatable; "
    "N= alone removes them)."
)


def _question_options(text_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--text and the question's other options, handed to the command as one `question` argument."""
    options = [
        click.option("--text", help=text_help),
        click.option(
            "--text-generic",
            help="The wording used while a {fact} of the text is not in the student's project card "
            '("" removes it).',
        ),
        click.option(
            "--key-point",
            "key_points",
            multiple=True,
            help="What the answer must contain: a figure, a threshold, a source… (repeatable).",
        ),
        click.option("--hint", "hints", multiple=True, metavar="N=WORDS", help=_HINT_HELP),
        click.option(
            "--follow-up", "follow_ups", multiple=True, help="A follow-up challenge (repeatable)."
        ),
        click.option(
            "--follow-up-key-point",
            "follow_up_key_points",
            multiple=True,
            metavar="N=TEXT",
            help="A key point of follow-up N (repeatable): those given for N replace its key points; "
            "N= alone removes them.",
        ),
        click.option("--difficulty", type=click.IntRange(1, 3), help="1 easy, 2 usual, 3 hard."),
        click.option("--time-limit", help="Seconds (90) or 1:30, 90s, 2m."),
        click.option("--tag", "tags", multiple=True, help="A tag (repeatable)."),
    ]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def bundled(**kwargs: Any) -> Any:
            values = {f.name: kwargs.pop(f.name) for f in fields(_QuestionOptions)}
            return command(question=_QuestionOptions(**values), **kwargs)

        for option in reversed(options):
            bundled = option(bundled)
        return bundled

    return decorate


# --- new ----------------------------------------------------------------------------------------


@click.command("new")
@click.argument("reference", metavar="PATH_ID/PROJECT_ID")
@click.option("--title", required=True, help="The project's title.")
@click.option(
    "--language",
    type=click.Choice(["fr", "en"]),
    required=True,
    help="The language of the questions.",
)
@click.option(
    "--path-name",
    help='The learning path\'s name, e.g. "Community Manager" (default: from PATH_ID).',
)
@click.option("--evaluator-role", help="The role the evaluator plays during the questions.")
@click.option("--description", help="A short description of the project's case.")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to create the file (default: your bank folder/PATH_ID/).",
)
@banks_option
def new_command(
    reference: str,
    title: str,
    language: str,
    path_name: str | None,
    evaluator_role: str | None,
    description: str | None,
    folder: Path | None,
    banks: tuple[Path, ...],
) -> None:
    """Create a new project bank from a template, with commented guidance."""
    if path_name is None:
        path_id = reference.strip("/").partition("/")[0]
        known = {
            entry.summary.path_id: entry.summary.path_name for entry in load_catalog(banks).projects
        }
        path_name = known.get(path_id)
    with _refusals():
        created = create_bank(
            reference,
            title=title,
            language=language,
            path_name=path_name,
            evaluator_role=evaluator_role,
            description=description,
            folder=folder,
        )
    click.echo(str(created))
    echo_err(f'created {created}; add questions with: soutenance bank add {created} --text "…"')
    _note_missing_schema(created)


def _note_missing_schema(bank_file: Path) -> None:
    if schema_reference(bank_file.parent) is None:
        echo_err(
            f"note: no {SCHEMA_FILE} in {bank_file.parent} or above it (within its repository), so no "
            f"schema modeline was written. Write the schema at the top of your banks (soutenance bank "
            f"schema -o TOP/{SCHEMA_FILE}): the next `bank new` points at it; for this file, add a first "
            "line `# yaml-language-server: $schema=` followed by the path from the file to the schema."
        )


# --- add ----------------------------------------------------------------------------------------


@click.command("add")
@click.argument("target", metavar="FILE")
@_question_options("The question, as the evaluator asks it.")
@click.option("--id", "question_id", help="The question's id (default: from its text).")
@click.option("--after", help="Insert right after this question id (default: at the end).")
@click.option(
    "--from-json",
    "from_json",
    type=click.File("r", encoding="utf-8"),
    help="Read a JSON object, or a list of them, with the bank's keys (`-` for stdin).",
)
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def add_command(
    target: str,
    question: _QuestionOptions,
    question_id: str | None,
    after: str | None,
    from_json: TextIO | None,
    copy: bool,
    banks: tuple[Path, ...],
) -> None:
    """Add questions to a bank; prints the id of each question added.

    FILE is a bank file, or PATH_ID/PROJECT_ID.
    """
    if from_json is not None:
        if question.given() or question_id:
            raise click.UsageError("give either --from-json or --text and its options, not both")
        drafts = _drafts_from_json(from_json)
    elif not question.text:
        raise click.UsageError("give the question with --text (or --from-json FILE)")
    else:
        drafts = [question.apply_to(QuestionDraft(text="", id=question_id))]
    document = _open(target, banks, copy=copy)
    added: list[str] = []
    with _refusals():
        for draft in drafts:
            added.append(document.add_question(draft, after=after))
            after = added[-1] if after else None
    result = _save(document)
    for new_id in added:
        click.echo(new_id)
    echo_err(f"added {_plural(len(added), 'question')} to {result.path}")


def _json_of(stream: TextIO) -> Any:
    try:
        return json.load(stream)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--from-json") from None


def _json_object(stream: TextIO) -> dict[str, Any]:
    data = _json_of(stream)
    if not isinstance(data, dict):
        raise click.BadParameter(
            "expected one JSON object with the keys to change", param_hint="--from-json"
        )
    return data


def _drafts_from_json(stream: TextIO) -> list[QuestionDraft]:
    data = _json_of(stream)
    items = data if isinstance(data, list) else [data]
    drafts = []
    for index, item in enumerate(items, start=1):
        try:
            drafts.append(QuestionDraft.from_mapping(item))
        except ValueError as exc:
            where = f"question {index}: " if len(items) > 1 else ""
            raise click.BadParameter(f"{where}{exc}", param_hint="--from-json") from None
    if not drafts:
        raise click.BadParameter("an empty list: nothing to add", param_hint="--from-json")
    return drafts


# --- edit ---------------------------------------------------------------------------------------


@click.command("edit")
@click.argument("target", metavar="FILE")
@click.argument("question_id", metavar="QUESTION_ID")
@_question_options("The new text (the id stays, so the history stays attached).")
@click.option(
    "--from-json",
    "from_json",
    type=click.File("r", encoding="utf-8"),
    help="Read a JSON object with the bank's keys to change, e.g. key points with hints (`-` for stdin).",
)
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def edit_command(
    target: str,
    question_id: str,
    question: _QuestionOptions,
    from_json: TextIO | None,
    copy: bool,
    banks: tuple[Path, ...],
) -> None:
    """Change a question; each option given replaces that value, the others stay as they are.

    A key point or a follow-up given again with the same text keeps its hints or key points.
    """
    if from_json is not None and question.given():
        raise click.UsageError("give either --from-json or the question's options, not both")
    changes = _json_object(from_json) if from_json is not None else None
    document = _open(target, banks, copy=copy)
    with _refusals():
        draft = QuestionDraft.from_question(document.question(question_id))
        try:
            draft = draft.merged(changes) if changes is not None else question.apply_to(draft)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--from-json") from None
        changed = document.update_question(question_id, draft)
    if not changed:
        echo_err(f"`{question_id}`: nothing to change")
        return
    result = _save(document)
    echo_err(f"updated `{question_id}` in {result.path}")


# --- add-follow-up and fact -------------------------------------------------------------------


@click.command("add-follow-up")
@click.argument("target", metavar="FILE")
@click.argument("question_id", metavar="QUESTION_ID")
@click.argument("text", metavar="TEXT")
@click.option(
    "--key-point",
    "key_points",
    multiple=True,
    help="What the answer to it must contain (repeatable).",
)
@click.option("--hint", "hints", multiple=True, metavar="N=WORDS", help=_HINT_HELP)
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def add_follow_up_command(
    target: str,
    question_id: str,
    text: str,
    key_points: tuple[str, ...],
    hints: tuple[str, ...],
    copy: bool,
    banks: tuple[Path, ...],
) -> None:
    """Append one follow-up, with its key points, to a question; the others stay as they are."""
    follow_up = FollowUpDraft(text, list(key_points))
    _set_hints(follow_up.key_points, follow_up.hints, hints)
    document = _open(target, banks, copy=copy)
    with _refusals():
        added = document.add_follow_up(question_id, follow_up)
    if not added:
        number = 1 + [f.text for f in document.question(question_id).follow_ups].index(text.strip())
        raise click.ClickException(
            f"`{question_id}` already has this follow-up (number {number}); change its key points with "
            f'soutenance bank edit {target} {question_id} --follow-up-key-point {number}="…"'
        )
    result = _save(document)
    echo_err(f"added a follow-up to `{question_id}` in {result.path}")


@click.command("fact")
@click.argument("target", metavar="FILE")
@click.argument("name", required=False)
@click.argument("label", required=False)
@click.option(
    "--remove", is_flag=True, help="Remove the fact NAME (refused while a question uses it)."
)
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def fact_command(
    target: str,
    name: str | None,
    label: str | None,
    remove: bool,
    copy: bool,
    banks: tuple[Path, ...],
) -> None:
    """List the project's facts, declare one (NAME LABEL), or remove one (NAME --remove).

    A fact is a figure of the student's own project, filled in once in the project card. A question
    puts it in its text as {NAME}, and gives a `text_generic` wording for when it is not filled in.
    """
    if name is None:
        bank = _open_read_only(target, banks).bank
        for fact, text in (bank.project.facts if bank else {}).items():
            click.echo(f"{fact}: {text}")
        return
    if remove == (label is not None):
        raise click.UsageError("give NAME LABEL to declare a fact, or NAME --remove to remove it")
    document = _open(target, banks, copy=copy)
    with _refusals():
        changed = document.remove_fact(name) if remove else document.set_fact(name, label or "")
    if not changed:
        echo_err(f"`{name}`: nothing to change")
        return
    result = _save(document)
    echo_err(f"{'removed' if remove else 'declared'} the fact `{name}` in {result.path}")


# --- rm -----------------------------------------------------------------------------------------


def store_history_checker() -> Callable[[str], bool] | None:
    """Whether a question id has answers in the session store; None when that cannot be known."""
    if not paths.database_path().exists():
        return lambda _question_id: False
    try:
        from soutenance.store import open_store

        store = open_store(paths.database_path(), mode="read")
    except Exception:  # noqa: BLE001 - any store problem means "cannot tell"
        return None
    history = getattr(store, "question_history", None)
    if history is None:
        return None
    return lambda question_id: bool(history(question_id))


@click.command("rm")
@click.argument("target", metavar="FILE")
@click.argument("question_id", metavar="QUESTION_ID")
@click.option("--yes", "-y", is_flag=True, help="Do not ask, even when the question has history.")
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def rm_command(
    target: str, question_id: str, yes: bool, copy: bool, banks: tuple[Path, ...]
) -> None:
    """Delete a question. Its history stays readable (answers keep the text they were given with)."""
    document = _open(target, banks, copy=copy)
    checker = store_history_checker()
    has_history = checker or (lambda _question_id: True)
    with _refusals():
        deletion = document.delete_question(question_id, has_history=has_history, confirmed=yes)
        if not deletion.deleted:
            reason = "has answers in the history" if checker else "may have answers in the history"
            if not sys.stdin.isatty():
                raise click.ClickException(
                    f"`{question_id}` {reason}: add --yes to delete it anyway"
                )
            click.confirm(
                f"`{question_id}` {reason} (kept, readable). Delete the question?",
                abort=True,
                err=True,
            )
            deletion = document.delete_question(question_id, confirmed=True)
    result = _save(document)
    echo_err(f"deleted `{question_id}` from {result.path}")


# --- copy ---------------------------------------------------------------------------------------


@click.command("copy")
@click.argument("target", metavar="PROJECT")
@banks_option
def copy_command(target: str, banks: tuple[Path, ...]) -> None:
    """Copy a project (e.g. a bundled one) into your bank folder, where it replaces the original."""
    with _refusals():  # an existing copy too: "<its path> already exists: edit that copy"
        copied = copy_to_user(_target_file(target, banks))
    click.echo(str(copied))


# --- import -------------------------------------------------------------------------------------


@click.command("import")
@click.argument("source", metavar="SOURCE")
@click.option("--into", "target", required=True, metavar="FILE", help=_TARGET_HELP)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    help="Default: from the file name and content.",
)
@click.option(
    "--dry-run", is_flag=True, help="Show what would be added and skipped; write nothing."
)
@click.option("--copy", is_flag=True, help=_COPY_HELP)
@banks_option
def import_command(
    source: str,
    target: str,
    format_: str | None,
    dry_run: bool,
    copy: bool,
    banks: tuple[Path, ...],
) -> None:
    """Import questions from CSV, Anki text (notes in plain text) or a Markdown list.

    Questions already in the bank, exactly or nearly, are skipped; so are repeats within SOURCE.
    See docs/authoring.md for the CSV columns and the formats.
    """
    with _refusals():
        if source == "-":
            if format_ is None:
                raise click.UsageError("reading stdin: give --format csv, anki or md")
            parsed = parse_bytes(sys.stdin.buffer.read(), "<stdin>", format_)
        else:
            parsed = read_source(Path(source), format_)
    document = _open_read_only(target, banks) if dry_run else _open(target, banks, copy=copy)
    plan = plan_import(parsed, document.bank)
    verb = "would add" if dry_run else "adding"
    click.echo(f"{verb} {_plural(len(plan.added), 'question')} to {document.path}")
    for item in plan.added:
        click.echo(f"  + {item.draft.id}: {_one_line(item.draft.text)}  ({item.where})")
    if plan.skipped:
        click.echo(f"skipped {_plural(len(plan.skipped), 'duplicate')}")
    for skipped in plan.skipped:
        sign = "=" if skipped.reason == "duplicate" else "~"
        where = (
            "an earlier imported question" if skipped.earlier_import else "the existing question"
        )
        click.echo(
            f"  {sign} {_one_line(skipped.item.draft.text)}  ({skipped.item.where})\n"
            f"      {skipped.reason} of {where} `{skipped.of_id}`: {_one_line(skipped.of_text)}"
        )
    for problem in plan.problems:
        echo_err(f"{problem}")
    if dry_run or not plan.added:
        return
    with _refusals():
        for item in plan.added:
            document.add_question(item.draft)
    result = _save(document)
    echo_err(f"imported {_plural(len(plan.added), 'question')} into {result.path}")


def _one_line(text: str, width: int = 90) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
