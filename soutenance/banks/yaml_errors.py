"""YAML syntax errors as a bank author needs them: one line, at the place the problem starts.

libyaml reports where it noticed a problem, which is often far from its cause: an unclosed quote
swallows the following lines and is reported lines later ("did not find expected key"), a tab
gets "found character that cannot start any token", a control character comes with its byte
offset on a second line. These helpers move the position back to the cause and say it plainly.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import yaml

_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a line break
_KEY_OR_ITEM = re.compile(r"[\r\n][ \t]*(?:-[ \t]|[^\s#'\"-][^:\r\n]*:(?:[ \t]|$))", re.M)
TAB_MESSAGE = "invalid YAML: a tab cannot indent YAML; use spaces"


class StrictYamlError(Exception):
    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


class _Lines:
    """Line starts of a text, counted as libyaml counts them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(match.end() for match in _BREAK.finditer(text))]

    def line(self, number: int) -> str:
        """The 0-based line `number`, without its line break."""
        if not 0 <= number < len(self.starts):
            return ""
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[number] : end].rstrip("\r\n\x85\u2028\u2029")

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        number = bisect.bisect_right(self.starts, offset) - 1
        return number + 1, offset - self.starts[number] + 1

    def offset(self, mark: Any) -> int:
        return self.starts[min(mark.line, len(self.starts) - 1)] + mark.column

    def within(self, line: int, col: int) -> tuple[int, int]:
        """A 1-based position moved inside the text: libyaml may point past its last line."""
        last = len(self.starts)
        if last > 1 and self.starts[-1] == len(self.text):
            last -= 1  # a final line break opens no line of its own
        if line > last:
            return last, len(self.line(last - 1)) + 1
        return line, col


def syntax_error(text: str, exc: yaml.YAMLError, loader: type) -> StrictYamlError:
    """The one-line error to report for a YAML error raised while composing `text`."""
    error = _syntax_error(text, exc, loader)
    error.line, error.col = _Lines(text).within(error.line, error.col)
    return error


def _syntax_error(text: str, exc: yaml.YAMLError, loader: type) -> StrictYamlError:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_error(text, exc)
    if not isinstance(exc, yaml.MarkedYAMLError):
        first = str(exc).strip().splitlines()[:1] or ["invalid YAML"]
        return StrictYamlError(f"invalid YAML: {first[0]}", 1, 1)
    lines = _Lines(text)
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    if "expected a single document" in str(exc.context or ""):
        return StrictYamlError(
            "invalid YAML: a bank holds one YAML document; remove the extra `---`", line, col
        )
    problem = exc.problem or exc.context or "invalid YAML"
    if mark and (tab := _tab(lines, mark, problem)):
        return StrictYamlError(TAB_MESSAGE, *tab)
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:
        opening = exc.context_mark
        quote = lines.line(opening.line)[opening.column : opening.column + 1] or '"'
        return StrictYamlError(
            f"invalid YAML: this quoted text is never closed: no closing {quote} before the end of the file",
            opening.line + 1,
            opening.column + 1,
        )
    if mark and (runaway := _runaway_quote(lines, mark, loader)):
        return runaway
    return StrictYamlError(f"invalid YAML: {problem}", line, col)


def _tab(lines: _Lines, mark: Any, problem: str) -> tuple[int, int] | None:
    """Where the tab behind an error is: at the error, or in the indentation of its line."""
    text = lines.line(mark.line)
    if text[mark.column : mark.column + 1] == "\t":
        return mark.line + 1, mark.column + 1
    indentation = len(text) - len(text.lstrip(" \t-"))
    tab = text.find("\t", 0, indentation if "tab" not in problem else len(text))
    return (mark.line + 1, tab + 1) if tab >= 0 else None


def _runaway_quote(lines: _Lines, mark: Any, loader: type) -> StrictYamlError | None:
    """The opening quote of a quoted text that ran over the following keys up to the error."""
    error = (mark.line, mark.column)
    last = None
    scanner = loader(lines.text)
    try:
        while (token := scanner.get_token()) is not None:
            if (token.start_mark.line, token.start_mark.column) >= error:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    finally:
        scanner.dispose()
    if last is None or last.style not in ("'", '"') or last.end_mark.line == last.start_mark.line:
        return None
    swallowed = lines.text[lines.offset(last.start_mark) : lines.offset(last.end_mark)]
    if not _KEY_OR_ITEM.search(swallowed):
        return None
    quote = last.style
    return StrictYamlError(
        f"invalid YAML: the text opened by this {quote} runs on to line {last.end_mark.line + 1}; "
        f"is its closing {quote} missing?",
        last.start_mark.line + 1,
        last.start_mark.column + 1,
    )


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> StrictYamlError:
    """A character YAML refuses, at its line and column (libyaml gives a byte offset)."""
    encoded = text.encode("utf-8", errors="surrogatepass")
    offset = len(encoded[: exc.position].decode("utf-8", errors="ignore"))
    line, col = _Lines(text).position(offset)
    code = ord(exc.character) if isinstance(exc.character, str) else int(exc.character)
    what = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return StrictYamlError(
        f"invalid YAML: {what} U+{code:04X} is not allowed in a bank; remove it", line, col
    )


def too_deep(text: str, max_depth: int, loader: type, stop: Any = None) -> StrictYamlError:
    """Where nesting first goes deeper than `max_depth`, found from the parser's flat events.

    `stop` is the mark where libyaml gave up (its own limit is far deeper): the text is read up
    to there only, as the scanner looks ahead and would stop again before the first event.
    """
    parser = loader(text[: _Lines(text).offset(stop)] if stop is not None else text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.NodeEvent) and depth > max_depth:
                mark = event.start_mark
                return StrictYamlError(
                    f"invalid YAML: nesting deeper than {max_depth} levels",
                    mark.line + 1,
                    mark.column + 1,
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        parser.dispose()
    return StrictYamlError(f"invalid YAML: nesting deeper than {max_depth} levels", 1, 1)
