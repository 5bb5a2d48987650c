"""Opening a generated workbook the way a user's desktop does: LibreOffice, headless.

LibreOffice keeps a workbook's cached formula results unless its profile says to recalculate
on load, so the profile made here sets ``OOXMLRecalcMode`` to 0 (always); the converted copy
then holds LibreOffice's own results, which a test compares with Pilkada's numbers.
:func:`convert` saves files in another format (.xls, .ods, …) the way a desk's LibreOffice
would, for tests that read those formats.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

SOFFICE = os.environ.get("PILKADA_SOFFICE", "soffice")

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def available() -> bool:
    return shutil.which(SOFFICE) is not None


def _profile(workdir: Path) -> Path:
    """A fresh LibreOffice user profile under ``workdir`` (recalculation on load)."""
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    return profile


def _convert(paths: Sequence[Path], workdir: Path, to: str, out: Path) -> list[Path]:
    """Run one LibreOffice conversion of ``paths`` to format ``to`` into ``out``."""
    profile = _profile(workdir)
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            *(str(p) for p in paths),
        ],
        capture_output=True,
        text=True,
        timeout=180 + 30 * len(paths),
    )
    suffix = to.split(":", 1)[0]
    converted = [out / f"{Path(p).stem}.{suffix}" for p in paths]
    missing = [c.name for c in converted if not c.exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(
            f"LibreOffice failed (missing: {missing}): {result.stdout} {result.stderr}"
        )
    return converted


def recalculate(path: Path, workdir: Path) -> Path:
    """Open ``path`` in LibreOffice with recalculation on load and save it as a new .xlsx."""
    return _convert([path], workdir, "xlsx", workdir / "lo-out")[0]


def convert(paths: Path | Sequence[Path], workdir: Path, to: str = "xls") -> list[Path]:
    """Open each of ``paths`` in LibreOffice and save it as ``to`` (``xls`` is Excel 97–2003,
    BIFF8; ``ods``; ``xlsx``; a filter may follow a colon, as on soffice's command line), all
    in one LibreOffice run. Returns the new files, in the order of ``paths``, in
    ``workdir/lo-<to>``; their names keep the stems of ``paths``, so the stems must differ."""
    paths = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):
        raise ValueError(f"file names must differ in their stems: {stems}")
    suffix = to.split(":", 1)[0]
    return _convert(paths, workdir, to, workdir / f"lo-{suffix}")
