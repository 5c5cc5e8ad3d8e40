"""The words of a search (`q=`, SPEC §4.1), cut as the search index cuts its text: runs
of letters and digits. A reference (`SIG-2023-000017`) and a postcode (`3311 AB`, `3311ab`)
become one word without their dashes and spaces, and like a KvK number (8 digits) match
whole; every other word matches as a whole word or a word prefix."""

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

    rest = _POSTCODE.sub(compact, _REFERENCE.sub(compact, q))
    words = [
        Term(word.lower(), prefix=_KVK.fullmatch(word) is None) for word in _WORD.findall(rest)
    ]
    return list(dict.fromkeys([*identifiers, *words]))
