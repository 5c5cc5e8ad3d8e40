"""Structured JSON logs with the request id on every line; no personal data is ever logged.

Tracebacks are written without the exceptions' messages: a database error's message holds
the values of the statement that failed (`DETAIL: Key (external_id)=(…)`, `invalid input
syntax …: "…"`), a validation error's the input. The frames and the exception types (with
the SQLSTATE of a database error) say where it broke; the values stay out.
"""

import logging
import sys
import traceback
from types import TracebackType
from typing import Any

from asgi_correlation_id import CorrelationIdFilter
from pythonjsonlogger.json import JsonFormatter

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def traceback_without_values(exc_info: Any) -> str:
    """The traceback of an exception and of those it came from, each named by its type
    only: the frames (file, line, function, source line), never a message or a local."""
    _, error, _ = exc_info
    chain: list[BaseException] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    lines: list[str] = []
    for error in reversed(chain):
        if lines:
            lines.append("\nwhich caused:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        lines.append(_error_name(error) + "\n")
    return "".join(lines).rstrip("\n")


def _error_name(error: BaseException) -> str:
    kind = type(error)
    name = f"{kind.__module__}.{kind.__qualname__}"
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or getattr(
        error, "sqlstate", None
    )
    return f"{name} (SQLSTATE {sqlstate})" if isinstance(sqlstate, str) else name


class ValueFreeJsonFormatter(JsonFormatter):
    """The JSON formatter, with tracebacks that carry no request values."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 - logging's name
        return traceback_without_values(ei)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(CorrelationIdFilter(name="request_id", uuid_length=36, default_value="-"))
    handler.setFormatter(
        ValueFreeJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            rename_fields={"correlation_id": "requestId", "levelname": "level", "asctime": "time"},
            timestamp=False,
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    # uvicorn's own access log would print raw paths and query strings; ours prints templates.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx writes every URL it fetches, query string and all, at INFO.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
