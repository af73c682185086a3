"""The offline install package (tools/make_bundle.py): the Windows zip has a wheel of every dependency
for each supported CPython and .bat files cmd.exe can run; its Linux twin installs into a fresh virtual
environment with no registry reachable and runs the command of every .bat from the unpacked folder.

Building downloads wheels from PyPI: without it these tests fail, unless INSPECTION_OFFLINE=1 says
there is no network (then the tests that build are skipped)."""

import os
from pathlib import Path
import re
import shlex
import subprocess
import sys
import zipfile

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
import pytest

from inspection.cli import build_parser
from inspection.setup.sheets import WORKBOOK_FILE
from tests.conftest import ROOT
from tools import make_bundle
from tools.make_bundle import BATS, GUIDE, MANYLINUX, PYTHON_VERSIONS, WHEELS, WINDOWS, read_wheel, resolve, target

OFFLINE = os.environ.get("INSPECTION_OFFLINE") == "1"
needs_pypi = pytest.mark.skipif(OFFLINE, reason="INSPECTION_OFFLINE=1: the package is built from PyPI's wheels")
THIS_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
TOP = f"{make_bundle.project()['name']}-{make_bundle.project()['version']}"


@pytest.fixture(scope="module")
def windows_zip(tmp_path_factory) -> zipfile.ZipFile:
    """The Windows package for every supported version, built once for this module."""
    path = make_bundle.build(tmp_path_factory.mktemp("dist"), WINDOWS, say=lambda line: None)
    with zipfile.ZipFile(path) as zf:
        yield zf


@pytest.fixture(scope="module")
def linux_zip(tmp_path_factory) -> Path:
    return make_bundle.build(tmp_path_factory.mktemp("dist"), MANYLINUX, [THIS_PYTHON], say=lambda line: None)


# --- the versions, and the walk over the requirements (no network) ---

def test_supported_versions__allowed_by_requires_python_and_stated_in_readme():
    allowed = SpecifierSet(make_bundle.project()["requires_python"])
    assert all(allowed.contains(f"{v}.0") for v in PYTHON_VERSIONS)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 在 Windows 上使用"):]
    section = section[:section.index("\n## ", 1)]
    assert f"Python {'、'.join(PYTHON_VERSIONS)}" in section
    assert make_bundle.RECOMMENDED in PYTHON_VERSIONS


def fake_wheel(folder: Path, name: str, version: str, requires: list[str], tag: str = "py3-none-any",
               requires_python: str = "") -> Path:
    path = folder / f"{name}-{version}-{tag}.whl"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += f"Requires-Python: {requires_python}\n" if requires_python else ""
    meta += "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta)
    return path


def test_resolve__follows_the_markers_and_tags_of_the_target_not_of_this_machine(tmp_path):
    fake_wheel(tmp_path, "app", "1.0", ["lib>=2", "winonly; platform_system == 'Windows'",
                                        "old; python_version < '3.12'", "feat[x]"])
    fake_wheel(tmp_path, "lib", "1.0", [])  # too old for lib>=2
    fake_wheel(tmp_path, "lib", "2.1", [], tag="cp312-cp312-win_amd64")
    fake_wheel(tmp_path, "winonly", "1.0", [])
    fake_wheel(tmp_path, "old", "1.0", [])
    fake_wheel(tmp_path, "feat", "1.0", ["extra-dep; extra == 'x'", "never; extra == 'y'"])
    fake_wheel(tmp_path, "extra_dep", "1.0", [], requires_python=">=3.12")
    wheels = [read_wheel(p) for p in sorted(tmp_path.glob("*.whl"))]

    used, missing = resolve(wheels, "app", target(WINDOWS, "3.12"))
    assert missing == []
    assert sorted(w.path.name for w in used) == ["app-1.0-py3-none-any.whl", "extra_dep-1.0-py3-none-any.whl",
                                                  "feat-1.0-py3-none-any.whl", "lib-2.1-cp312-cp312-win_amd64.whl",
                                                  "winonly-1.0-py3-none-any.whl"]
    used, missing = resolve(wheels, "app", target(WINDOWS, "3.11"))  # lib's wheel is for 3.12; old needed
    assert [str(m) for m in missing] == ["lib>=2", "extra-dep"]
    assert "old-1.0-py3-none-any.whl" in [w.path.name for w in used]
    used, missing = resolve(wheels, "app", target(MANYLINUX, "3.12"))  # no winonly; lib is a Windows wheel
    assert [str(m) for m in missing] == ["lib>=2"] and "winonly" not in {w.name for w in used}


def test_a_package_missing_from_pyproject__refused_before_building(tmp_path):
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "mod.py").write_text("")
    assert make_bundle.unlisted_packages(tmp_path, ["pkg"]) == ["pkg.sub"]
    assert make_bundle.unlisted_packages(tmp_path, ["pkg", "pkg.sub"]) == []
    assert make_bundle.unlisted_packages(ROOT, make_bundle.project()["packages"]) == []


# --- the .bat files: what a .bat runs, read out of the .bat itself ---

def bat_commands(text: str, folder: Path, given: dict[str, str]) -> list[list[str]]:
    """The command lines a .bat runs with the Python it found ("%PYCMD%") or the folder's own
    ("%PY%"), in order, each as its arguments after the `set` and `if exist … set` lines before it
    (`given` variables stand, whatever the .bat sets); the folder is `folder`, a Windows path in them
    becomes a path here, and venv\\Scripts\\python.exe venv/bin/python."""
    variables = dict(given)
    runs = []

    def expand(value: str) -> str:
        value = value.replace("%~dp0", f"{folder}{os.sep}").replace("%~1", "")  # double-clicked: no argument
        return re.sub(r"%(\w+)%", lambda m: variables.get(m[1], m[0]), value)

    def words(line: str) -> list[str]:
        lexer = shlex.shlex(expand(line), posix=True)
        lexer.whitespace_split, lexer.escape, lexer.commenters = True, "", ""
        return [w.replace("\\", "/").replace("/Scripts/python.exe", "/bin/python") for w in lexer
                if not w.startswith((">", "2>"))]  # redirections are cmd's, not the program's

    for line in text.splitlines():
        line = line.strip()
        setting = re.fullmatch(r'(?:if exist "([^"]+)" |if "%~1"=="" )?set "(\w+)=(.*)"', line)
        if setting:
            where, name, value = setting.groups()
            if name not in given and (where is None or (folder / expand(where)).exists()):
                variables[name] = expand(value)
        elif line.startswith(('"%PY%" ', "%PYCMD% ")):
            runs.append(words(line))
    return runs


def opened(text: str) -> list[str]:
    """The folders and files a .bat opens in Explorer (start "" "%~dp0…", or in the campaign folder it
    works on, "%CAMPAIGN%\…", which is the .bat's own folder when it is double-clicked)."""
    return [p.replace("\\", "/") for p in re.findall(r'^start "" "(?:%~dp0|%CAMPAIGN%\\)([^"]*)"', text, re.M)]


def rendered_bats() -> dict[str, str]:
    values = make_bundle.bat_values(make_bundle.project(), list(PYTHON_VERSIONS))
    return {name: make_bundle.render((make_bundle.TEMPLATES / name).read_text(encoding="utf-8"), values)
            for name in BATS}


def test_bats__run_process_py_with_commands_and_options_it_has(tmp_path):
    """Each .bat runs process.py from the folder (shipped: DATA) with a command and options the parser
    takes, on config.toml or the setup workbook, and opens a folder the command writes."""
    assert "process.py" in make_bundle.DATA and "config.toml" in make_bundle.DATA
    parser = build_parser()
    (tmp_path / "config.toml").write_text("", encoding="utf-8")  # the package's own, as double-clicked
    for name, text in rendered_bats().items():
        runs = [args[1:] for args in bat_commands(text, tmp_path, {"PY": "python", "PYCMD": "py"})
                if args[1].endswith("process.py")]
        assert runs, name
        for args in runs:
            if args[1:] != ["--version"]:
                parsed = parser.parse_args(args[1:])  # exits, failing the test, on what it does not know
                assert parsed.config == "config.toml", (name, args)  # no setup workbook in the folder
        for line in re.findall(r'^(?:if exist "(.*?)" )?set "CONFIG=(.*)"', text, re.M):
            assert {x for x in line if x} <= {"config.toml", WORKBOOK_FILE}, (name, line)
        for thing in opened(text):
            assert thing.split("/")[0] in {"output", "templates", "demo", WORKBOOK_FILE}, (name, thing)
    assert '"%PY%" "%~dp0process.py" setup --config "%SAMPLE%" --output .' in rendered_bats()["设置.bat"]
    assert f'if exist "{WORKBOOK_FILE}" goto exists' in rendered_bats()["设置.bat"]  # never overwrites it


def test_bats__code_page_first_and_text_cmd_reads_as_gbk():
    """cmd.exe decodes each line of a .bat in the console's code page when it reaches it: the lines
    before `chcp 936` are ASCII, every later line encodes in GBK, and echo text has none of the
    characters cmd would take for redirection or a command separator."""
    for name, text in rendered_bats().items():
        lines = text.splitlines()
        assert lines[:2] == ["@echo off", "chcp 936 >nul"], name
        text.encode("gbk")
        for line in lines:
            if line.startswith("echo ") and line != "echo.":
                said = re.sub(r"%\w+%", "", line[5:])
                assert not set(said) & set("<>|&^%"), (name, line)
            assert "@" not in line.replace("@echo off", ""), (name, line)  # placeholders all replaced
        # pushd, not cd /d: a folder on a network share has no drive letter until pushd maps one.
        assert lines[-1] == "pause" and not any(line.startswith("cd ") for line in lines), name
        assert 'pushd "%~dp0"' in lines or 'pushd "%CAMPAIGN%" 2>nul' in lines, name


def test_install_bat__takes_only_a_supported_version_of_64_bit_windows_python(monkeypatch):
    """The check 安装.bat runs with each Python it tries (py -3.X, then python), run here as Python
    would run it there."""
    (code,) = re.findall(r'^%\* -c "(.*sys\.exit.*)" >nul 2>nul$', rendered_bats()["安装.bat"], re.M)
    cases = [("win-amd64", (3, 11, 9), 0), ("win-amd64", (3, 15, 0), 0), ("win-amd64", (3, 10, 11), 1),
             ("win-amd64", (3, 16, 0), 1), ("win32", (3, 13, 1), 1), ("win-arm64", (3, 13, 1), 1)]
    for platform, version, expected in cases:
        monkeypatch.setattr("sysconfig.get_platform", lambda: platform)
        monkeypatch.setattr(sys, "version_info", version)
        with pytest.raises(SystemExit) as exit_:
            exec(code, {})
        assert exit_.value.code == expected, (platform, version)


# --- the Windows package ---

@needs_pypi
def test_windows_zip__every_dependency_has_a_wheel_for_each_supported_version(windows_zip, tmp_path):
    """Checked over every wheel in the zip, not only along the builder's walk: each requirement of a
    wheel that installs on CPython 3.X for win_amd64 (markers evaluated for Windows) is met by a wheel
    that installs there too."""
    names = windows_zip.namelist()
    assert f"{TOP}/" in names and all(n.startswith(f"{TOP}/") for n in names)
    for name in names:
        if name.endswith(".whl"):
            (tmp_path / Path(name).name).write_bytes(windows_zip.read(name))
    wheels = [read_wheel(p) for p in sorted(tmp_path.glob("*.whl"))]
    project = make_bundle.project()
    for version in PYTHON_VERSIONS:
        t = target(WINDOWS, version)
        here = [w for w in wheels if make_bundle.installs_on(w, t)]
        assert any(w.name == project["name"] for w in here), version
        for wheel in here:
            for text in wheel.requires:
                req = Requirement(text)
                if req.marker is None or req.marker.evaluate({**t.env, "extra": ""}):
                    assert any(w.name == req.name.lower().replace("_", "-") and req.specifier.contains(w.version, True)
                               for w in here), f"Python {version}：{wheel.path.name} 要求 {req}，没有合适的 wheel"
        # the binary ones are Windows x64 wheels of exactly this version
        binary = [w for w in here if not any(tag.platform == "any" for tag in w.tags)]
        assert all({tag.platform for tag in w.tags} == {"win_amd64"} for w in binary)
        assert all(f"cp{version.replace('.', '')}" in {tag.interpreter for tag in w.tags} for w in binary)
    assert all(make_bundle.installs_on(w, target(WINDOWS, v)) for w in wheels for v in PYTHON_VERSIONS
               if any(tag.platform == "any" for tag in w.tags))
    # tqdm needs colorama on Windows only: pip run from Linux leaves it out, the builder must not
    assert any(w.name == "colorama" for w in wheels)


@needs_pypi
def test_windows_zip__bats_gbk_crlf_and_the_guide_for_notepad(windows_zip):
    for name in BATS:
        data = windows_zip.read(f"{TOP}/{name}")
        assert data.count(b"\r\n") == data.count(b"\n") and not data.replace(b"\r\n", b"").count(b"\r"), name
        text = data.decode("gbk")
        assert text == rendered_bats()[name].replace("\n", "\r\n"), name
    guide = windows_zip.read(f"{TOP}/{GUIDE}")
    assert guide.startswith(b"\xef\xbb\xbf") and guide.count(b"\r\n") == guide.count(b"\n")
    text = guide.decode("utf-8-sig")
    assert all(word in text for word in ("input", "output", "安装.bat", "演示.bat", "新的一次检查", *PYTHON_VERSIONS))
    infos = {i.filename: i for i in windows_zip.infolist()}
    assert all(i.flag_bits & 0x800 for n, i in infos.items() if not n.isascii())  # UTF-8 names, flagged
    for name in (*make_bundle.DATA, *make_bundle.EMPTY_DIRS, WHEELS):
        assert f"{TOP}/{name}" in infos or f"{TOP}/{name}/" in infos, name
    assert not [n for n in infos if "__pycache__" in n or n.endswith(".pyc")]


# --- the Linux twin, installed with no registry ---

def offline_env() -> dict[str, str]:
    """This environment without anything that points pip or Python elsewhere, and no index at all."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PYTHON")) and k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_INDEX_URL="http://127.0.0.1:9/",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


class Twin:
    """The Linux twin unpacked into a folder with a space and Chinese in its path, and what its .bat
    files run, run here."""

    def __init__(self, zip_path: Path, place: Path):
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(place)
        self.folder = place / TOP
        self.texts = {name: (self.folder / name).read_bytes().decode("gbk") for name in BATS}
        self.env = offline_env()

    def run_bat(self, name: str, *, ok=(0,), **given) -> list[subprocess.CompletedProcess]:
        done = []
        for args in bat_commands(self.texts[name], self.folder, given):
            run = subprocess.run(args, cwd=self.folder, env=self.env, capture_output=True, text=True, timeout=600)
            assert run.returncode in ok, f"{name}: {args}\n{run.stdout}\n{run.stderr}"
            assert "Traceback" not in run.stderr, run.stderr
            done.append(run)
        for thing in opened(self.texts[name]):
            assert (self.folder / thing).exists(), (name, thing)
        return done


@pytest.fixture(scope="module")
def twin(linux_zip, tmp_path_factory) -> Twin:
    """The twin installed as 安装.bat installs it, with the Python running the tests as the one it found."""
    twin = Twin(linux_zip, tmp_path_factory.mktemp("twin") / "下载的 文件")
    twin.install = twin.run_bat("安装.bat", PYCMD=f'"{sys.executable}"')
    return twin


@needs_pypi
def test_linux_twin__installs_from_its_own_wheels_with_no_index(twin, tmp_path):
    assert [r.args[1:3] for r in twin.install] == [["--version"], ["-m", "venv"], ["-m", "pip"],
                                                   ["process.py", "--version"]]
    assert twin.install[-1].stdout.split()[-1] == make_bundle.project()["version"]
    python = twin.folder / "venv" / "bin" / "python"
    where = subprocess.run([python, "-c", "import inspection; print(inspection.__file__)"], cwd=tmp_path,
                           env=twin.env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).resolve().is_relative_to((twin.folder / "venv").resolve())  # the wheel, no other tree
    assert not (twin.folder / "inspection").exists()


@needs_pypi
def test_linux_twin__demo_templates_and_summary_bats(twin):
    *_, demo = twin.run_bat("演示.bat")
    assert "演示完成" in demo.stdout and list((twin.folder / "demo" / "output").glob("排名汇总_*.xlsx"))

    *_, templates = twin.run_bat("生成模板.bat")
    assert templates.args[templates.args.index("--config") + 1] == "config.toml"
    made = sorted(p.name for p in (twin.folder / "templates").rglob("*.xlsx"))
    assert made and made == sorted(p.name for p in (twin.folder / "demo" / "templates").glob("*.xlsx"))

    for source in (twin.folder / "demo" / "input").rglob("*.xlsx"):
        (twin.folder / "input" / source.name).write_bytes(source.read_bytes())
    *_, summary = twin.run_bat("汇总.bat", ok=(0, 1))  # 1: finished, with the unit the demo leaves out
    assert summary.returncode == 1 and "排名汇总表：" in summary.stdout
    assert list((twin.folder / "output").glob("排名汇总_*.xlsx"))


@needs_pypi
def test_linux_twin__setup_bat_then_templates_by_the_setup_workbook(twin):
    workbook = twin.folder / WORKBOOK_FILE
    try:
        twin.run_bat("设置.bat")
        assert workbook.exists()
        *_, templates = twin.run_bat("生成模板.bat")  # the .bat now takes the workbook
        assert templates.args[templates.args.index("--config") + 1] == WORKBOOK_FILE
    finally:
        workbook.unlink(missing_ok=True)
