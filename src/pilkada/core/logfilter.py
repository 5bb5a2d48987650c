"""Keeps personal data and stack traces out of the server log.

:class:`PrivateDataFilter` sits on every handler in ``settings.LOGGING`` and rewrites each
record in place, before any handler formats it:

* **NIK/NKK.** Every run of 16 or more digits in the message and its arguments is masked like
  :func:`pilkada.voters.privacy.mask` masks a NIK (``3273014508850001`` →
  ``327301450885****``): the first 12 digits stay, the rest become ``*``.

* **Exceptions.** The traceback (``exc_info``) is dropped and replaced by one line: the
  exception's class, where it was raised (``file:line in function``), the innermost frame in
  Pilkada's own code that led there, and the class of its cause, e.g. ::

      Internal Server Error: /pemilihan/uji/ [RuntimeError at pilkada/web/views.py:88 in home]

  Why not keep the traceback with the digits masked: a traceback ends with the exception's
  message, and messages quote values — ``KeyError('Budi Santoso')``, a parser's "invalid
  literal ... 'Jl. Melati 3'", a row in a database error's DETAIL — which no digit mask
  catches. Django's own error report (the admin e-mail, ``DEBUG``'s page) goes further and
  lists every frame's local variables: the request, the form, the rows being saved. The
  operator needs neither: the class and the location tell a developer which code failed, and
  the log line's time and path tell them which request; the data is in the database. The one
  exception is :class:`django.db.DatabaseError`: its first line ("database is locked", "UNIQUE
  constraint failed: voters_voter.nik", "duplicate key value violates unique constraint ...")
  names the failure without row values — the engines put those in a DETAIL line, which is
  dropped — and without it a locked or full database cannot be told from a bug.

* **Stack info** (``stack_info=True``) keeps its lines, digits masked: it holds code, not values.

The record keeps its level, logger name and time; ``record.exc_info`` is ``None`` afterwards,
so a handler further down the chain cannot print the traceback either.
"""

from __future__ import annotations

import logging
import re
import traceback
from pathlib import Path

from django.db import DatabaseError

# A NIK or NKK is 16 digits; any longer run of digits is masked the same way.
NIK_LIKE = re.compile(r"\d{16,}")
KEPT_DIGITS = 12
MAX_DB_MESSAGE = 200

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/pilkada


def mask_digits(text: str) -> str:
    """Masks every run of 16 or more digits in ``text`` as a NIK is masked."""
    return NIK_LIKE.sub(lambda m: m[0][:KEPT_DIGITS] + "*" * (len(m[0]) - KEPT_DIGITS), text)


def _where(path: str) -> str:
    """A source path short enough for one log line: ``pilkada/…`` or ``django/…``."""
    resolved = Path(path)
    try:
        return str(Path("pilkada") / resolved.resolve().relative_to(_PACKAGE_DIR))
    except (OSError, ValueError):
        pass
    parts = resolved.parts
    if "site-packages" in parts:
        return str(Path(*parts[parts.index("site-packages") + 1 :]))
    return resolved.name


def _frame(frame: traceback.FrameSummary) -> str:
    return f"{_where(frame.filename)}:{frame.lineno} in {frame.name}"


def summarize(exc: BaseException) -> str:
    """``Class[: database message] at file:line in function[; via pilkada frame][; cause]``."""
    kind = type(exc)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"
    text = name
    if isinstance(exc, DatabaseError):
        first = (str(exc).strip().splitlines() or [""])[0][:MAX_DB_MESSAGE]
        if first:
            text += f": {mask_digits(first)}"
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if frames:
        text += f" at {_frame(frames[-1])}"
        own = [f for f in frames if _where(f.filename).startswith("pilkada/")]
        if own and own[-1] is not frames[-1]:
            text += f"; via {_frame(own[-1])}"
    cause = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    if cause is not None:
        text += f"; cause {type(cause).__qualname__}"
    return text


class PrivateDataFilter(logging.Filter):
    """Masks NIK-like numbers and turns tracebacks into one line (see the module docstring).
    Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep its parts, masked
            message = f"{record.msg} {record.args!r}"
        message = mask_digits(message)
        if record.exc_info and record.exc_info[1] is not None:
            message += f" [{summarize(record.exc_info[1])}]"
        record.msg, record.args = message, ()
        record.exc_info = record.exc_text = None
        if record.stack_info:
            record.stack_info = mask_digits(record.stack_info)
        return True


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines (``AXES_CLIENT_STR_CALLABLE``): the
    address and the page, not the user name typed (often a person's name, sometimes a
    mistyped password). Axes keeps the name in its own table for the administrators."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0] if path_info else ""
    return f'{{ip_address: "{ip_address}", path_info: "{mask_digits(str(path_info or ""))}"}}'
