"""Hostile variants of real workbooks, for tests/test_fuzz.py and bench/fuzz.py.

Seeds are the campaign's generated templates and returns filled the way the tests fill them. A
mutation takes a seed and a random source and gives the bytes of a new file: bytes of the whole
file changed, bytes or XML of one member of the zip changed and re-zipped, or cells of the main
sheet set to hostile values through openpyxl. The same mutators serve hypothesis (whose
`randoms()` shrink) and the benchmark's plain `random.Random`.

The oracle: a file alone in input/ goes through `ingest()` and ends accepted (no error finding),
rejected (at least one error finding) or, for a form nobody filled in, ignored with S008 alone;
never with an exception.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
import io
from pathlib import Path
import pickle
import re
import warnings
import zipfile

import openpyxl

from inspection.constants import SHEET_DISPATCH, SHEET_FOLLOWUP, SHEET_META, SHEET_PROGRESS, SHEET_SCORING
from inspection.spec.campaign import Campaign, load_campaign
from inspection.decisions.settle import hazard_ids, settle
from inspection.intake.ingest import ingest
from inspection.kinds import DISPATCH, SCORING
from inspection.findings import Code
from inspection.model import ACCEPTED, IGNORED, REJECTED, TrackedHazard
from inspection.run import run
from inspection.decisions.rounds import Earlier
from inspection.templates import generate_templates
from inspection.kinds.followup.template import write_followup_template
from tests import bombs
from tests.filling import (
    DEDUCT_COL, REASON_COL, criterion_rows, fill_dispatch, fill_progress, fill_scoring, insert_rows_like_excel,
    put_text,
)

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Seed:
    name: str  # e.g. "scoring_filled"
    sheet: str  # the main sheet, the one cells are mutated on
    data: bytes


class Escape(AssertionError):
    """A file ended in a state the ingest contract does not allow (an exception is an escape too)."""


def load_fuzz_campaign() -> Campaign:
    return load_campaign(ROOT / "config.toml")


def build_seeds(campaign: Campaign, folder: Path) -> list[Seed]:
    """Blank templates and filled returns of each kind, as bytes."""
    rubric = campaign.rubric
    made = generate_templates(campaign, folder / "templates")
    filled = folder / "filled"
    scoring = fill_scoring(made.scoring[0], filled / "scoring.xlsx", rubric, deductions={
        "c05": (Decimal("0.4"), "两名领导班子成员述职报告中未涉及安全生产内容"),
        "c07": (2, "抽查某化工公司未建立重大事故隐患台账清单"),
        "c36": (Decimal("0.5"), "=对长期存在的重大隐患未提请关闭")})
    dispatch = fill_dispatch(made.dispatch[0], filled / "dispatch.xlsx", [
        {"企业（单位）名称": "某化工有限公司", "行业领域": "危险化学品", "问题隐患描述": "储罐区可燃气体报警器失效",
         "隐患级别": "重大事故隐患", "整改要求": "立即停用并更换", "整改时限": date(2023, 9, 15),
         "责任单位": "县应急局", "整改状态": "未整改"},
        {"企业（单位）名称": "某建筑公司", "行业领域": "建筑施工", "问题隐患描述": "脚手架未设置剪刀撑",
         "隐患级别": "一般隐患", "整改时限": "2023年9月1日", "整改状态": "整改中"},
    ])
    progress = fill_progress(made.progress_units[0], filled / "progress.xlsx", {}, default=3)
    department = fill_progress(made.progress_departments[0], filled / "department.xlsx", {}, default=1)
    followup = _followup_seed(campaign, dispatch, folder / "followup")
    named = [("scoring_template", SHEET_SCORING, made.scoring[0]), ("scoring_filled", SHEET_SCORING, scoring),
             ("dispatch_template", SHEET_DISPATCH, made.dispatch[0]), ("dispatch_filled", SHEET_DISPATCH, dispatch),
             ("progress_template", SHEET_PROGRESS, made.progress_units[0]),
             ("progress_filled", SHEET_PROGRESS, progress), ("department_filled", SHEET_PROGRESS, department),
             ("followup_template", SHEET_FOLLOWUP, followup[0]), ("followup_filled", SHEET_FOLLOWUP, followup[1])]
    return [Seed(name, sheet, _stable(path.read_bytes())) for name, sheet, path in named]


def _stable(data: bytes) -> bytes:
    """The workbook with its save time fixed, so that case i is the same file in every run."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    return _zip([(n, re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2023-08-15T00:00:00Z", c)
                  if n == "docProps/core.xml" else c) for n, c in members])


def _followup_seed(campaign: Campaign, dispatch: Path, folder: Path) -> tuple[Path, Path]:
    """A 隐患整改跟踪表 listing the hazards of the filled 交办清单, blank and filled in."""
    inputs = folder / "input"
    inputs.mkdir(parents=True)
    (inputs / dispatch.name).write_bytes(dispatch.read_bytes())
    accepted, _ = settle(ingest(inputs, campaign))
    hazard_ids(accepted, campaign, Earlier(campaign.config.round))
    (unit, hazards), = accepted.of(DISPATCH).items()
    tracked = [TrackedHazard(hazard=h, first_round=campaign.config.round, first_listed_on=h.listed_on,
                             status=h.status, status_on=h.listed_on) for h in hazards]
    blank = write_followup_template(campaign.config, unit, tracked, folder)
    wb = openpyxl.load_workbook(blank)
    ws = wb[SHEET_FOLLOWUP]
    header = next(c.row for row in ws.iter_rows(max_row=20) for c in row if c.value == "整改状态")
    cols = {c.value: c.column for c in ws[header] if c.value}
    ws.cell(header + 1, cols["整改状态"]).value = "已整改"
    ws.cell(header + 1, cols["整改完成日期"]).value = date(2023, 9, 10)
    ws.cell(header + 1, cols["整改情况说明"]).value = "已更换报警器"
    ws.cell(header + 2, cols["整改状态"]).value = "整改中"
    filled = folder / "filled.xlsx"
    wb.save(filled)
    return blank, filled


def replace_in_member(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """The workbook `data` with `old` replaced by `new` in one zip member (for regression cases)."""
    return bombs.replace_part(data, member, bombs.read_part(data, member).replace(old, new))


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name is one of the mutations
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
            for name, content in members:
                zout.writestr(zipfile.ZipInfo(name, date_time=(2023, 8, 15, 0, 0, 0)), content,
                              compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def check_one(data: bytes, folder: Path, campaign: Campaign, name: str = "fuzz.xlsx") -> tuple[str, list]:
    """Ingest `data` as the only file in the empty folder `folder`: the status it ended with and the
    file's findings.

    Raises whatever ingest raises (an escape), or Escape when the outcome breaks the contract.
    """
    path = folder / name
    path.write_bytes(data)
    try:
        ingested = ingest(folder, campaign)
        _, findings = settle(ingested)
    finally:
        path.unlink()
    if len(ingested.files) != 1:
        raise Escape(f"{len(ingested.files)} files from one")
    info = ingested.files[0]
    own = [f for f in findings if f.file == info.path]
    errors = [f for f in own if f.is_error]
    if info.status == ACCEPTED and errors:
        raise Escape(f"accepted with errors: {[f.code.name for f in errors]}")
    if info.status == REJECTED and not errors:
        raise Escape(f"rejected without an error finding ({info.reason})")
    if info.status == IGNORED and [f.code for f in own] != [Code.S008]:
        raise Escape(f"ignored other than as a blank form: {info.reason}")
    if info.status not in (ACCEPTED, REJECTED, IGNORED):
        raise Escape(f"ended {info.status!r} ({info.reason})")
    for f in findings:
        if not isinstance(f.message, str) or not f.message:
            raise Escape(f"finding {f.code.name} without a message")
    return info.status, own


def check_run(data: bytes, folder: Path, campaign: Campaign, company: list[Seed]) -> Path:
    """The whole run() with `data` beside the `company` seeds in a fresh input/ under `folder`: the
    report must be written and open again. Returns the report's path."""
    inputs = folder / "input"
    inputs.mkdir(parents=True)
    (inputs / "fuzz.xlsx").write_bytes(data)
    for seed in company:
        (inputs / f"{seed.name}.xlsx").write_bytes(seed.data)
    result = run(campaign, inputs, folder / "output", archive=folder / "archive.sqlite")
    openpyxl.load_workbook(result.output_path, read_only=True).close()
    return result.output_path


# --- hostile values --------------------------------------------------------------------------

NUMBERS = [0, -0.0, -1, 0.05, 0.15, 0.30000000000000004, 1e308, -1e308, 5e-324, 2**63, 10**30, -(10**30),
           float("nan"), float("inf"), float("-inf"), Decimal("1E+30"), Decimal("-0.1"), 100, 101, 99999]
TEXTS = ["", " ", "NaN", "nan", "inf", "-inf", "Infinity", "-0", "+0.5", "1e3", "1E-3", "0x1A", "1,5", "1.5.1",
         ".5", "5.", "扣", "扣分", "扣1.5分", "扣-1分", "扣 1 分", "１.５", "１２３", "𝟏", "٣", "²", "¹²", "½", "Ⅻ", "一",
         "壹", "1\u00a0分", "\u200b1", "1\u200b", "\u202e1", "💣", "👨\u200d👩\u200d👧", "a" * 40000, "中" * 5000, "9" * 5000,
         "1" * 4400 + "分",
         "\t\n\r", "_x0001_", "_x0000_", "_xD800_", "=1/0", '=HYPERLINK("http://example.com","点此")',
         "=SUM(A1:A1048576)", "@SUM(1)", "+1", "-1", "=A1", "2023年13月45日", "2023-02-30", "0000-00-00",
         "9999-99-99", "99999-1-1", "8月15日", "13月1日", "2023.8.15.1", "2023/8/15", "１月１日", "२०२३-०८-१५",
         "٢٠٢٣-٠٨-١٥", "是", "否", "Y", "TRUE", "#DIV/0!", "#N/A", "<script>", "&amp;", "]]>", "\\", "/", "—", "无",
         "(7)", "（７）伪造的标准", "(99)", "(0)", "()", "(48)", "(48A)", "(²)", "(٣)", "序号", "合计", "总得分",
         "检查日期", "扣分", "scoring", "dispatch", "progress", "followup", "_meta", "2023-08", "xinyang-2023"]
OTHERS = [True, False, datetime(1900, 1, 1), date(9999, 12, 31), datetime(2023, 8, 15, 23, 59),
          time(12, 0), timedelta(days=3), date(1900, 3, 1)]
SHEET_NAMES = ["打分表1", "打 分 表", "_META", "meta", "Sheet1", "交办清单 ", "调度表(1)", "x", "💣", "填表说明"]


def hostile_value(rng):
    pool = rng.choice((NUMBERS, TEXTS, TEXTS, OTHERS))
    return rng.choice(pool)


# --- byte mutations ----------------------------------------------------------------------------

TOKENS = [b"\x00", b"\xff", b"\xff\xfe", b"\xed\xa0\x80", b"<", b">", b'"', b"&", b"&#0;", b"&bogus;",
          b"]]>", b"<!--", b"PK\x03\x04", b"\x80", b"99999999999", b"-", b"e308"]


def mutate_bytes(data: bytes, rng, ops: int | None = None) -> bytes:
    buf = bytearray(data)
    for _ in range(ops or rng.randint(1, 4)):
        if not buf:
            buf += rng.choice(TOKENS)
            continue
        pos = rng.randrange(len(buf))
        op = rng.randrange(6)
        if op == 0:
            buf[pos] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos] = rng.randrange(256)
        elif op == 2:
            buf[pos:pos] = rng.choice(TOKENS) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 16))
        elif op == 3:
            del buf[pos:pos + rng.randint(1, 64)]
        elif op == 4:
            span = bytes(buf[pos:pos + rng.randint(1, 64)])
            at = rng.randrange(len(buf))
            buf[at:at] = span
        else:
            del buf[pos:]
    return bytes(buf)


# --- zip member mutations ----------------------------------------------------------------------

V_VALUES = [b"1e308", b"1e309", b"-1e308", b"NaN", b"nan", b"inf", b"-inf", b"-0", b"4.9e-324",
            b"99999999999999999999999999999", b"", b"x", b" 1 ", b"0x10", b"1,5", b"-1", b"2147483648",
            b"18446744073709551616", b"2023-02-30", b"9999-12-31T23:59:59", b"#DIV/0!", b"true", b"2"]
T_TYPES = [b"s", b"n", b"b", b"e", b"str", b"inlineStr", b"d", b"bogus", b""]
TEXT_NODES = [b"_x0001_", b"_x0000_", b"_xD800_", b"_xFFFF_", b"&#1;", b"&#xD800;", b"&#x1F4A3;", b"&#99999999;",
              b"&bogus;", b"&amp;amp;", b"\xe4\xb8", b"\xed\xa0\x80", b"x" * 40000,
              "（７）伪造".encode(), "打分表".encode(), b"_meta", b"scoring", b"(7)"]
REFS = [b"A1", b"A0", b"", b"1A", b"ZZ", b"$F$12", b"F12:F13", b"AAAA1", b"F99999", b"AX100000", b"XFD1048576", b"A1048576", b"\xe4\xb8\xad1"]
MERGE_REFS = [b"A1:XFD1048576", b"Z9:A1", b"A1", b"", b"A0:B0", b"A1:A1", b"F5:F74", b"A1:H200"]
DOCTYPE = (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>')
ELEMENTS = [rb"<c [^>]*/>|<c [^>]*>.*?</c>", rb"<row [^>]*>.*?</row>", rb"<si>.*?</si>", rb"<mergeCell [^>]*/>",
            rb"<sheet [^>]*/>", rb"<Override [^>]*/>", rb"<Relationship [^>]*/>"]


def _sub_one(pattern: bytes, text: bytes, rng, replace) -> bytes:
    """Replace one random match of `pattern` in `text` (group 1 if the pattern has one)."""
    matches = list(re.finditer(pattern, text, re.S))
    if not matches:
        return text
    m = rng.choice(matches)
    start, end = (m.start(1), m.end(1)) if m.re.groups else (m.start(), m.end())
    return text[:start] + replace(m) + text[end:]


def mutate_xml(text: bytes, rng) -> bytes:
    op = rng.randrange(11)
    if op == 0:
        return _sub_one(rb"<v>([^<]*)</v>", text, rng, lambda m: rng.choice(V_VALUES))
    if op == 1:
        return _sub_one(rb'<c [^>]*?t="([^"]*)"', text, rng, lambda m: rng.choice(T_TYPES))
    if op == 2:
        return _sub_one(rb'<c r="([^"]*)"', text, rng, lambda m: rng.choice(REFS))
    if op == 3:
        return _sub_one(rb"<t(?: [^>]*)?>([^<]*)</t>", text, rng, lambda m: rng.choice(TEXT_NODES))
    if op == 4:
        return _sub_one(rb'<mergeCell ref="([^"]*)"', text, rng, lambda m: rng.choice(MERGE_REFS))
    if op == 5:
        return _sub_one(rb'<sheet [^>]*?(name="[^"]*"|state="[^"]*")', text, rng, lambda m: rng.choice(
            [b'state="hidden"', b'state="veryHidden"', b'state="bogus"', b'name=""', b'name="_meta"',
             'name="打分表"'.encode(), b'name="\xff"']))
    if op == 6:  # drop an element
        return _sub_one(rng.choice(ELEMENTS), text, rng, lambda m: b"")
    if op == 7:  # double an element
        return _sub_one(rng.choice(ELEMENTS), text, rng, lambda m: m.group(0) * 2)
    if op == 8:  # a DOCTYPE with nested entities, and a use of it
        head = text.find(b"?>") + 2
        text = text[:head] + DOCTYPE + text[head:]
        return _sub_one(rb"<t(?: [^>]*)?>([^<]*)</t>", text, rng, lambda m: b"&c;")
    if op == 9:
        return text.replace(b'encoding="UTF-8"', rng.choice([b'encoding="UTF-16"', b'encoding="GBK"', b'encoding="x"']))
    return mutate_bytes(text, rng)


def _member_weight(name: str) -> int:
    if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
        return 4
    if name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        return 2
    return 1


def mutate_member(data: bytes, rng) -> bytes:
    """Change one member of the zip (its bytes or XML, or drop or rename it) and zip it again."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        members = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    names = [n for n, _ in members]
    target = rng.choice([n for n in names for _ in range(_member_weight(n))])
    op = rng.randrange(10)
    out = []
    for name, content in members:
        if name == target:
            if op == 0:
                continue  # dropped
            if op == 1:
                name = rng.choice([name.upper(), name + ".bak", "xl/worksheets/sheet9.xml", names[0]])
            else:
                content = mutate_xml(content, rng) if op < 8 else mutate_bytes(content, rng)
        out.append((name, content))
    return _zip(out)


# --- cell mutations (openpyxl) ------------------------------------------------------------------

@dataclass
class Sheet:
    """The main sheet being mutated, with the seed's size (so cells are picked near the table) and
    the seed's filled cells (half the picks, so labels, amounts and 序号 are hit often)."""

    wb: openpyxl.Workbook
    ws: object
    rows: int
    cols: int
    filled: list[tuple[int, int]]

    def some_cell(self, rng) -> tuple[int, int]:
        if self.filled and rng.random() < 0.5:
            return rng.choice(self.filled)
        return rng.randint(1, self.rows + 3), rng.randint(1, self.cols + 2)


def _set_value(s: Sheet, rng) -> None:
    row, col = s.some_cell(rng)
    value = hostile_value(rng)
    if rng.random() < 0.5:
        put_text(s.ws, s.ws.cell(row, col).coordinate, value)  # "=…" stays text, as a person types it
    else:
        s.ws.cell(row, col).value = value


def _set_meta(s: Sheet, rng) -> None:
    if SHEET_META in s.wb.sheetnames:
        meta = s.wb[SHEET_META]
        meta.cell(rng.randint(1, meta.max_row + 1), rng.randint(1, 3)).value = hostile_value(rng)


def _copy_cell(s: Sheet, rng) -> None:
    row, col = s.some_cell(rng)
    to_col = col if rng.random() < 0.7 else rng.randint(1, s.cols)
    s.ws.cell(rng.randint(1, s.rows + 1), to_col).value = s.ws.cell(row, col).value


def _delete_rows(s: Sheet, rng) -> None:
    s.ws.delete_rows(rng.randint(1, s.rows), rng.randint(1, 5))


def _delete_cols(s: Sheet, rng) -> None:
    s.ws.delete_cols(rng.randint(1, s.cols), rng.randint(1, 2))


def _insert_rows(s: Sheet, rng) -> None:
    s.ws.insert_rows(rng.randint(1, s.rows), rng.randint(1, 5))


def _insert_cols(s: Sheet, rng) -> None:
    s.ws.insert_cols(rng.randint(1, s.cols), rng.randint(1, 2))


def _unmerge(s: Sheet, rng) -> None:
    ranges = list(s.ws.merged_cells.ranges)
    for r in ranges if rng.random() < 0.3 else rng.sample(ranges, min(len(ranges), 1)):
        s.ws.unmerge_cells(r.coord)


def _merge(s: Sheet, rng) -> None:
    row, col = s.some_cell(rng)
    s.ws.merge_cells(start_row=row, start_column=col, end_row=row + rng.randint(0, 60),
                     end_column=col + rng.randint(0, 4))


def _rename(s: Sheet, rng) -> None:
    sheet = s.wb[rng.choice(s.wb.sheetnames)]
    sheet.title = rng.choice(SHEET_NAMES + [sheet.title.upper(), sheet.title[:1]])


def _delete_sheet(s: Sheet, rng) -> None:
    if len(s.wb.sheetnames) > 1:
        del s.wb[rng.choice(s.wb.sheetnames)]


def _sheet_state(s: Sheet, rng) -> None:
    s.wb[rng.choice(s.wb.sheetnames)].sheet_state = rng.choice(["visible", "hidden", "veryHidden"])


def _far_cell(s: Sheet, rng) -> None:
    """A value below or right of the table; now and then as far as Excel goes (the guard's F008)."""
    if rng.random() < 0.2:
        row, col = rng.choice([(1048576, 16384), (rng.randint(1, 1048576), rng.randint(1, 16384))])
    else:
        row, col = rng.randint(s.rows, 3000), rng.randint(1, 40)
    s.ws.cell(row, col).value = hostile_value(rng)


def _clear_block(s: Sheet, rng) -> None:
    row, col = s.some_cell(rng)
    for r in range(row, row + rng.randint(1, 20)):
        for c in range(col, col + rng.randint(1, 4)):
            s.ws.cell(r, c).value = None


CELL_OPS = [_set_value] * 8 + [_set_meta, _copy_cell, _copy_cell, _delete_rows, _delete_cols, _insert_rows,
                               _insert_cols, _unmerge, _merge, _rename, _delete_sheet, _sheet_state, _far_cell,
                               _clear_block]
_loaded: dict[str, tuple[bytes, int, int, list]] = {}


def _open(seed: Seed) -> Sheet:
    """A fresh copy of the seed in openpyxl: loaded once, then unpickled (25 times faster)."""
    if seed.name not in _loaded:
        wb = openpyxl.load_workbook(io.BytesIO(seed.data))
        ws = wb[seed.sheet]
        filled = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value not in (None, "")]
        _loaded[seed.name] = (pickle.dumps(wb), ws.max_row, ws.max_column, filled)
    data, rows, cols, filled = _loaded[seed.name]
    wb = pickle.loads(data)
    return Sheet(wb, wb[seed.sheet], rows, cols, filled)


def mutate_cells(seed: Seed, rng) -> bytes:
    sheet = _open(seed)
    ops = [rng.choice(CELL_OPS) for _ in range(rng.randint(1, 6))]
    # A far cell last: openpyxl's insert and delete walk every cell of the used area.
    for op in sorted(ops, key=lambda op: op is _far_cell):
        try:
            op(sheet, rng)
        except Exception:  # openpyxl refuses some values (control characters, bad sheet names): skip
            continue
    buf = io.BytesIO()
    try:
        sheet.wb.save(buf)
    except Exception:  # openpyxl could not write what it accepted: fall back to a member mutation
        return mutate_member(seed.data, rng)
    return buf.getvalue()


# --- shapes a person makes: the "never silent" oracle ------------------------------------------------
#
# The filled scoring seed has known deductions. A shape moves one of them somewhere the sheet does not
# read it (another column, an inserted row, a copied or added sheet, below the total) or retypes it as
# text. The file must then be held (rejected with an error) or, where the value still counts where it
# is, accepted with the seed's own total. Accepted with another total is a silent change: an escape.

SEED_DEDUCTIONS = {"c05": Decimal("0.4"), "c07": Decimal(2), "c36": Decimal("0.5")}  # build_seeds fills these
HELD, SAME = "held", "same"
READABLE = ["{}分", "扣{}分", " {} ", "{}0", "扣 {} 分", "{}\u3000"]  # "{}0": 0.40, 2.0 written with a zero more
UNREADABLE = ["两三分", "{},0", "{}分分", "约{}"]


def shape(seed: Seed, rubric, rng) -> tuple[bytes, str, str]:
    """(the file, what must become of it: HELD or SAME, what was done) for the scoring_filled seed."""
    sheet = _open(seed)
    ws, wb = sheet.ws, sheet.wb
    rows = criterion_rows(ws, rubric)
    cid = rng.choice(sorted(SEED_DEDUCTIONS))
    amount = SEED_DEDUCTIONS[cid]
    value = float(amount) if rng.random() < 0.5 else str(amount)
    op = rng.randrange(6)
    if op == 0:  # retyped as text in its own cell
        readable = rng.random() < 0.6
        form = rng.choice(READABLE if readable else UNREADABLE)
        text = _plain(amount) + ("." if form == "{}0" and amount == amount.to_integral_value() else "")
        put_text(ws, f"{DEDUCT_COL}{rows[cid]}", form.format(text))
        return _save(wb), SAME if readable else HELD, f"{cid} typed as {form!r}"
    ws[f"{DEDUCT_COL}{rows[cid]}"] = None  # the others move it away from 扣分
    if op == 1:  # another column of its own row, or of another criterion's row
        while True:  # a cell that can take a value (not inside a merge) and does not hold it already
            row = rows[cid] if rng.random() < 0.7 else rng.choice(list(rows.values()))
            target = ws.cell(row, rng.choice([c for c in range(1, sheet.cols + 4) if c != 6]))
            if type(target).__name__ != "MergedCell" and not _unchanged(target.value, amount):
                break
        target.value = value
        return _save(wb), HELD, f"{cid} moved to {target.coordinate}"
    if op == 2:  # a row inserted above an item, the amount in its 扣分
        item = rng.choice(rubric.items)
        at = rows[item.criteria[0].id]
        insert_rows_like_excel(ws, at, 1)
        ws[f"{DEDUCT_COL}{at}"] = value
        if rng.random() < 0.5:
            ws[f"{REASON_COL}{at}"] = "补充扣分"
        return _save(wb), HELD, f"{cid} moved to an inserted row {at}"
    if op == 3:  # a copy of the sheet keeps the amount, the original loses it
        copy = wb.copy_worksheet(ws)
        copy.title = rng.choice(["打分表 (2)", "Sheet1", "打分表副本"])
        copy[f"{DEDUCT_COL}{rows[cid]}"] = value
        return _save(wb), HELD, f"{cid} left only in a copied sheet"
    if op == 4:  # an added sheet
        extra = wb.create_sheet(rng.choice(["Sheet1", "扣分", "备注"]))
        extra.cell(rng.randint(1, 20), rng.randint(1, 8)).value = rng.choice([value, f"({cid[1:]})扣{_plain(amount)}分"])
        return _save(wb), HELD, f"{cid} moved to an added sheet"
    ws.cell(sheet.rows + rng.randint(1, 5), rng.randint(1, sheet.cols + 2)).value = value
    return _save(wb), HELD, f"{cid} moved below the table"


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


def _unchanged(current, amount: Decimal) -> bool:
    try:
        return Decimal(str(current)) == amount
    except Exception:  # text, None: anything else changes the cell
        return False


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def check_shape(data: bytes, expect: str, folder: Path, campaign: Campaign, seed_total: Decimal) -> tuple[str, list]:
    """The file alone through reading and the run's decisions, then the oracle: HELD must not be
    accepted (so not ranked); SAME must be accepted with the seed's own total."""
    path = folder / "shape.xlsx"
    path.write_bytes(data)
    try:
        ingested = ingest(folder, campaign)
        accepted, findings = settle(ingested)
    finally:
        path.unlink()
    info = ingested.files[0]
    own = [f for f in findings if f.file == info.path]
    scored = accepted.of(SCORING)
    total = next(iter(scored.values())).total if scored else None
    if expect == HELD and info.status != REJECTED:
        raise Escape(f"silent: {info.status} with total {total}, findings {[f.code.name for f in own]}")
    if expect == SAME and (info.status != ACCEPTED or total != seed_total):
        raise Escape(f"a readable deduction not counted: {info.status}, {[f.code.name for f in own]}")
    return info.status, own


MUTATIONS = {"cells": mutate_cells, "member": lambda seed, rng: mutate_member(seed.data, rng),
             "bytes": lambda seed, rng: mutate_bytes(seed.data, rng)}
WEIGHTS = ["cells"] * 9 + ["member"] * 8 + ["bytes"] * 3


def mutate(seeds: list[Seed], rng) -> tuple[str, bytes]:
    """One hostile file from one of the seeds: (how it was made, its bytes)."""
    seed = rng.choice(seeds)
    how = rng.choice(WEIGHTS)
    return f"{seed.name}/{how}", MUTATIONS[how](seed, rng)
