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


# The same setting with "never recalculate" (1): how LibreOffice opens files Excel wrote unless told otherwise.
RECALC_NEVER = RECALC_ALWAYS.replace("<value>0</value>", "<value>1</value>")


def set_recalculation(profile: Path, recalc: bool) -> None:
    """Make the LibreOffice user profile `profile` recalculate formulas on load (or never)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS if recalc else RECALC_NEVER, encoding="utf-8")


def convert_batch(sources: list[Path], target_ext: str, outdir: Path, profile: Path, filter_name: str | None = None,
                  *, recalc: bool = True, binary: str | None = None, timeout: int = 900) -> dict[Path, Path]:
    """Open every file of `sources` in ONE LibreOffice process (start-up costs 1–3 s, a file about
    0.1–0.4 s) and save each as `target_ext` in `outdir`; source → the file written, for the sources
    LibreOffice converted. The sources' stems must differ. One profile serves one process at a time.
    LibreOffice 7.4 converts only the first 246 files of a longer list (and exits 0): give it fewer.
    What soffice said is kept in `outdir`/soffice.log."""
    set_recalculation(profile, recalc)
    outdir.mkdir(parents=True, exist_ok=True)
    target = f"{target_ext}:{filter_name}" if filter_name else target_ext
    done = subprocess.run(
        [binary or soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), *map(str, sources)],
        check=True, capture_output=True, timeout=timeout,
    )
    (outdir / "soffice.log").write_bytes(done.stdout + b"\n--- stderr ---\n" + done.stderr)
    written = {source: outdir / f"{source.stem}.{target_ext}" for source in sources}
    return {source: path for source, path in written.items() if path.exists()}
