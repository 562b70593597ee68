"""Editing bank files the way a careful person would: only what was asked, everything else byte for byte.

A `BankDocument` holds a bank file's text in memory. Each operation (add, update, duplicate,
delete, move) splices the lines of the one question it touches; that question alone is
re-written with ruamel.yaml in round-trip mode, so its own comments and quoting survive too.
Every operation is checked with the loader and lint before it is accepted, and `save()` writes
atomically, refusing when the file changed on disk since it was read or when it is a bundled bank.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from soutenance import paths
from soutenance.banks.atomic import Fingerprint, atomic_write
from soutenance.banks.diagnostics import Diagnostic
from soutenance.banks.lint import bank_warnings
from soutenance.banks.loader import BankFile, parse_bank, read_bank
from soutenance.banks.model import Bank, FollowUp, Question, parse_duration, slugify
from soutenance.banks.similarity import NEAR_DUPLICATE, similarity, words
from soutenance.banks.templates import MODELINE_PREFIX, bank_template, schema_reference
from soutenance.banks.yaml_strict import StrictYamlError, compose

BOM = "\ufeff"
FIELDS = ("id", "text", "key_points", "follow_ups", "difficulty", "time_limit", "tags")
DEFAULT_DIFFICULTY = 2
DEFAULT_TIME_LIMIT = 90
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- Errors -------------------------------------------------------------------------------------


class EditError(Exception):
    """An edit or a save that was refused; `message` says why and what to do, for people."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = list(diagnostics)


class NotABank(EditError):
    """The file cannot be read as a bank (missing, not YAML, not a project mapping, …)."""


class NotEditable(EditError):
    """A bank whose layout this editor cannot splice safely (e.g. questions in flow style)."""


class InvalidEdit(EditError):
    """The edit would leave a bank that lint rejects; nothing was changed."""


class QuestionNotFound(EditError):
    pass


class BundledBank(EditError):
    """Bundled banks are never modified in place: copy the project to the user folder first."""


class BankChanged(EditError):
    """The file changed on disk since it was read: the save is refused, the edit is kept in memory."""


class BankWriteError(EditError):
    """The file could not be written (read-only or missing folder…); the file on disk is unchanged."""


class CopyExists(EditError):
    """copy_to_user: the user folder already holds a copy of this project."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


# --- Drafts -------------------------------------------------------------------------------------


@dataclass(slots=True)
class FollowUpDraft:
    text: str
    key_points: list[str] = field(default_factory=list)


@dataclass(slots=True)
class QuestionDraft:
    """A question as a mentor typed it: not validated yet. None means "the default" (or "unchanged")."""

    text: str
    key_points: list[str] = field(default_factory=list)
    follow_ups: list[FollowUpDraft] = field(default_factory=list)
    difficulty: int | str | None = None
    time_limit: int | str | None = None
    tags: list[str] = field(default_factory=list)
    id: str | None = None

    @classmethod
    def from_question(cls, question: Question) -> QuestionDraft:
        return cls(
            text=question.text,
            key_points=list(question.key_points),
            follow_ups=[FollowUpDraft(f.text, list(f.key_points)) for f in question.follow_ups],
            difficulty=question.difficulty,
            time_limit=question.time_limit,
            tags=list(question.tags),
            id=question.id,
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> QuestionDraft:
        """A draft from JSON-like data with the bank's keys; raises ValueError on unknown keys or shapes."""
        if not isinstance(data, Mapping):
            raise ValueError("a question is an object with at least a `text`")
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown key `{unknown[0]}` (known keys: {', '.join(FIELDS)})")
        text = data.get("text")
        if not isinstance(text, str):
            raise ValueError("`text` is required and must be text")
        follow_ups = []
        for item in _list_of(data, "follow_ups", (str, Mapping)):
            if isinstance(item, str):
                follow_ups.append(FollowUpDraft(item))
            else:
                extra = sorted(set(item) - {"text", "key_points"})
                if extra or not isinstance(item.get("text"), str):
                    raise ValueError("a follow-up is text, or an object with `text` and `key_points`")
                follow_ups.append(FollowUpDraft(item["text"], [str(k) for k in _list_of(item, "key_points", (str,))]))
        qid = data.get("id")
        return cls(
            text=text,
            key_points=[str(k) for k in _list_of(data, "key_points", (str,))],
            follow_ups=follow_ups,
            difficulty=_scalar(data, "difficulty"),
            time_limit=_scalar(data, "time_limit"),
            tags=[str(k) for k in _list_of(data, "tags", (str,))],
            id=str(qid) if qid is not None else None,
        )

    def cleaned(self) -> QuestionDraft:
        """Whitespace stripped, empty lines dropped, tags without repeats."""
        tags = list(dict.fromkeys(t.strip() for t in self.tags if t.strip()))
        difficulty, time_limit = self.difficulty, self.time_limit
        if isinstance(difficulty, str):
            difficulty = difficulty.strip() or None
        if isinstance(time_limit, str):
            time_limit = time_limit.strip() or None
        return QuestionDraft(
            text=self.text.strip(),
            key_points=[k.strip() for k in self.key_points if k.strip()],
            follow_ups=[
                FollowUpDraft(f.text.strip(), [k.strip() for k in f.key_points if k.strip()])
                for f in self.follow_ups
                if f.text.strip()
            ],
            difficulty=difficulty,
            time_limit=time_limit,
            tags=tags,
            id=(self.id or "").strip() or None,
        )

    def to_data(self, question_id: str) -> dict[str, Any]:
        """The mapping the model validates (defaults filled in)."""
        return {
            "id": question_id,
            "text": self.text,
            "key_points": list(self.key_points),
            "follow_ups": [{"text": f.text, "key_points": list(f.key_points)} for f in self.follow_ups],
            "difficulty": DEFAULT_DIFFICULTY if self.difficulty is None else self.difficulty,
            "time_limit": DEFAULT_TIME_LIMIT if self.time_limit is None else self.time_limit,
            "tags": list(self.tags),
        }


def _list_of(data: Mapping[str, Any], key: str, kinds: tuple[type, ...]) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str) and str in kinds:
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, (*kinds, int, float)) for v in value):
        raise ValueError(f"`{key}` must be a list of text")
    return value


def _scalar(data: Mapping[str, Any], key: str) -> int | str | None:
    value = data.get(key)
    if value is None or (isinstance(value, int | str) and not isinstance(value, bool)):
        return value
    raise ValueError(f"`{key}` must be a number or text")


def follow_ups_from_lines(lines: Iterable[str], previous: Sequence[FollowUp | FollowUpDraft] = ()) -> list[FollowUpDraft]:
    """Follow-ups typed one per line; a line equal to an existing follow-up keeps its key points."""
    known = {f.text: list(f.key_points) for f in previous}
    return [FollowUpDraft(line.strip(), list(known.get(line.strip(), []))) for line in lines if line.strip()]


# --- Checking a draft as it is typed ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str
    index: int | None = None  # the line of a list field (0-based), when the problem is one item
    code: str = ""  # empty, too_long, pattern, difficulty, duration, number, id_taken, no_key_points, similar
    params: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class Similar:
    """An existing question close to a new or edited one."""

    question_id: str
    text: str
    score: float
    project: str = ""


@dataclass(slots=True)
class DraftCheck:
    question_id: str
    errors: list[FieldProblem]
    warnings: list[FieldProblem]
    similar: list[Similar]

    @property
    def ok(self) -> bool:
        return not self.errors


def similar_questions(
    text: str, questions: Iterable[Question], *, exclude: Iterable[str] = (), threshold: float = NEAR_DUPLICATE
) -> list[Similar]:
    """Questions whose text shares most of its significant words with `text`, closest first."""
    mine = words(text)
    skip = set(exclude)
    found = [
        Similar(q.id, q.text, score)
        for q in questions
        if q.id not in skip and (score := similarity(mine, words(q.text))) >= threshold
    ]
    return sorted(found, key=lambda s: -s.score)


def _classify(err: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(code, English message, params) of a validation error, codes being stable for translations."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "string_too_short":
        return "empty", "must not be empty", {}
    if kind == "string_too_long":
        return "too_long", f"at most {ctx.get('max_length')} characters", {"max": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return "pattern", "lowercase letters, digits, '-' and '_' only, starting with a letter or digit", {}
    if kind in ("greater_than_equal", "less_than_equal") and err["loc"][0] == "difficulty":
        return "difficulty", "1 (easy), 2 (usual) or 3 (hard)", {}
    if kind == "int_parsing":
        return "number", "expected a whole number", {}
    message = str(err["msg"]).removeprefix("Value error, ").replace("Input should", "should")
    return ("duration" if err["loc"][0] == "time_limit" else ""), message, {}


def _describe_error(err: Mapping[str, Any]) -> str:
    return _classify(err)[1]


def check_draft(draft: QuestionDraft, bank: Bank | None, *, editing: str | None = None) -> DraftCheck:
    """Field by field, the rules lint applies to a question, plus its warnings and near-duplicates."""
    draft = draft.cleaned()
    others = [q for q in (bank.questions if bank else []) if q.id != editing]
    taken = {q.id for q in others}
    errors: list[FieldProblem] = []
    if draft.id is not None:
        question_id = draft.id
        if question_id in taken:
            message = f"the id `{question_id}` is already used in this project"
            errors.append(FieldProblem("id", message, code="id_taken", params={"id": question_id}))
    elif editing is not None:
        question_id = editing
    else:
        question_id = new_question_id(draft.text, taken)
    try:
        Question.model_validate(draft.to_data(question_id))
    except ValidationError as exc:
        for err in exc.errors():
            loc = err["loc"]
            index = next((step for step in loc[1:2] if isinstance(step, int)), None)
            code, message, params = _classify(err)
            errors.append(FieldProblem(str(loc[0]), message, index, code, params))
    warnings = []
    if not draft.key_points:
        message = "no key points yet: say what a good answer covers"
        warnings.append(FieldProblem("key_points", message, code="no_key_points"))
    similar = similar_questions(draft.text, others) if draft.text else []
    for close in similar[:1]:
        message = f"nearly the same as `{close.question_id}`: {close.text}"
        params = {"id": close.question_id, "text": close.text}
        warnings.append(FieldProblem("text", message, code="similar", params=params))
    return DraftCheck(question_id, errors, warnings, similar)


# --- Ids ----------------------------------------------------------------------------------------

_STOPWORD_TEXT = """
    le la les un une des du de au aux et ou en dans sur sous pour par avec sans que qui quoi quel quelle
    quels quelles est sont etes etait sera vous votre vos nous notre nos ils elles elle il on ce cet cette
    ces ne pas plus moins mais donc car comment pourquoi quand combien ou alors leur leurs son sa ses mon
    ma mes ton ta tes tout tous toute toutes avez avons ont fait faire faites peut pouvez entre chez comme
    si lui eux meme cela ceci ca y a l d s n c j m t qu fois bien tres encore deja avoir etre plutot
    ceux celle celles celui vraiment
    the an and or of to in on for with what why how when which who whom whose is are was were be been do
    does did you your yours we our ours they their this that these those it its as at by from if would
    could should can will shall may might has have had not no so than then there here about into
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def new_question_id(text: str, taken: Iterable[str] = (), *, max_words: int = 4) -> str:
    """A stable id from a question's significant words, unique among `taken` (-2, -3… if needed)."""
    parts = [w for w in slugify(text, max_length=400).split("-") if w]
    significant = [w for w in parts if w not in _STOPWORDS and len(w) > 2] or [w for w in parts if len(w) > 1]
    base = "-".join(significant[:max_words])[:48].strip("-") or "question"
    if not _IDENTIFIER.match(base):
        base = "question"
    used = set(taken)
    candidate, suffix = base, 2
    while candidate in used:
        candidate = f"{base}-{suffix}"
        suffix += 1
    return candidate


# --- The layout of a bank's text ----------------------------------------------------------------

_LINE = re.compile(r"[^\r\n\x85\u2028\u2029]*(?:\r\n|[\r\n\x85\u2028\u2029]|$)")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken exactly where YAML counts line breaks."""
    lines = _LINE.findall(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _body(line: str) -> str:
    return line.rstrip("\r\n\x85\u2028\u2029")


def _blank(line: str) -> bool:
    return not _body(line).strip()


def _comment(line: str) -> bool:
    return _body(line).lstrip().startswith("#")


@dataclass(slots=True)
class _Span:
    """The lines of one question item: `start` holds its dash, `end` its last content (inclusive)."""

    start: int
    end: int
    dash_col: int
    content_col: int
    node: yaml.Node


@dataclass(slots=True)
class _Style:
    """How this file writes questions, so new ones look like their neighbours."""

    dash_col: int = 2
    content_col: int = 4
    mapping_indent: int = 2
    seq_offset: int = 2
    seq_indent: int = 4
    blank_between: bool = True
    text_style: str | None = '"'
    key_point_style: str | None = None
    follow_up_style: str | None = '"'
    tag_style: str | None = None
    key_points_flow: bool = False
    follow_ups_flow: bool = False
    tags_flow: bool = True
    newline: str = "\n"


@dataclass(slots=True)
class _Layout:
    lines: list[str]
    key_line: int | None  # the `questions:` line
    value: yaml.Node | None  # the questions value node
    items: list[_Span]
    region_end: int  # first line after the questions (the next top-level key, or the end)
    style: _Style


def _last_line(node: yaml.Node, lines: list[str]) -> int:
    """The last line holding content of `node` (comments and trailing blank lines excluded)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark.line
        if node.style in ("|", ">"):
            if node.end_mark.column == 0:
                end -= 1
            header = _body(lines[node.start_mark.line])[node.start_mark.column :].split("#")[0]
            if "+" not in header:
                while end > node.start_mark.line and _blank(lines[end]):
                    end -= 1
        return min(end, len(lines) - 1)
    if getattr(node, "flow_style", False):
        return node.end_mark.line
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children += [key, value]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    if not children:
        return node.end_mark.line
    return max(_last_line(child, lines) for child in children)


def _item_span(node: yaml.Node, lines: list[str]) -> _Span:
    line, col = node.start_mark.line, node.start_mark.column
    head = _body(lines[line])[:col]
    if re.fullmatch(r"\s*-\s+", head):
        dash = head.index("-")
        return _Span(line, _last_line(node, lines), dash, col, node)
    start = line  # the dash sits alone on an earlier line
    while start > 0 and not re.fullmatch(r"\s*-\s*(#.*)?", _body(lines[start])):
        start -= 1
    dash = _body(lines[start]).index("-") if "-" in _body(lines[start]) else max(col - 2, 0)
    return _Span(start, _last_line(node, lines), dash, col, node)


def _majority(values: Iterable[Any], default: Any) -> Any:
    counted = Counter(values).most_common(1)
    return counted[0][0] if counted else default


def _analyze(text: str) -> _Layout:
    """The lines, the questions' spans and the file's style; raises NotABank / NotEditable."""
    lines = split_lines(text)
    try:
        root = compose(text)
    except StrictYamlError as exc:
        raise NotABank(f"invalid YAML at line {exc.line}, column {exc.col}: {exc.message}") from None
    if not isinstance(root, yaml.MappingNode):
        raise NotABank("this file is not a bank: a bank is a mapping with `project` and `questions`")
    if root.flow_style:
        raise NotEditable("the bank is written as one flow mapping ({…}); write it in block style to edit it here")
    keys = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "project" not in keys and "questions" not in keys:
        raise NotABank("this file is not a bank: it has neither `project` nor `questions`")
    style = _Style()
    first = next((line for line in lines if line.endswith("\n")), "")
    style.newline = "\r\n" if first.endswith("\r\n") else "\n"
    project = keys.get("project", (None, None))[1]
    if isinstance(project, yaml.MappingNode) and not project.flow_style and project.value:
        style.mapping_indent = max(project.value[0][0].start_mark.column, 1)
        style.dash_col = style.mapping_indent
        style.content_col = style.dash_col + 2
    key_line = value = None
    region_end = len(lines)
    items: list[_Span] = []
    if "questions" in keys:
        key_node, value = keys["questions"]
        key_line = key_node.start_mark.line
        later = [k.start_mark.line for k, _ in root.value if k.start_mark.line > key_line]
        document_end = [i for i in range(key_line + 1, len(lines)) if re.match(r"\.\.\.(\s|$)", lines[i])]
        region_end = min(later + document_end[:1], default=len(lines))
        if isinstance(value, yaml.SequenceNode) and value.flow_style and value.value:
            raise NotEditable(
                "the questions are written as a flow list ([…]); write one `- ` item per question to edit "
                "this bank here"
            )
        if isinstance(value, yaml.SequenceNode) and not value.flow_style:
            items = [_item_span(node, lines) for node in value.value]
        elif isinstance(value, yaml.MappingNode):
            raise NotABank("`questions` must be a list of questions")
    _detect_style(style, items, lines)
    return _Layout(lines, key_line, value, items, region_end, style)


def _detect_style(style: _Style, items: list[_Span], lines: list[str]) -> None:
    if not items:
        return
    style.dash_col, style.content_col = items[0].dash_col, items[0].content_col
    gaps = [any(_blank(lines[i]) for i in range(a.end + 1, b.start)) for a, b in zip(items, items[1:], strict=False)]
    style.blank_between = _majority(gaps, True)
    text_styles, kp_styles, fu_styles, tag_styles = [], [], [], []
    flows: dict[str, list[bool]] = {"key_points": [], "follow_ups": [], "tags": []}
    nested: tuple[int, int] | None = None
    for span in items:
        if not isinstance(span.node, yaml.MappingNode):
            continue
        for key, value in span.node.value:
            name = key.value
            if name == "text" and isinstance(value, yaml.ScalarNode):
                text_styles.append(value.style or None)
            if isinstance(value, yaml.SequenceNode) and name in flows:
                flows[name].append(bool(value.flow_style))
                scalars = [v.style or None for v in value.value if isinstance(v, yaml.ScalarNode)]
                {"key_points": kp_styles, "follow_ups": fu_styles, "tags": tag_styles}[name].extend(scalars)
                if nested is None and not value.flow_style and value.value:
                    child = value.value[0]
                    head = _body(lines[child.start_mark.line])[: child.start_mark.column]
                    if head.rstrip().endswith("-"):
                        dash = len(head.rstrip()) - 1
                        nested = (dash - key.start_mark.column, child.start_mark.column - key.start_mark.column)
    plain_or_quoted = ("|", ">")
    style.text_style = _majority(text_styles, style.text_style)
    style.key_point_style = _majority([s for s in kp_styles if s not in plain_or_quoted], style.key_point_style)
    style.follow_up_style = _majority([s for s in fu_styles if s not in plain_or_quoted], style.follow_up_style)
    style.tag_style = _majority([s for s in tag_styles if s not in plain_or_quoted], style.tag_style)
    style.key_points_flow = _majority(flows["key_points"], style.key_points_flow)
    style.follow_ups_flow = _majority(flows["follow_ups"], style.follow_ups_flow)
    style.tags_flow = _majority(flows["tags"], style.tags_flow)
    if nested is not None and nested[1] >= nested[0] + 2:
        style.seq_offset, style.seq_indent = nested
    else:
        style.seq_offset = style.dash_col - 0
        style.seq_indent = max(style.content_col, style.seq_offset + 2)


# --- Writing one question with ruamel.yaml ------------------------------------------------------

_YAML11_TRAPS = re.compile(r"(?i)(y|n|yes|no|on|off|true|false|null|~|[-+]?[0-9][0-9_.:]*(e[-+]?[0-9]+)?)")
_SCALAR_CLASSES = {
    '"': DoubleQuotedScalarString,
    "'": SingleQuotedScalarString,
    "|": LiteralScalarString,
    ">": FoldedScalarString,
}


def _ruamel(style: _Style) -> YAML:
    handler = YAML(typ="rt")
    handler.preserve_quotes = True
    handler.width = 1 << 30  # never re-wrap a long line
    handler.indent(mapping=style.mapping_indent, sequence=style.seq_indent, offset=style.seq_offset)
    return handler


def _styled(value: str, style: str | None, *, multiline_ok: bool = False) -> Any:
    """A string that ruamel writes in the file's style, never in a form YAML 1.1 readers would misread."""
    if "\n" in value:
        return LiteralScalarString(value) if multiline_ok else DoubleQuotedScalarString(value)
    if style in ("|", ">"):
        style = '"'
    if not style and _YAML11_TRAPS.fullmatch(value):
        style = '"'
    cls = _SCALAR_CLASSES.get(style or "")
    return cls(value) if cls else value


def _like(reference: Any, value: str, fallback: str | None) -> Any:
    """A new string styled like an existing sibling value."""
    for style, cls in _SCALAR_CLASSES.items():
        if isinstance(reference, cls):
            return _styled(value, style)
    if isinstance(reference, str):
        return _styled(value, None)
    return _styled(value, fallback)


def _seq(values: Iterable[Any], flow: bool) -> CommentedSeq:
    seq = CommentedSeq(values)
    if flow:
        seq.fa.set_flow_style()
    else:
        seq.fa.set_block_style()
    return seq


def _follow_up_node(follow_up: FollowUpDraft, style: _Style, reference: Any = None) -> Any:
    if not follow_up.key_points:
        return _like(reference, follow_up.text, style.follow_up_style)
    node = CommentedMap()
    node["text"] = _styled(follow_up.text, style.follow_up_style)
    node["key_points"] = _seq((_styled(k, style.key_point_style) for k in follow_up.key_points), style.key_points_flow)
    return node


def _set_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set `key`, inserting a new key where the bank's usual key order puts it."""
    if key in mapping:
        mapping[key] = value
        return
    order = {name: index for index, name in enumerate(FIELDS)}
    position = 0
    for index, existing in enumerate(mapping):
        if order.get(existing, len(FIELDS)) < order[key]:
            position = index + 1
    mapping.insert(position, key, value)


def _update_list(
    mapping: CommentedMap,
    key: str,
    old: Sequence[Any],
    new: Sequence[Any],
    make: Callable[[Any, Any], Any],
    flow: bool,
) -> None:
    """Apply the smallest change from `old` to `new` to the list under `key`, keeping untouched items."""
    current = mapping.get(key)
    if not new:
        if key in mapping:
            del mapping[key]
        return
    if not isinstance(current, CommentedSeq) or len(current) != len(old):
        _set_key(mapping, key, _seq((make(v, None) for v in new), flow))
        return
    reference = current[0] if len(current) else None
    opcodes = difflib.SequenceMatcher(a=list(old), b=list(new), autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            continue
        shared = min(i2 - i1, j2 - j1)
        for offset in range(shared):  # replaced in place: a comment under the item stays there
            current[i1 + offset] = make(new[j1 + offset], current[i1 + offset])
        for index in reversed(range(i1 + shared, i2)):
            del current[index]
        for offset, value in enumerate(new[j1 + shared : j2]):
            current.insert(i1 + shared + offset, make(value, reference))


def _apply(mapping: CommentedMap, old: Question | None, draft: QuestionDraft, question_id: str, style: _Style) -> None:
    """Write the draft's values into a question mapping, touching only what differs from `old`."""
    if old is None or question_id != old.id:
        _set_key(mapping, "id", _styled(question_id, None))
    if old is None or draft.text != old.text:
        previous = mapping.get("text")
        if isinstance(previous, FoldedScalarString) and "\n" not in draft.text:
            value = _folded(draft.text, previous)
        elif isinstance(previous, LiteralScalarString) or "\n" in draft.text:
            value = LiteralScalarString(draft.text)
        elif isinstance(previous, str) and old is not None:
            value = _like(previous, draft.text, style.text_style)
        else:
            value = _styled(draft.text, style.text_style, multiline_ok=True)
        _set_key(mapping, "text", value)
    _update_list(
        mapping,
        "key_points",
        old.key_points if old else [],
        draft.key_points,
        lambda value, ref: _like(ref, value, style.key_point_style),
        style.key_points_flow,
    )
    _update_list(
        mapping,
        "follow_ups",
        [(f.text, tuple(f.key_points)) for f in old.follow_ups] if old else [],
        [(f.text, tuple(f.key_points)) for f in draft.follow_ups],
        lambda value, ref: _follow_up_node(FollowUpDraft(value[0], list(value[1])), style, ref),
        style.follow_ups_flow,
    )
    difficulty = DEFAULT_DIFFICULTY if draft.difficulty is None and old is None else draft.difficulty
    if difficulty is not None and (old is None or int(difficulty) != old.difficulty):
        _set_key(mapping, "difficulty", int(difficulty))
    time_limit = DEFAULT_TIME_LIMIT if draft.time_limit is None and old is None else draft.time_limit
    if time_limit is not None and (old is None or parse_duration(time_limit) != old.time_limit):
        _set_key(mapping, "time_limit", parse_duration(time_limit))
    _update_list(
        mapping,
        "tags",
        old.tags if old else [],
        draft.tags,
        lambda value, ref: _like(ref, value, style.tag_style),
        style.tags_flow,
    )


def _folded(text: str, previous: FoldedScalarString) -> FoldedScalarString:
    """A folded (>) text wrapped at the width its previous value was wrapped at."""
    folds = [-1, *getattr(previous, "fold_pos", []), len(previous)]
    width = max(40, *(b - a - 1 for a, b in zip(folds, folds[1:], strict=False)))
    candidates = [m.start() for m in re.finditer(r"(?<=\S) (?=\S)", text)]
    positions, line_start = [], 0
    for here, following in zip(candidates, [*candidates[1:], len(text)], strict=True):
        if following - line_start > width:
            positions.append(here)
            line_start = here + 1
    value = FoldedScalarString(text)
    value.fold_pos = positions  # type: ignore[attr-defined]
    return value


def _render(mapping: CommentedMap, style: _Style) -> list[str]:
    """The item's lines, dash and indentation as the file writes them."""
    buffer = io.StringIO()
    _ruamel(style).dump(mapping, buffer)
    body = buffer.getvalue().splitlines()
    first = " " * style.dash_col + "-" + " " * max(style.content_col - style.dash_col - 1, 1)
    indent = " " * len(first)
    return [first + body[0]] + [indent + line if line.strip() else "" for line in body[1:]]


def _load_item(layout: _Layout, span: _Span) -> CommentedMap | None:
    """The question's own lines, dedented and read by ruamel in round-trip mode."""
    content_line = span.node.start_mark.line
    dedented = []
    for number in range(content_line, span.end + 1):
        line = _body(layout.lines[number])
        if number == content_line:
            line = " " * span.content_col + line[span.content_col :]
        spaces = len(line) - len(line.lstrip(" "))
        dedented.append(line[min(spaces, span.content_col) :])
    try:
        loaded = _ruamel(layout.style).load("\n".join(dedented) + "\n")
    except RuamelError:
        return None
    return loaded if isinstance(loaded, CommentedMap) else None


# --- Text operations ----------------------------------------------------------------------------


def _splice(layout: _Layout, start: int, stop: int, new_lines: Sequence[str]) -> str:
    """The text with lines [start, stop) replaced by `new_lines` (given without line endings)."""
    lines = list(layout.lines)
    if new_lines and 0 < start == len(lines) and not lines[-1].endswith(("\n", "\r", "\x85", "\u2028", "\u2029")):
        lines[-1] += layout.style.newline  # the file ended without a line break
    replacement = "".join(line + layout.style.newline for line in new_lines)
    return "".join(lines[:start]) + replacement + "".join(lines[stop:])


def _insert_item(layout: _Layout, item_lines: list[str], after: int | None) -> str:
    """Insert a rendered item after item number `after`, or at the end of the questions."""
    style, lines = layout.style, layout.lines
    gap = [""] if style.blank_between else []
    if layout.key_line is None:  # no `questions:` key at all: add it at the end
        prefix = [""] if lines and not _blank(lines[-1]) else []
        return _splice(layout, len(lines), len(lines), [*prefix, "questions:", *item_lines])
    if not layout.items:  # `questions:`, `questions: []` or `questions: ~`
        key_line = _body(lines[layout.key_line])
        value = layout.value
        if value is not None and value.start_mark.line == layout.key_line == value.end_mark.line:
            before, after_value = key_line[: value.start_mark.column], key_line[value.end_mark.column :]
            key_line = before.rstrip() + (" " + after_value.strip() if after_value.strip() else "")
        elif value is not None and value.end_mark.line != layout.key_line:
            raise NotEditable("`questions` spreads over several lines without any question; write `questions:`")
        return _splice(layout, layout.key_line, layout.key_line + 1, [key_line, *item_lines])
    if after is not None:
        span = layout.items[after]
        return _splice(layout, span.end + 1, span.end + 1, [*gap, *item_lines])
    # At the end: after any comment that follows the last question (they stay above the new one).
    position = layout.region_end
    at_file_end = position == len(lines)
    while position > layout.items[-1].end + 1 and (
        _blank(lines[position - 1]) or (not at_file_end and _comment(lines[position - 1]) and not lines[position - 1][:1].isspace())
    ):
        position -= 1
    return _splice(layout, position, position, [*gap, *item_lines])


def _delete_item(layout: _Layout, index: int) -> str:
    """The text without question `index`, and without one of the blank lines that separated it."""
    span, lines = layout.items[index], layout.lines
    start, stop = span.start, span.end + 1
    after = stop
    while after < layout.region_end and _blank(lines[after]):
        after += 1
    if after < layout.region_end:  # something follows within the questions: drop the gap after
        stop = after
    else:  # the last thing in the questions: drop the gap before
        while start > (layout.key_line or 0) + 1 and _blank(lines[start - 1]):
            start -= 1
    return _splice(layout, start, stop, [])


# --- The document -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deletion:
    question_id: str
    deleted: bool
    needs_confirmation: bool


@dataclass(slots=True)
class SaveResult:
    path: Path
    written: bool
    warnings: list[Diagnostic]
    similar: dict[str, list[Similar]]  # for each question added or edited, its near-duplicates


def is_bundled(path: Path) -> bool:
    """True for a file under the bundled banks folder (which is never modified in place)."""
    try:
        path.resolve().relative_to(paths.bundled_banks_dir().resolve())
    except ValueError:
        return False
    return True


class BankDocument:
    """One bank file being edited: operations change the text in memory, `save()` writes it safely."""

    def __init__(self, path: Path, text: str, *, fingerprint: Fingerprint | None, bom: bool = False) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint  # None: a new file, which must still not exist when saved
        self._bom = bom
        self._text = text
        self._saved_text = text if fingerprint is not None else None
        self._touched: list[str] = []
        self._result = self._validate(text)
        self._layout = _analyze(text)

    # Reading

    @classmethod
    def open(cls, path: Path) -> BankDocument:
        """Read a bank for editing; raises NotABank with a clear message (and the lint diagnostics)."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise NotABank(f"{path}: no such bank file") from None
        except IsADirectoryError:
            raise NotABank(f"{path} is a folder, not a bank file") from None
        except OSError as exc:
            raise NotABank(f"{path}: cannot read the file ({exc.strerror or exc})") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            diagnostics = read_bank(path).errors
            raise NotABank(f"{path} is not a bank: {diagnostics[0].message if diagnostics else 'not UTF-8 text'}", diagnostics)
        bom = text.startswith(BOM)
        try:
            return cls(path, text.removeprefix(BOM), fingerprint=Fingerprint.of_bytes(data), bom=bom)
        except NotABank as exc:
            raise NotABank(f"{path}: {exc.message}", read_bank(path).errors) from None
        except NotEditable as exc:
            raise NotEditable(f"{path}: {exc.message}") from None

    @property
    def text(self) -> str:
        return self._text

    @property
    def data(self) -> bytes:
        return ((BOM if self._bom else "") + self._text).encode("utf-8")

    @property
    def dirty(self) -> bool:
        return self._text != self._saved_text

    @property
    def bank(self) -> Bank | None:
        return self._result.bank

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return list(self._result.diagnostics)

    @property
    def bundled(self) -> bool:
        return is_bundled(self.path)

    def question(self, question_id: str) -> Question:
        bank = self._valid_bank()
        found = bank.question(question_id)
        if found is None:
            known = ", ".join(q.id for q in bank.questions) or "none"
            raise QuestionNotFound(f"no question `{question_id}` in {self.path.name} (questions: {known})")
        return found

    def check(self, draft: QuestionDraft, *, editing: str | None = None) -> DraftCheck:
        """What lint would say of this draft in this project, field by field, before any change."""
        return check_draft(draft, self.bank, editing=editing)

    # Editing (in memory; each operation is validated, and refused as a whole when invalid)

    def add_question(self, draft: QuestionDraft, *, after: str | None = None) -> str:
        """Add a question (at the end, or right after `after`); returns its id."""
        draft = draft.cleaned()
        bank = self.bank
        taken = {q.id for q in bank.questions} if bank else set()
        question_id = draft.id or new_question_id(draft.text, taken)
        if question_id in taken:
            raise InvalidEdit(f"the id `{question_id}` is already used in this project")
        self._check_values(draft, question_id)
        mapping = CommentedMap()
        _apply(mapping, None, draft, question_id, self._layout.style)
        position = None if after is None else self._index(after)
        self._commit(_insert_item(self._layout, _render(mapping, self._layout.style), position), question_id)
        return question_id

    def update_question(self, question_id: str, draft: QuestionDraft) -> bool:
        """Change a question; its id stays unless the draft names another. False when nothing changed."""
        old = self.question(question_id)
        draft = draft.cleaned()
        new_id = draft.id or question_id
        if new_id != question_id and self._valid_bank().question(new_id) is not None:
            raise InvalidEdit(f"the id `{new_id}` is already used in this project")
        self._check_values(draft, new_id)
        if QuestionDraft.from_question(old) == _with_defaults(draft, old, new_id):
            return False
        span = self._layout.items[self._index(question_id)]
        mapping = _load_item(self._layout, span)
        if mapping is None:  # ruamel cannot read this item on its own: write it afresh
            mapping, old_for_diff = CommentedMap(), None
        else:
            old_for_diff = old
        _apply(mapping, old_for_diff, _with_defaults(draft, old, new_id), new_id, self._layout.style)
        new_text = _splice(self._layout, span.start, span.end + 1, _render(mapping, self._layout.style))
        self._commit(new_text, new_id)
        return True

    def duplicate_question(self, question_id: str) -> str:
        """A copy right after the original, with a new id; returns that id."""
        draft = QuestionDraft.from_question(self.question(question_id))
        draft.id = new_question_id(draft.text, {q.id for q in self._valid_bank().questions})
        return self.add_question(draft, after=question_id)

    def needs_confirmation(self, question_id: str, has_history: Callable[[str], bool] | None) -> bool:
        """Deleting a question with answers in the history asks the mentor first."""
        self.question(question_id)
        return bool(has_history and has_history(question_id))

    def delete_question(
        self, question_id: str, *, has_history: Callable[[str], bool] | None = None, confirmed: bool = False
    ) -> Deletion:
        """Delete a question, unless it has history and the deletion is not confirmed yet.

        The history itself is never touched: answers keep the text they were given with.
        """
        if self.needs_confirmation(question_id, has_history) and not confirmed:
            return Deletion(question_id, deleted=False, needs_confirmation=True)
        self._commit(_delete_item(self._layout, self._index(question_id)), None)
        if question_id in self._touched:
            self._touched.remove(question_id)
        return Deletion(question_id, deleted=True, needs_confirmation=bool(has_history and has_history(question_id)))

    # Saving

    def save(self) -> SaveResult:
        """Write the text atomically; refuses bundled banks, invalid text and files changed on disk."""
        warnings = [d for d in self._result.diagnostics if not d.is_error]
        similar = self.similar_to_touched()
        if not self.dirty:
            return SaveResult(self.path, False, warnings, similar)
        if self.bundled:
            raise BundledBank(
                f"{self.path} is a bundled bank: it is never modified in place. Copy the project to your bank "
                "folder first (`soutenance bank copy`, or `--copy`); your copy then replaces the bundled one."
            )
        if self._result.errors:
            raise InvalidEdit(f"{self.path}: the bank would not pass lint", self._result.errors)
        self.ensure_unchanged()
        try:
            atomic_write(self.path, self.data)
        except OSError as exc:
            raise BankWriteError(_write_problem(self.path, exc)) from None
        self.fingerprint = Fingerprint.of_bytes(self.data)
        self._saved_text = self._text
        self._touched.clear()
        return SaveResult(self.path, True, warnings, similar)

    def ensure_unchanged(self) -> None:
        """Raise BankChanged when the file on disk is no longer what was read."""
        current = Fingerprint.of_file(self.path)
        if current == self.fingerprint:
            return
        if self.fingerprint is None:
            raise BankChanged(f"{self.path} was created by someone else meanwhile; nothing was written")
        if current is None:
            raise BankChanged(
                f"{self.path} was deleted or moved since it was opened; nothing was written (your edit is kept)"
            )
        raise BankChanged(
            f"{self.path} changed on disk since it was opened (another editor, a git pull?): nothing was "
            "written, your edit is kept. Reload the file and apply your edit again."
        )

    def reload(self) -> BankDocument:
        """A fresh document of the file as it is now on disk (this one is left as it is)."""
        return BankDocument.open(self.path)

    def similar_to_touched(self) -> dict[str, list[Similar]]:
        """For each question added or edited since the last save, the near-duplicates in the project."""
        bank = self.bank
        if bank is None:
            return {}
        found = {}
        for question_id in self._touched:
            question = bank.question(question_id)
            if question is not None and (close := similar_questions(question.text, bank.questions, exclude=[question_id])):
                found[question_id] = close
        return found

    # Internals

    def _valid_bank(self) -> Bank:
        if self.bank is None:
            raise NotABank(
                f"{self.path} has errors; fix them first (soutenance bank lint {self.path})", self._result.errors
            )
        return self.bank

    def _index(self, question_id: str) -> int:
        self.question(question_id)
        return next(i for i, q in enumerate(self._valid_bank().questions) if q.id == question_id)

    def _check_values(self, draft: QuestionDraft, question_id: str) -> None:
        try:
            Question.model_validate(draft.to_data(question_id))
        except ValidationError as exc:
            problems = [f"{'.'.join(str(s) for s in e['loc'])}: {_describe_error(e)}" for e in exc.errors()]
            raise InvalidEdit("the question is not valid: " + "; ".join(problems)) from None

    def _validate(self, text: str) -> BankFile:
        result = parse_bank(text, self.path, display=str(self.path))
        if result.bank is not None and result.node is not None:
            result.diagnostics.extend(bank_warnings(result))
        return result

    def _commit(self, text: str, touched: str | None) -> None:
        result = self._validate(text)
        if result.errors:
            raise InvalidEdit(f"{self.path}: the edit would leave a bank lint rejects", result.errors)
        layout = _analyze(text)
        self._text, self._result, self._layout = text, result, layout
        if touched is not None and touched not in self._touched:
            self._touched.append(touched)


def _with_defaults(draft: QuestionDraft, old: Question, question_id: str) -> QuestionDraft:
    """The draft with unset values taken from the question it edits, normalized like the model."""
    return QuestionDraft(
        text=draft.text,
        key_points=list(draft.key_points),
        follow_ups=list(draft.follow_ups),
        difficulty=old.difficulty if draft.difficulty is None else int(draft.difficulty),
        time_limit=old.time_limit if draft.time_limit is None else parse_duration(draft.time_limit),
        tags=list(draft.tags),
        id=question_id,
    )


def _write_problem(path: Path, exc: OSError) -> str:
    folder = path.parent
    if isinstance(exc, FileNotFoundError) and not folder.exists():
        return f"cannot save {path}: the folder {folder} does not exist (any more?)"
    if isinstance(exc, NotADirectoryError):
        return f"cannot save {path}: {folder} is not a folder"
    if isinstance(exc, PermissionError) or getattr(exc, "errno", None) == 30:  # EROFS
        return (
            f"cannot save {path}: the folder {folder} is read-only ({exc.strerror or exc}); "
            "copy the bank to a folder you can write to. The file on disk is unchanged."
        )
    return f"cannot save {path}: {exc.strerror or exc}. The file on disk is unchanged."


# --- Moving, copying and creating banks ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoveResult:
    question_id: str  # its id in the target (the same unless it was taken there)
    target: SaveResult
    source: SaveResult


def move_question(
    source: BankDocument,
    question_id: str,
    target: BankDocument,
    *,
    has_history: Callable[[str], bool] | None = None,
    confirmed: bool = False,
) -> MoveResult | Deletion:
    """Move a question to another project file: written to the target first, so it is never lost.

    Returns the Deletion asking for confirmation when the question has history in its project.
    """
    if source.path.resolve() == target.path.resolve():
        raise InvalidEdit("the question is already in this project")
    question = source.question(question_id)
    for document in (source, target):
        if document.bundled:
            raise BundledBank(f"{document.path} is a bundled bank: copy the project to your bank folder first")
    if source.needs_confirmation(question_id, has_history) and not confirmed:
        return Deletion(question_id, deleted=False, needs_confirmation=True)
    draft = QuestionDraft.from_question(question)
    taken = {q.id for q in target._valid_bank().questions}
    draft.id = question_id if question_id not in taken else new_question_id(question.text, taken)
    new_id = target.add_question(draft)
    source.delete_question(question_id, confirmed=True)
    source.ensure_unchanged()
    saved_target = target.save()
    return MoveResult(new_id, saved_target, source.save())


def user_copy_path(bank: Bank) -> Path:
    """Where the user's copy of a project lives: <user banks>/<path-id>/<project-id>.yaml."""
    return paths.user_banks_dir() / bank.project.path_id / f"{bank.project.id}.yaml"


def copy_to_user(path: Path) -> Path:
    """Copy a project (bundled or not) into the user bank folder, where it shadows the original.

    The copy is byte for byte, except the schema modeline, which is pointed at the schema again.
    Raises CopyExists when the user folder already has this project's file.
    """
    source = BankDocument.open(path)
    bank = source._valid_bank()
    destination = user_copy_path(bank)
    if destination.exists():
        raise CopyExists(f"{destination} already exists: edit that copy", destination)
    lines = split_lines(source.text)
    if lines and lines[0].startswith(MODELINE_PREFIX):
        ending = lines[0][len(_body(lines[0])) :]
        lines[0] = MODELINE_PREFIX + schema_reference(destination.parent) + ending
    copy = BankDocument(destination, "".join(lines), fingerprint=None, bom=source._bom)
    _make_folder(destination.parent)
    copy._saved_text = None
    copy.save()
    return destination


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BankWriteError(f"cannot create the folder {folder}: a file has that name") from None
    except NotADirectoryError:
        raise BankWriteError(f"cannot create the folder {folder}: part of that path is a file") from None
    except OSError as exc:
        raise BankWriteError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def create_bank(
    reference: str,
    *,
    title: str,
    language: str,
    path_name: str | None = None,
    evaluator_role: str | None = None,
    description: str | None = None,
    folder: Path | None = None,
) -> Path:
    """Create PATH_ID/PROJECT_ID from the template; the default folder is <user banks>/<path-id>/."""
    path_id, sep, project_id = reference.strip().strip("/").partition("/")
    if not sep or "/" in project_id:
        raise InvalidEdit(f"{reference!r}: name the project as PATH_ID/PROJECT_ID, e.g. community-manager/veille")
    for label, value in (("path id", path_id), ("project id", project_id)):
        if not _IDENTIFIER.match(value):
            raise InvalidEdit(f"the {label} {value!r} may only hold lowercase letters, digits, '-' and '_'")
    if language not in ("fr", "en"):
        raise InvalidEdit(f"language {language!r}: fr or en")
    path_name = (path_name or path_id.replace("-", " ").replace("_", " ").capitalize()).strip()
    if slugify(path_name) != path_id:
        raise InvalidEdit(
            f"the path name {path_name!r} gives the path id `{slugify(path_name)}`, not `{path_id}`; "
            "change one of them so they match"
        )
    folder = Path(folder) if folder is not None else paths.user_banks_dir() / path_id
    destination = folder / f"{project_id}.yaml"
    if destination.exists():
        raise InvalidEdit(f"{destination} already exists")
    text = bank_template(
        project_id=project_id,
        title=title,
        path_name=path_name,
        language=language,
        evaluator_role=evaluator_role,
        description=description,
        folder=folder,
        file_name=destination.name,
    )
    document = BankDocument(destination, text, fingerprint=None)
    if document._result.errors:
        raise InvalidEdit("the new bank would not be valid", document._result.errors)
    _make_folder(folder)
    document.save()
    return destination
