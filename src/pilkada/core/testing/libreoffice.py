"""Opening a generated workbook the way a user's desktop does: LibreOffice, headless.

LibreOffice keeps a workbook's cached formula results unless its profile says to recalculate
on load, so the profile made here sets ``OOXMLRecalcMode`` to 0 (always); the converted copy
then holds LibreOffice's own results, which a test compares with Pilkada's numbers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
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


def recalculate(path: Path, workdir: Path) -> Path:
    """Open ``path`` in LibreOffice with recalculation on load and save it as a new .xlsx."""
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    out = workdir / "lo-out"
    out.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = out / (path.stem + ".xlsx")
    if result.returncode != 0 or not converted.exists():
        raise RuntimeError(f"LibreOffice failed: {result.stdout} {result.stderr}")
    return converted
