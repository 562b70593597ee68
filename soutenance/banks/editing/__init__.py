"""Editing bank files the way a careful person would: only what was asked, everything else byte for byte.

A `BankDocument` holds a bank file's text in memory. Each operation (add, update, duplicate,
delete, move) splices the lines of the one question it touches; that question alone is
re-written with ruamel.yaml in round-trip mode, so its own comments and quoting survive too.
Every operation is checked with the loader and lint before it is accepted, and `save()` writes
atomically, refusing when the file changed on disk since it was read or when it is a bundled bank.

The modules, from the outside in:

- `document`: `BankDocument` (open, edit in memory, save with the conflict fingerprint);
- `operations`: across files: `move_question`, `copy_to_user`, `create_bank`;
- `drafts`: `QuestionDraft` / `FollowUpDraft` as typed (key point hints by key point text), and
  `new_question_id`;
- `form_text`: follow-ups and their key points as the form's one text (`parse_follow_ups`);
- `facts`: the project's named facts, set or removed;
- `checks`: `check_draft`, `DraftCheck`, `similar_questions` (lint's rules, field by field);
- `layout`: where each question sits in the text, and the file's style (indentation, quoting);
- `render`: one question read and written with ruamel.yaml;
- `splice`: the text with one question's lines inserted, replaced or removed;
- `locations`: bundled banks and the user's copies; `errors`: why an edit is refused.
"""

from soutenance.banks.editing.checks import (
    DraftCheck,
    FieldProblem,
    Similar,
    check_draft,
    similar_questions,
)
from soutenance.banks.editing.document import BOM, BankDocument, Deletion, SaveResult
from soutenance.banks.editing.drafts import (
    DEFAULT_DIFFICULTY,
    DEFAULT_TIME_LIMIT,
    FIELDS,
    FollowUpDraft,
    Hints,
    QuestionDraft,
    follow_ups_from_lines,
    hints_of,
    kept_hints,
    new_question_id,
)
from soutenance.banks.editing.errors import (
    BankChanged,
    BankWriteError,
    BundledBank,
    CopyExists,
    EditError,
    InvalidEdit,
    NotABank,
    NotEditable,
    QuestionNotFound,
)
from soutenance.banks.editing.form_text import (
    FollowUpLines,
    dropped_hints,
    follow_ups_text,
    parse_follow_ups,
)
from soutenance.banks.editing.layout import split_lines
from soutenance.banks.editing.locations import is_bundled, user_copy_path
from soutenance.banks.editing.operations import (
    MoveResult,
    add_follow_up,
    copy_to_user,
    create_bank,
    ensure_user_copy,
    move_question,
)

__all__ = [
    "BOM",
    "DEFAULT_DIFFICULTY",
    "DEFAULT_TIME_LIMIT",
    "FIELDS",
    "BankChanged",
    "BankDocument",
    "BankWriteError",
    "BundledBank",
    "CopyExists",
    "Deletion",
    "DraftCheck",
    "EditError",
    "FieldProblem",
    "FollowUpDraft",
    "FollowUpLines",
    "Hints",
    "InvalidEdit",
    "MoveResult",
    "NotABank",
    "NotEditable",
    "QuestionDraft",
    "QuestionNotFound",
    "SaveResult",
    "Similar",
    "check_draft",
    "add_follow_up",
    "copy_to_user",
    "ensure_user_copy",
    "create_bank",
    "dropped_hints",
    "follow_ups_text",
    "hints_of",
    "kept_hints",
    "parse_follow_ups",
    "follow_ups_from_lines",
    "is_bundled",
    "move_question",
    "new_question_id",
    "similar_questions",
    "split_lines",
    "user_copy_path",
]
