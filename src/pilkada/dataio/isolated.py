"""Parsing an uploaded file in a child process with memory and time limits.

A hostile file can make a reader take gigabytes of memory, run for minutes, or abort the whole
process (python-calamine does on some malformed workbooks). The web server must survive every
upload, so uploads are parsed here: in a freshly spawned process whose data memory is capped
(``RLIMIT_DATA``) and which is killed when it overruns its time. Whatever goes wrong in the
child comes back as one :class:`~pilkada.dataio.errors.FileError` naming the file; the parent
process and its database connections are never touched by the reader.
"""

from __future__ import annotations

import pickle
import resource
import subprocess
import sys
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from pilkada.dataio.errors import FileError

MEMORY_LIMIT = 512 * 2**20  # bytes of heap and anonymous memory the child may use
TIME_LIMIT = 300  # seconds; a kabupaten workbook of 8,000 TPS parses in about 1 s


def parse_isolated(
    spec,
    path: Path | str,
    *,
    display_name: str | None = None,
    memory: int = MEMORY_LIMIT,
    seconds: float = TIME_LIMIT,
):
    """``spec.parse_file(path)``, run in a child process; returns its ``ParseResult``."""
    file = display_name or Path(path).name
    request = pickle.dumps((spec, str(Path(path).resolve()), file, translation.get_language()))
    child = subprocess.Popen(
        [sys.executable, "-m", __name__, str(memory)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        output, _unused = child.communicate(request, timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise FileError(
            file,
            _("pembacaan berkas dihentikan setelah %(s)d detik; berkas terlalu besar atau rusak")
            % {"s": seconds},
        ) from None
    try:
        outcome, value = pickle.loads(output)
    except Exception:  # no answer: the reader crashed or was killed for its memory
        outcome, value = "crash", None
    if outcome == "ok":
        return value
    if outcome == "file":
        raise FileError(file, value)
    if outcome == "memory":
        raise FileError(
            file,
            _(
                "berkas memerlukan lebih dari %(mb)d MB memori untuk dibaca; pecah menjadi "
                "beberapa berkas, atau periksa apakah ada sel terisi jauh di luar tabel"
            )
            % {"mb": memory // 2**20},
        )
    raise FileError(
        file, _("berkas tidak dapat dibaca: pembacanya berhenti mendadak; berkas mungkin rusak")
    )


def _child(memory: int) -> None:
    """The child's side: a pickled request on stdin, a pickled (outcome, value) on stdout."""
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    spec, path, file, language = pickle.loads(sys.stdin.buffer.read())
    import django

    django.setup()
    if language:
        translation.activate(language)
    try:
        answer = ("ok", spec.parse_file(path, display_name=file))
    except MemoryError:
        answer = ("memory", None)
    except FileError as exc:
        answer = ("file", exc.message)
    except Exception as exc:  # noqa: BLE001 - reported to the parent as an unreadable file
        answer = ("error", repr(exc))
    try:
        data = pickle.dumps(answer)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _child(int(sys.argv[1]))
