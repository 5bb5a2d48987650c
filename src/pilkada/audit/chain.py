"""Appending to the hash-chained change log, and walking it to prove nothing was altered.

``hash = SHA-256(prev_hash + "\\n" + payload)`` where ``payload`` is the entry's content as
canonical JSON (sorted keys, no spaces, the time in UTC with microseconds). The first entry's
``prev_hash`` is :data:`GENESIS`. Appends take the lock on the single :class:`ChainHead` row
inside the caller's transaction, so two writers can never chain from the same entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilkada.audit.models import ChainHead, ChangeLogEntry
from pilkada.core.bulk import insert_rows

GENESIS = "0" * 64
PAYLOAD_FIELDS = (
    "created_at", "user_id", "username", "action", "entity", "entity_id", "label", "old", "new",
    "source", "source_file", "source_sha256", "source_sheet", "source_row", "request", "note",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    """One change to record: what, old and new values, and where it came from."""

    action: str
    entity: str
    entity_id: str
    label: str = ""
    old: dict | None = None
    new: dict | None = None
    source: str = "cli"
    file: str = ""
    sha256: str = ""
    sheet: str = ""
    row: int | None = None
    request: str = ""
    note: str = ""


@dataclass(frozen=True)
class Origin:
    """Where a batch of changes came from: the channel, the file with its SHA-256 and, by row
    index, the (sheet, row) each row was read from."""

    source: str = "cli"
    file: str = ""
    sha256: str = ""
    locations: Sequence[tuple[str, int]] = ()
    request: str = ""
    note: str = ""

    def change(self, action, entity, entity_id, label="", old=None, new=None, index=None):
        sheet, row = self.locations[index] if index is not None and self.locations else ("", None)
        return Change(
            action=action, entity=entity, entity_id=str(entity_id), label=label, old=old,
            new=new, source=self.source, file=self.file, sha256=self.sha256, sheet=sheet,
            row=row, request=self.request, note=self.note,
        )  # fmt: skip


CLI_ORIGIN = Origin()  # a change typed at the command line (the default)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, values: dict) -> str:
    payload = {name: values[name] for name in PAYLOAD_FIELDS}
    payload["created_at"] = _utc(payload["created_at"])
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def head() -> ChainHead:
    return ChainHead.objects.get_or_create(pk=1, defaults={"hash": GENESIS})[0]


def record(changes: Iterable[Change], *, user=None) -> int:
    """Append ``changes`` (in order) to the log; returns how many. Call inside the transaction
    that makes the changes, so that the log and the data commit or roll back together."""
    changes = list(changes)
    if not changes:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    head()  # the row exists before it is locked
    locked = ChainHead.objects.select_for_update().get(pk=1)
    now = timezone.now()
    user_id = user.pk if user is not None else None
    username = user.get_username() if user is not None else ""
    prev = locked.hash
    rows = []
    for change in changes:
        values = {
            "created_at": now,
            "user_id": user_id,
            "username": username,
            "action": change.action,
            "entity": change.entity,
            "entity_id": str(change.entity_id),
            "label": change.label[:255],
            "old": change.old,
            "new": change.new,
            "source": change.source,
            "source_file": change.file[:255],
            "source_sha256": change.sha256,
            "source_sheet": change.sheet[:100],
            "source_row": change.row,
            "request": change.request[:255],
            "note": change.note,
        }
        values["prev_hash"] = prev
        values["hash"] = prev = entry_hash(prev, values)
        rows.append(values)
    columns = [*PAYLOAD_FIELDS, "prev_hash", "hash"]
    insert_rows(ChangeLogEntry, columns, ([r[c] for c in columns] for r in rows))
    locked.last_id = ChangeLogEntry.objects.order_by("-id").values_list("id", flat=True)[0]
    locked.hash = prev
    locked.save(update_fields=["last_id", "hash", "updated_at"])
    return len(rows)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    head: str
    message: str


def verify() -> Verdict:
    """Walk the whole log in order; the verdict names the first broken link, if any."""
    prev, count, last_id = GENESIS, 0, 0
    fields = ["id", *PAYLOAD_FIELDS, "prev_hash", "hash"]
    for values in ChangeLogEntry.objects.order_by("id").values(*fields).iterator(2000):
        count += 1
        if values["prev_hash"] != prev:
            return Verdict(False, count, prev, _broken(values["id"], _link_message()))
        if entry_hash(prev, values) != values["hash"]:
            return Verdict(False, count, prev, _broken(values["id"], _content_message()))
        prev, last_id = values["hash"], values["id"]
    current = head()
    if (current.last_id, current.hash) != (last_id, prev):
        return Verdict(
            False,
            count,
            prev,
            _(
                "Ujung rantai tercatat #%(id)s (%(h)s…), tetapi catatan terakhir #%(last)s "
                "(%(p)s…): ada catatan terakhir yang dihapus atau ditambahkan di luar Pilkada."
            )
            % {"id": current.last_id, "h": current.hash[:12], "last": last_id, "p": prev[:12]},
        )
    return Verdict(
        True,
        count,
        prev,
        _("Rantai utuh: %(n)d catatan, ujung %(h)s.") % {"n": count, "h": prev},
    )


def _link_message() -> str:
    return _("hash sebelumnya tidak cocok: ada catatan sebelumnya yang dihapus atau diubah")


def _content_message() -> str:
    return _("isinya tidak cocok dengan hash-nya: catatan ini diubah")


def _broken(entry_id: int, reason: str) -> str:
    return _("Rantai putus di catatan #%(id)s: %(r)s.") % {"id": entry_id, "r": reason}
