"""Driving a real spreadsheet application (LibreOffice, headless) from tests."""

import os
from pathlib import Path
import shutil
import subprocess

import pytest

# Without this, LibreOffice trusts the cached formula values of files that say Microsoft Excel
# wrote them (xlsxwriter's and openpyxl's do), and a recalculation test would pass on stale numbers.
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    """The soffice binary; skip the test where LibreOffice is missing, unless CI requires it."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return path


def convert(source: Path, target_ext: str, outdir: Path, profile: Path, filter_name: str | None = None) -> Path:
    """Open `source` in LibreOffice, recalculate, and save it as `target_ext` in `outdir`."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    outdir.mkdir(parents=True, exist_ok=True)
    target = f"{target_ext}:{filter_name}" if filter_name else target_ext
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    result = outdir / f"{source.stem}.{target_ext}"
    assert result.exists(), f"LibreOffice did not write {result}"
    return result
