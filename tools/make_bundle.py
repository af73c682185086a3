"""Build the offline install package for the clerk's Windows PC (and its Linux twin for the tests).

    python tools/make_bundle.py                        # dist/<name>-<version>-windows-离线安装包.zip
    python tools/make_bundle.py --python-version 3.13  # only the wheels for CPython 3.13
    python tools/make_bundle.py --platform manylinux   # the Linux twin, for this interpreter's version

The zip holds one folder: the project as a wheel (built here with `pip wheel --no-deps`) and every
dependency as a wheel for each target (Windows x64 and each supported CPython, or this machine's
manylinux platform), process.py, config.toml and the data the commands read (rubrics/, forms/,
examples/), an empty input/, the .bat files (tools/bundle/*.bat, written as GBK with CRLF) and
使用说明.txt (UTF-8 with BOM, CRLF). Nothing about the dependencies is written here: they are read
from the wheel built from pyproject.toml, and pip resolves them.

`pip download --platform` evaluates environment markers for the machine it runs on, not for the
target: from Linux it leaves out tqdm's `colorama; platform_system == "Windows"`. So after each
download the wheels are walked from the project down with the markers of the target (see
`resolve`) and whatever is missing is downloaded too, until nothing is; only the wheels that walk
reaches go into the package.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
import email.parser
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile

try:
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.tags import compatible_tags, cpython_tags, platform_tags
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from packaging.version import Version
except ImportError:  # pip carries its own copy; the builder needs nothing pip does not have
    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.specifiers import SpecifierSet
    from pip._vendor.packaging.tags import compatible_tags, cpython_tags, platform_tags
    from pip._vendor.packaging.utils import canonicalize_name, parse_wheel_filename
    from pip._vendor.packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "bundle"

# The CPython versions the Windows package supports: every dependency has a win_amd64 wheel for each
# (checked when the package is built, and by tests/test_bundle.py). The README states the same list.
PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
RECOMMENDED = "3.14"  # what the .bat and 使用说明 ask IT for when there is no suitable Python

WINDOWS, MANYLINUX = "win_amd64", "manylinux"
LABELS = {WINDOWS: "windows", MANYLINUX: "linux"}

# Copied into the package beside process.py: what the commands read relative to the folder.
DATA = ("process.py", "config.toml", "rubrics", "forms", "examples")
EMPTY_DIRS = ("input",)  # where the returns go; made here so the clerk sees it
WHEELS = "wheels"
BATS = ("安装.bat", "演示.bat", "设置.bat", "生成模板.bat", "汇总.bat")
GUIDE = "使用说明.txt"
BAT_ENCODING = "gbk"  # cmd.exe reads a batch file in the console's code page; each .bat sets 936 first
SKIP = {"__pycache__", ".pytest_cache"}


class BuildError(Exception):
    """Why the package could not be built, in one Chinese line (or a few)."""


@dataclass
class Target:
    """One platform and CPython version the package must install on."""

    platform: str  # WINDOWS or MANYLINUX
    python: str  # "3.11"
    platforms: list[str] = field(default_factory=list)  # platform tags given to pip
    tags: set = field(default_factory=set)  # every wheel tag this target installs
    env: dict = field(default_factory=dict)  # values of environment markers

    @property
    def name(self) -> str:
        return f"CPython {self.python} {self.platform}"


def target(platform: str, python: str) -> Target:
    major, minor = (int(n) for n in python.split("."))
    abi = f"cp{major}{minor}"
    if platform == WINDOWS:
        platforms = [WINDOWS]
        env = {
            "implementation_name": "cpython", "implementation_version": f"{python}.0", "os_name": "nt",
            "platform_machine": "AMD64", "platform_python_implementation": "CPython", "platform_release": "10",
            "platform_system": "Windows", "platform_version": "10.0.19045", "python_full_version": f"{python}.0",
            "python_version": python, "sys_platform": "win32",
        }
    elif platform == MANYLINUX:
        platforms = [p for p in platform_tags() if "linux" in p]  # this machine's, e.g. manylinux_2_36_x86_64 …
        env = {**default_environment(), "python_version": python, "python_full_version": f"{python}.0",
               "implementation_version": f"{python}.0"}
    else:
        raise BuildError(f"不认识的平台 {platform}（应为 {WINDOWS} 或 {MANYLINUX}）")
    tags = set(cpython_tags((major, minor), abis=[abi], platforms=platforms))
    tags |= set(compatible_tags((major, minor), abi, platforms))
    return Target(platform, python, platforms, tags, env)


# --- the project ---

def project(root: Path = ROOT) -> dict:
    """name, version, requires-python and packages, as pyproject.toml gives them."""
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    meta = data["project"]
    return {"name": meta["name"], "version": meta["version"], "requires_python": meta.get("requires-python", ""),
            "packages": data.get("tool", {}).get("setuptools", {}).get("packages", [])}


def unlisted_packages(root: Path, packages: list[str]) -> list[str]:
    """Folders of Python modules under the listed top-level packages that pyproject does not list:
    the wheel would lack them (the command using them would fail on the clerk's PC, not here)."""
    tops = {p.split(".")[0] for p in packages}
    missing = []
    for top in sorted(tops):
        for folder in sorted(p for p in (root / top).rglob("*") if p.is_dir() and not SKIP & set(p.parts)):
            dotted = ".".join(folder.relative_to(root).parts)
            if any(folder.glob("*.py")) and dotted not in packages:
                missing.append(dotted)
    return missing


def build_project_wheel(root: Path, dest: Path, work: Path) -> Path:
    """The project as a wheel, built from a copy of what the build needs (pyproject.toml, README.md and
    the packages) so that nothing is written into the source tree and no old build/ is picked up."""
    info = project(root)
    missing = unlisted_packages(root, info["packages"])
    if missing:
        raise BuildError(f"pyproject.toml 的 [tool.setuptools] packages 中缺少 {'、'.join(missing)}：打出的包里会没有它们。"
                         "请在 packages 中加上后重新打包")
    source = work / "source"
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(root / name, source / name)
    for top in sorted({p.split(".")[0] for p in info["packages"]}):
        shutil.copytree(root / top, source / top, ignore=shutil.ignore_patterns(*SKIP, "*.pyc"))
    dest.mkdir(parents=True, exist_ok=True)
    _pip(["wheel", "--no-deps", "--wheel-dir", str(dest), str(source)], "构建本项目的 wheel")
    wheels = [w for w in dest.glob("*.whl") if canonicalize_name(parse_wheel_filename(w.name)[0]) ==
              canonicalize_name(info["name"])]
    if len(wheels) != 1:
        raise BuildError(f"构建本项目的 wheel 后应得到一个文件，实际得到 {len(wheels)} 个")
    return wheels[0]


# --- the dependencies ---

@dataclass
class Wheel:
    path: Path
    name: str  # canonical
    version: Version
    tags: frozenset
    requires: list[str]
    requires_python: str


def read_wheel(path: Path) -> Wheel:
    name, version, _, tags = parse_wheel_filename(path.name)
    with zipfile.ZipFile(path) as zf:
        (meta,) = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
        message = email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))
    return Wheel(path, canonicalize_name(name), version, frozenset(tags), message.get_all("Requires-Dist") or [],
                 message.get("Requires-Python") or "")


def installs_on(wheel: Wheel, target: Target) -> bool:
    if not wheel.tags & target.tags:
        return False
    return not wheel.requires_python or SpecifierSet(wheel.requires_python).contains(f"{target.python}.0", prereleases=True)


def resolve(wheels: list[Wheel], root: str, target: Target) -> tuple[list[Wheel], list[Requirement]]:
    """Walk the requirements from `root` down, with the target's environment markers: the wheels it
    reaches (for each requirement the newest that installs on the target and fits), and the
    requirements no wheel meets."""
    usable: dict[str, list[Wheel]] = {}
    for wheel in wheels:
        if installs_on(wheel, target):
            usable.setdefault(wheel.name, []).append(wheel)
    used: dict[Path, Wheel] = {}
    missing: list[Requirement] = []
    seen: set = set()
    queue = [Requirement(root)]
    while queue:
        req = queue.pop(0)
        fits = [w for w in usable.get(canonicalize_name(req.name), []) if req.specifier.contains(w.version, prereleases=True)]
        if not fits:
            if str(req) not in {str(m) for m in missing}:
                missing.append(req)
            continue
        best = max(fits, key=lambda w: w.version)
        key = (best.path, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        used[best.path] = best
        for text in best.requires:
            dep = Requirement(text)
            extras = ("", *sorted(req.extras))
            if dep.marker is None or any(dep.marker.evaluate({**target.env, "extra": e}) for e in extras):
                dep.marker = None
                queue.append(dep)
    return sorted(used.values(), key=lambda w: w.path.name), missing


def download(requirements: list[str], target: Target, dest: Path) -> None:
    major, minor = target.python.split(".")
    args = ["download", "--only-binary=:all:", "--dest", str(dest), "--python-version", target.python,
            "--implementation", "cp", "--abi", f"cp{major}{minor}"]
    for platform in target.platforms:
        args += ["--platform", platform]
    _pip(args + requirements, f"下载 {target.name} 的 wheel（需要能访问 PyPI；也可能是某个依赖没有这个平台和版本的 wheel）")


def wheels_for(project_wheel: Path, target: Target, dest: Path, rounds: int = 6) -> list[Wheel]:
    """Every wheel the project needs on `target`, downloaded into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    download([str(project_wheel)], target, dest)
    root = parse_wheel_filename(project_wheel.name)[0]
    for _ in range(rounds):
        used, missing = resolve([read_wheel(p) for p in sorted(dest.glob("*.whl"))], root, target)
        if not missing:
            return used
        # pip skipped these (markers evaluated for this machine) or took a version that does not fit.
        download([_plain(req) for req in missing], target, dest)
    raise BuildError(f"{target.name}：下载后仍缺少 {'、'.join(str(m) for m in missing)}")


def check(wheels_dir: Path, root: str, targets: list[Target]) -> list[str]:
    """What each target would lack, installing `root` from wheels_dir alone (empty: nothing)."""
    wheels = [read_wheel(p) for p in sorted(wheels_dir.glob("*.whl"))]
    problems = []
    for t in targets:
        problems += [f"{t.name}：没有满足 {req} 的 wheel" for req in resolve(wheels, root, t)[1]]
    return problems


def _plain(req: Requirement) -> str:
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def _pip(args: list[str], what: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "--quiet"],
                          capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-12:])
        raise BuildError(f"{what}失败（pip 退出码 {done.returncode}）：\n{tail}")


# --- the package ---

def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    if "@" in text.replace("@echo", ""):
        leftover = text[text.index("@"):][:40]
        raise BuildError(f"模板中有未替换的占位符：{leftover!r}")
    return text


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def bat_values(info: dict, versions: list[str]) -> dict[str, str]:
    ordered = sorted(versions, key=Version)
    finds = "".join(f"if not defined PYCMD call :try py -{v}\n" for v in sorted(versions, key=Version, reverse=True))
    return {
        "TITLE": f"安全生产检查打分汇总工具 {info['version']}",
        "VERSION": info["version"],
        "REQUIREMENT": f"{info['name']}=={info['version']}",
        "FIND_PYTHON": finds + "if not defined PYCMD call :try python\n",
        # The exact versions, not a range: a package built for 3.12 and 3.14 has no wheels for 3.13.
        "RANGE": "sys.version_info[:2] in (" + ", ".join(f"({v.replace('.', ', ')})" for v in ordered) + ")",
        "VERSIONS": "、".join(ordered),
        "RECOMMENDED": RECOMMENDED if RECOMMENDED in versions else ordered[-1],
        "WHEELS": WHEELS,
    }


def write_folder(folder: Path, info: dict, wheels: list[Path], versions: list[str], root: Path = ROOT) -> None:
    """The unpacked package: what the zip holds, in `folder`."""
    folder.mkdir(parents=True)
    for name in DATA:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns(*SKIP, "*.pyc"))
        else:
            shutil.copy2(source, folder / name)
    for name in EMPTY_DIRS:
        (folder / name).mkdir()
    (folder / WHEELS).mkdir()
    for wheel in wheels:
        shutil.copy2(wheel, folder / WHEELS / wheel.name)
    values = bat_values(info, versions)
    for name in BATS:
        text = crlf(render((TEMPLATES / name).read_text(encoding="utf-8"), values))
        try:
            data = text.encode(BAT_ENCODING)
        except UnicodeEncodeError as err:
            raise BuildError(f"{name} 中有 GBK 无法表示的字符 {text[err.start:err.end]!r}") from err
        (folder / name).write_bytes(data)
    guide = crlf(render((TEMPLATES / GUIDE).read_text(encoding="utf-8"), values))
    (folder / GUIDE).write_bytes(guide.encode("utf-8-sig"))


def write_zip(folder: Path, path: Path) -> None:
    """folder as `path`, the folder itself as the one top-level entry; names are UTF-8 with the
    language flag set (zipfile does that for non-ASCII names), which Windows 10/11 Explorer honours."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for item in [folder, *sorted(folder.rglob("*"))]:
            arcname = item.relative_to(folder.parent).as_posix()
            if item.is_dir():
                zf.write(item, arcname + "/")
            else:
                zf.write(item, arcname)
    os.replace(tmp, path)


def zip_name(info: dict, platform: str) -> str:
    return f"{info['name']}-{info['version']}-{LABELS[platform]}-离线安装包.zip"


def build(output: Path, platform: str = WINDOWS, versions: list[str] | None = None, root: Path = ROOT,
          say=print) -> Path:
    """Build the package for `platform` and `versions` into `output`; returns the zip's path."""
    info = project(root)
    versions = list(versions or (PYTHON_VERSIONS if platform == WINDOWS else [f"{sys.version_info[0]}.{sys.version_info[1]}"]))
    allowed = SpecifierSet(info["requires_python"])
    refused = [v for v in versions if not allowed.contains(f"{v}.0")]
    if refused:
        raise BuildError(f"pyproject.toml 的 requires-python（{allowed}）不包括 Python {'、'.join(refused)}")
    targets = [target(platform, v) for v in versions]
    with tempfile.TemporaryDirectory(prefix="bundle-") as scratch:
        work = Path(scratch)
        say(f"构建 {info['name']} {info['version']} 的 wheel……")
        own = build_project_wheel(root, work / "project", work)
        chosen: dict[str, Path] = {}
        for t in targets:
            say(f"下载 {t.name} 的依赖……")
            for wheel in wheels_for(own, t, work / f"{t.platform}-{t.python}"):
                chosen.setdefault(wheel.path.name, wheel.path)
        folder = work / "out" / f"{info['name']}-{info['version']}"
        write_folder(folder, info, list(chosen.values()), versions, root)
        problems = check(folder / WHEELS, info["name"], targets)
        if problems:
            raise BuildError("打好的包不完整：\n" + "\n".join(problems))
        path = output / zip_name(info, platform)
        write_zip(folder, path)
    return path


def summary(path: Path) -> list[str]:
    """The lines printed after a build: the zip's size and its wheels."""
    with zipfile.ZipFile(path) as zf:
        wheels = sorted((i.filename.rsplit("/", 1)[-1], i.file_size) for i in zf.infolist()
                        if i.filename.endswith(".whl"))
    lines = [f"已生成 {path}（{path.stat().st_size / 1e6:.1f} MB），其中 {len(wheels)} 个 wheel："]
    lines += [f"  {name}（{size / 1e3:.0f} KB）" for name, size in wheels]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/make_bundle.py",
                                     description="生成离线安装包：本项目和全部依赖的 wheel、.bat 和使用说明，打成一个 .zip。"
                                                 "需要能访问 PyPI 的电脑；装包的电脑不需要联网。")
    parser.add_argument("--platform", choices=(WINDOWS, MANYLINUX), default=WINDOWS,
                        help=f"为哪个平台打包（默认 {WINDOWS}；{MANYLINUX} 是测试用的 Linux 版，本机的 manylinux 平台）")
    parser.add_argument("--python-version", action="append", metavar="3.X", dest="versions",
                        help=f"只为这些 Python 版本下载 wheel（可写多次；默认 Windows 为 {'、'.join(PYTHON_VERSIONS)}，"
                             "Linux 为本机的版本）")
    parser.add_argument("--output", default=str(ROOT / "dist"), metavar="DIR", help=".zip 写到哪个文件夹（默认 dist）")
    args = parser.parse_args(argv)
    try:
        path = build(Path(args.output), args.platform, args.versions)
    except BuildError as err:
        print(f"打包失败：{err}", file=sys.stderr)
        return 2
    for line in summary(path):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
