"""Bad bytes and shapes in request input (SPEC §8): found with their paths, or escaped to store.

What a database cannot store or a JSON reader cannot take never reaches either: a NUL
character (PostgreSQL refuses it in text and `\\u0000` in jsonb), a lone surrogate (not a
character: it cannot be encoded as UTF-8), nesting deeper than `MAX_DEPTH`, `NaN` and
`Infinity` (not JSON), and numbers beyond what an INTEGER column holds. Each is reported with
the path of the value that holds it (`address.street`, `data.description`, a query
parameter's name), so the answer names the field.
"""

import json
import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from app.problems import InvalidInput, InvalidParam

MAX_DEPTH = 32  # levels of objects and arrays in one document (an event is a document)
MAX_INTEGER = 2**31 - 1  # PostgreSQL's INTEGER; no number the API takes is larger
MAX_PROBLEMS = 100  # a body full of bad bytes is answered with the first hundred

_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")
# What escape() leaves where nesting went too deep; the truncating parser puts this marker
# there first (a NUL inside, so that it can never pass as an ordinary value).
TOO_DEEP_TEXT = "<nested too deeply>"
_TOO_DEEP = "\x00" + TOO_DEEP_TEXT
# Strings and brackets of a JSON text, to find how deep its brackets go without recursion.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)

REASONS = {
    "nul": "Holds a NUL character, which cannot be stored.",
    "surrogate": "Holds a lone surrogate (U+D800 to U+DFFF), which is not a character.",
    "depth": f"Nested deeper than {MAX_DEPTH} levels of objects and arrays.",
    "out-of-range": f"A number must lie between -{MAX_INTEGER + 1} and {MAX_INTEGER}.",
    "number": "Not a finite number (`NaN` and `Infinity` are not JSON).",
    "utf-8": "Not valid UTF-8 (a lone surrogate or a broken byte sequence).",
}


class _NumberText(str):
    """A number parsed as its text: an integer literal too long to be one, or NaN/Infinity."""


@dataclass(frozen=True)
class Unsafe:
    """One bad value: where it is and what is wrong."""

    path: tuple[str | int, ...]
    code: str

    @property
    def name(self) -> str:
        if not self.path:
            return "body"
        return ".".join(_escape_text(str(part)) for part in self.path)[:300]

    def as_param(self) -> InvalidParam:
        return InvalidParam(name=self.name, code=self.code, reason=REASONS[self.code])


# ---------------------------------------------------------------- parsing


def _integer(text: str) -> int | str:
    # Longer than any 64-bit integer: kept as text (int() of a huge literal is slow).
    return int(text) if len(text) <= 20 else _NumberText(text[:20] + "…")


def parse_json(raw: bytes) -> Any:
    """JSON that never crashes the parser: too-deep nesting is cut at `MAX_DEPTH` (and found
    by `find_unsafe` there), NaN, Infinity and endless integers come back as text markers.
    Raises ValueError for what is not JSON."""
    try:
        return json.loads(raw, parse_int=_integer, parse_constant=_NumberText)
    except RecursionError:
        pass
    text = raw.decode(json.detect_encoding(raw))
    try:
        return json.loads(_cut_too_deep(text), parse_int=_integer, parse_constant=_NumberText)
    except RecursionError as error:  # cannot happen: the cut text is at most MAX_DEPTH deep
        raise ValueError("nested too deeply") from error


def _cut_too_deep(text: str) -> str:
    """The text with every array or object below `MAX_DEPTH` levels replaced by a marker."""
    pieces: list[str] = []
    depth = kept = 0
    cut_at: int | None = None
    for token in _TOKEN.finditer(text):
        bracket = token.group()
        if bracket[0] == '"':
            continue
        if bracket in "[{":
            depth += 1
            if depth == MAX_DEPTH + 1:
                cut_at = token.start()
        else:
            if depth == MAX_DEPTH + 1 and cut_at is not None:
                pieces += [text[kept:cut_at], json.dumps(_TOO_DEEP)]
                kept, cut_at = token.end(), None
            depth -= 1
    if cut_at is not None:  # never closed: left invalid, so the parser says so
        pieces.append(text[kept:cut_at])
        return "".join(pieces)
    pieces.append(text[kept:])
    return "".join(pieces)


# ---------------------------------------------------------------- finding


def find_unsafe(value: Any, path: tuple[str | int, ...] = ()) -> list[Unsafe]:
    """Every bad value in a parsed JSON document, with its path, in document order."""
    found: list[Unsafe] = []
    _scan(value, path, 0, found)
    return found[:MAX_PROBLEMS]


def _string_problem(text: str) -> str | None:
    if text.isascii() and "\x00" not in text:
        return None
    match = _BAD_CHARACTER.search(text)
    if match is None:
        return None
    if text == _TOO_DEEP:
        return "depth"
    return "nul" if match.group() == "\x00" else "surrogate"


def _scalar_problem(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return _string_problem(value)
    if kind is int:
        return None if -MAX_INTEGER - 1 <= value <= MAX_INTEGER else "out-of-range"
    if kind is float:
        if not math.isfinite(value):
            return "number"
        return None if abs(value) <= MAX_INTEGER else "out-of-range"
    if kind is _NumberText:
        return "number" if value in ("NaN", "Infinity", "-Infinity") else "out-of-range"
    return None


def _scan(value: Any, path: tuple[str | int, ...], depth: int, found: list[Unsafe]) -> None:
    if type(value) is dict:
        items: Any = value.items()
    elif type(value) is list:
        items = enumerate(value)
    else:
        code = _scalar_problem(value)
        if code is not None:
            found.append(Unsafe(path, code))
        return
    if depth == MAX_DEPTH:
        found.append(Unsafe(path, "depth"))
        return
    for key, item in items:
        # The common case inline: an ASCII key and an ASCII string or a small integer.
        if type(key) is str and not (key.isascii() and "\x00" not in key):
            code = _string_problem(key)
            if code is not None:
                found.append(Unsafe((*path, key), code))
        kind = type(item)
        if kind is str:
            if item.isascii() and "\x00" not in item:
                continue
        elif kind is dict or kind is list:
            _scan(item, (*path, key), depth + 1, found)
            if len(found) >= MAX_PROBLEMS:
                return
            continue
        code = _scalar_problem(item)
        if code is not None:
            found.append(Unsafe((*path, key), code))
            if len(found) >= MAX_PROBLEMS:
                return


def invalid_params(found: list[Unsafe], prefix: str = "") -> list[InvalidParam]:
    params = [problem.as_param() for problem in found]
    if prefix:
        for param in params:
            param.name = prefix if param.name == "body" else f"{prefix}.{param.name}"
    return params


def check_document(value: Any) -> None:
    """Raises a 400 naming every bad value of a request body."""
    found = find_unsafe(value)
    if found:
        raise InvalidInput(invalid_params(found))


def body_problem(raw: bytes) -> InvalidInput:
    """Why a body the framework's own parser choked on (too deep for it) is refused."""
    try:
        found = find_unsafe(parse_json(raw))
    except ValueError:
        found = []
    return InvalidInput(invalid_params(found or [Unsafe((), "depth")]))


# ---------------------------------------------------------------- query strings


def query_problems(query_string: bytes, path: str) -> list[InvalidParam]:
    """NUL and bytes that are not UTF-8 in the path or in query parameters, by name."""
    found: list[InvalidParam] = []
    if "\x00" in path:
        found.append(InvalidParam(name="path", code="nul", reason=REASONS["nul"]))
    if not query_string or (b"%" not in query_string and query_string.isascii()):
        return found
    for part in query_string.split(b"&"):
        raw_name, _, raw_value = part.partition(b"=")
        name = unquote_to_bytes(raw_name.replace(b"+", b" "))
        value = unquote_to_bytes(raw_value.replace(b"+", b" "))
        shown = _escape_text(name.decode("utf-8", "backslashreplace"))[:300] or "query"
        for given in (name, value):
            code = "nul" if b"\x00" in given else None
            if code is None:
                try:
                    given.decode("utf-8")
                except UnicodeDecodeError:
                    code = "utf-8"
            if code is not None:
                found.append(InvalidParam(name=shown, code=code, reason=REASONS[code]))
                break
    return found[:MAX_PROBLEMS]


# ---------------------------------------------------------------- storing


def _escape_text(text: str) -> str:
    if text == _TOO_DEEP:
        return TOO_DEEP_TEXT
    return _BAD_CHARACTER.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def escape(value: Any, depth: int = 0) -> Any:
    """A copy that any database stores: bad characters written as `\\uXXXX` text, NaN and
    Infinity as text, and what lies below `MAX_DEPTH` levels replaced by a marker."""
    if type(value) is dict or type(value) is list:
        if depth == MAX_DEPTH:
            return TOO_DEEP_TEXT
        if isinstance(value, list):
            return [escape(item, depth + 1) for item in value]
        return {_escape_text(str(k)): escape(item, depth + 1) for k, item in value.items()}
    if isinstance(value, str):
        return _escape_text(str(value))
    if type(value) is float and not math.isfinite(value):
        return str(value)
    return value


def checked_event(raw: Any) -> tuple[Any, list[InvalidParam]]:
    """An event as it can be stored, and what in it is unsafe (empty when nothing is)."""
    found = find_unsafe(raw)
    if not found:
        return raw, []
    return escape(raw), invalid_params(found)


# ---------------------------------------------------------------- reasons


def _strings(value: Any, depth: int = 0) -> list[str]:
    if isinstance(value, str):
        return [str(value)]
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item, depth + 1)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item, depth + 1)]
    return []


def without_echo(error: dict[str, Any] | None, given: Any) -> dict[str, Any] | None:
    """An error body whose texts repeat none of the input's string values (SPEC §7: a
    rejected event's stored reason does not echo its input): each is replaced by `…`."""
    if not error:
        return error
    values = sorted({text for text in _strings(given) if len(text) >= 3}, key=len, reverse=True)
    if not values:
        return error
    echo = re.compile("|".join(rf"(?<![\w-]){re.escape(text)}(?![\w-])" for text in values[:1000]))

    def clean(text: Any) -> Any:
        return echo.sub("…", text) if isinstance(text, str) else text

    cleaned = {**error, "detail": clean(error.get("detail"))}
    if isinstance(error.get("invalidParams"), list):
        cleaned["invalidParams"] = [
            {**param, "reason": clean(param.get("reason"))} for param in error["invalidParams"]
        ]
    return cleaned
