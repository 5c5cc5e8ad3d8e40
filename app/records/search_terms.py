"""The words of a search (`q=`, SPEC §4.1), cut as the search index cuts its text: runs
of letters and digits. A reference (`SIG-2023-000017`) and a postcode (`3311 AB`, `3311ab`)
become one word without their dashes and spaces, and like a KvK number (8 digits) match
whole; every other word matches as a whole word or a word prefix. The `'s` of a plural
(`camera's`) adds no word."""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

_WORD = re.compile(r"[^\W_]+")
_NOT_WORD = r"(?<![^\W_])"
_END = r"(?![^\W_])"
_REFERENCE = re.compile(_NOT_WORD + r"([A-Za-z]{2,5})-([0-9]{4})-([0-9]{6})" + _END)
_POSTCODE = re.compile(_NOT_WORD + r"([1-9][0-9]{3}) ?([A-Za-z]{2})" + _END)
_KVK = re.compile(r"[0-9]{8}")
# The letter after an apostrophe inside a word: the plural of `camera's`, `auto's`. The
# index cuts it off as a word of its own; as a one-letter prefix it would match almost
# every record (every word beginning with s), so it is left out: `camera` covers it.
_APOSTROPHE_LETTER = re.compile(r"(?<=[^\W_])['\u2019`][^\W_](?![^\W_])")


@dataclass(frozen=True)
class Term:
    """One word that must match: as a prefix, or (an identifier) whole."""

    text: str
    prefix: bool = True


def search_terms(q: str) -> list[Term]:
    """The words of `q`; identifiers written with dashes or a space become one word."""
    q = unicodedata.normalize("NFKC", q)
    identifiers: list[Term] = []

    def compact(match: re.Match[str]) -> str:
        identifiers.append(Term("".join(match.groups()).lower(), prefix=False))
        return " "

    rest = _APOSTROPHE_LETTER.sub("", _POSTCODE.sub(compact, _REFERENCE.sub(compact, q)))
    words = [
        Term(word.lower(), prefix=_KVK.fullmatch(word) is None) for word in _WORD.findall(rest)
    ]
    return list(dict.fromkeys([*identifiers, *words]))
