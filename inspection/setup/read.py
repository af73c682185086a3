"""Reading a setup workbook (检查活动设置.xlsx) into the campaign, checked cell by cell.

The workbook is a file from outside like any return: it passes the same guard and reader. What it
says becomes the same data config.toml and a rubric file parse to, so the campaign is checked and
built by the same code (config_from_data, rubric_from_data); what only the workbook can get wrong
(a cell left blank, a date that is no date, a unit not in the list) is reported by sheet and cell,
every problem at once, errors first.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
import difflib
from pathlib import Path

from inspection.spec.campaign import Campaign, campaign_of
from inspection.spec.config import config_from_data, normalize_name, parse_round, round_period
from inspection.errors import SetupError
from inspection.intake.book import Sheet, UnreadableFile, read_book
from inspection.reading.cells import cell_ref, squash
from inspection.intake.guard import check_container
from inspection.reading.table import find_header
from inspection.intake.limits import Limits
from inspection.intake.repack import reader_bytes
from inspection.findings import ERROR, WARNING
from inspection.spec.rubric import rubric_from_data
from inspection.setup.sheets import (
    BASICS, DEPARTMENTS_HEADER, GROUP_KEYS, GROUPS_HEADER, MEMBER_SEPARATORS, NO, SECTORS_HEADER, SHEET_BASICS,
    SHEET_DEPARTMENTS, SHEET_GROUPS, SHEET_RUBRIC, SHEET_SECTORS, SHEET_UNITS, UNITS_HEADER, YES,
)
from inspection.setup.rubric_table import parse_rubric_table, sheet_rows
from inspection.values import (
    NOTHING, Window, cell_text, chinese_date, chinese_number, decimal_from_number, normalize_text, parse_points,
    read_date,
)



@dataclass(frozen=True)
class Problem:
    cell: str  # "检查组!C7"
    level: str
    message: str


@dataclass
class SetupData:
    config: dict = field(default_factory=dict)  # shaped as config.toml parses
    rubric: dict = field(default_factory=dict)  # shaped as a rubric file parses
    problems: list[Problem] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # "campaign.round" → "基本信息!B5（轮次）", for messages


def campaign_from_workbook(path: Path) -> Campaign:
    """The campaign a setup workbook describes; raises SetupError listing every problem."""
    return campaign_from_setup(read_setup(path), path)


def campaign_from_setup(data: "SetupData", path: Path) -> Campaign:
    """The campaign of a workbook already read (read_setup); raises SetupError listing every problem."""
    source = f"设置表格 {path.name}"
    if any(p.level == ERROR for p in data.problems):
        problems = sorted(data.problems, key=lambda p: p.level != ERROR)
        raise SetupError.listing(source, [f"{p.cell}：{p.message}" for p in problems])
    config = config_from_data(data.config, path, source, places=data.places)
    notes = tuple(f"{p.cell}：{p.message}" for p in data.problems)  # warnings: what was assumed, where
    return campaign_of(config, rubric_from_data(data.rubric, source, str(path)), notes)


def read_setup(path: Path) -> SetupData:
    """What the workbook says, and its problems by cell."""
    try:
        raw = path.read_bytes()
        book = read_book(path, reader_bytes(raw, check_container(raw, Limits())))
    except FileNotFoundError as err:
        raise SetupError(f"找不到设置表格：{path}") from err
    except (OSError, UnreadableFile) as err:
        raise SetupError(f"设置表格 {path.name} 无法读取：{getattr(err, 'detail', None) or err}") from err
    out = SetupData()
    with book:
        sheets = {name: book.sheet(name) for name in (SHEET_BASICS, SHEET_UNITS, SHEET_GROUPS, SHEET_DEPARTMENTS,
                                                       SHEET_SECTORS, SHEET_RUBRIC)}
        for name, sheet in sheets.items():
            if sheet is None and name in (SHEET_BASICS, SHEET_UNITS, SHEET_RUBRIC):
                out.problems.append(Problem(name, ERROR, f"找不到工作表“{name}”，请用 python process.py setup 生成的表格"))
        if out.problems:
            return out
        head = _basics(sheets[SHEET_BASICS], out, path.name)
        units = _names(sheets[SHEET_UNITS], UNITS_HEADER, out)
        out.config["units"] = {"label": head["units"].get("label", ""), "names": list(units)}
        groups = _groups(sheets[SHEET_GROUPS], units, out) if sheets[SHEET_GROUPS] else []
        if groups:
            out.config["groups"] = groups
        for name, header, table, key in ((SHEET_DEPARTMENTS, DEPARTMENTS_HEADER, "departments", "names"),
                                         (SHEET_SECTORS, SECTORS_HEADER, "hazards", "sectors")):
            names = _names(sheets[name], header, out) if sheets[name] else {}
            if names:
                out.config[table] = {key: list(names)}
        out.rubric, found = parse_rubric_table(sheet_rows(sheets[SHEET_RUBRIC]), header=head["rubric"])
        out.problems += [_rubric_problem(p) for p in found]
    return out


def _rubric_problem(p) -> Problem:
    """A problem of the pasted table, its place taken out of its message (the listing puts it first)."""
    where = f"{SHEET_RUBRIC}!{p.cell}" if p.cell else SHEET_RUBRIC
    return Problem(where, p.level, p.message.removeprefix(f"{where}：").removeprefix(f"{SHEET_RUBRIC}："))


def _basics(sheet: Sheet, out: SetupData, workbook_name: str) -> dict[str, dict]:
    """基本信息 → config's campaign and forms tables, the unit label, and the rubric's head."""
    header, cols = find_header(sheet, {"label": "项目", "value": "内容"})
    tables: dict[str, dict] = {"campaign": {"rubric": workbook_name}, "units": {}, "forms": {}, "rubric": {}}
    if header is None or len(cols) < 2:
        out.problems.append(Problem(f"{SHEET_BASICS}!A1", ERROR, "找不到表头“项目”“内容”"))
        return tables
    known = {squash(basic.label) for basic in BASICS}
    rows: dict[str, int] = {}
    for r in range(header + 1, sheet.height):
        label = squash(sheet.value(r, cols["label"]))
        where = f"{SHEET_BASICS}!{cell_ref(r, cols['label'])}"
        if label in rows:  # which of the two is meant cannot be known
            out.problems.append(Problem(where, ERROR, f"“{cell_text(sheet.value(r, cols['label']))}”"
                                                      f"写了两行（另一行在第 {rows[label] + 1} 行），请删去一行"))
        elif label and label not in known and cell_text(sheet.merged_value(r, cols["value"])):
            out.problems.append(Problem(where, ERROR, f"“{cell_text(sheet.value(r, cols['label']))}”不是本表的项目："
                                                      "请删去这一行，或把内容填到对应项目的一行"))
        if label and label not in rows:
            rows[label] = r
    for basic in BASICS:
        r = rows.get(squash(basic.label))
        where = f"{SHEET_BASICS}!{cell_ref(r if r is not None else header, cols['value'])}"
        if r is None:
            out.problems.append(Problem(where, ERROR, f"缺少“{basic.label}”一行，请不要删去这一行"))
            continue
        out.places[f"{basic.table}.{basic.key}"] = f"{where}（{basic.label}）"
        raw = sheet.merged_value(r, cols["value"])
        value = _basic_value(basic, raw, where, out, tables["campaign"])
        if value is not None:
            tables[basic.table][basic.key] = value
    out.config.update(campaign=tables["campaign"], forms=tables["forms"])
    _check_years(tables["campaign"], out)
    return tables


def _basic_value(basic, raw, where: str, out: SetupData, campaign: dict):
    if basic.key == "round" and isinstance(raw, date):  # Excel turns 2023-08 or 2023年8月 into a date
        return f"{raw:%Y-%m}"
    text = cell_text(raw)
    if basic.kind == "date":
        return _date_value(basic, raw, text, where, out, campaign)
    if basic.kind == "yesno":
        if text not in (YES, NO):
            out.problems.append(Problem(where, ERROR, f"“{basic.label}”应填“是”或“否”，现为“{text}”"))
            return None
        return text == YES
    if basic.kind == "number":
        number = decimal_from_number(raw)
        if number is None and text:  # a number typed as text ("100", " 100 "): what it shows
            number, ok = parse_points(text)
            number = number if ok and text.strip() not in NOTHING else None
        if number is None and text:
            out.problems.append(Problem(where, ERROR, f"“{basic.label}”应为数字，现为“{text}”"))
        return number
    if basic.kind in ("path", "optional"):
        return text or None
    if not text:
        out.problems.append(Problem(where, ERROR, f"“{basic.label}”没有填写：{basic.note}"))
        return None
    return text


def _check_years(campaign: dict, out: SetupData) -> None:
    """A date whose year is not the campaign's (Excel fills in this computer's year for "9月8日"):
    a warning where it was written, so that a reminder never counts 1,096 days to a deadline."""
    round_ = parse_round(campaign.get("round", "")) if campaign.get("round") else None
    dates = {key: campaign.get(key) for key in ("inspection_start", "inspection_end", "deadline")}
    labels = {basic.key: basic.label for basic in BASICS}
    if round_ and isinstance(dates["inspection_start"], date):
        first, last = round_period(round_)
        if not first - timedelta(days=183) <= dates["inspection_start"] <= last + timedelta(days=183):
            out.problems.append(Problem(out.places["campaign.inspection_start"].split("（")[0], WARNING,
                                        f"“{labels['inspection_start']}”是 {chinese_date(dates['inspection_start'])}，"
                                        f"离轮次 {campaign['round']} 超过半年：年份是否写错？"))
    for key, before in (("inspection_end", "inspection_start"), ("deadline", "inspection_end")):
        day, since = dates[key], dates[before]
        if isinstance(day, date) and isinstance(since, date) and (day - since).days > 183:
            out.problems.append(Problem(out.places[f"campaign.{key}"].split("（")[0], WARNING,
                                        f"“{labels[key]}”是 {chinese_date(day)}，比“{labels[before]}”"
                                        f"（{chinese_date(since)}）晚 {(day - since).days} 天：年份是否写错？"))


def _group_number(raw) -> Decimal | None:
    """组号 as people write it: 1, "1", "１", "第1组", "一", "第一组"."""
    number = decimal_from_number(raw)
    if number is not None:
        return number
    text = "".join(normalize_text(raw).split()).removeprefix("第").removesuffix("组")
    if text.isdigit() and text.isascii():
        return Decimal(text)
    return chinese_number(text) if text else None


def _date_value(basic, raw, text: str, where: str, out: SetupData, campaign: dict) -> date | None:
    """A date of 基本信息. One typed without its year ("9月8日") takes the year the campaign's own
    dates tell (the round, the start of the inspection for its end, its end for the deadline), with a
    warning that says so; where they cannot tell, an error asks for the year. Never this computer's year."""
    if not text:
        out.problems.append(Problem(where, ERROR, f"“{basic.label}”没有填写，请填写日期，如 2023/8/7"))
        return None
    month_day = read_date(raw, _ANY_YEAR)
    if month_day.day is None:
        out.problems.append(Problem(where, ERROR, f"“{basic.label}”“{text}”不是日期，请填写日期，如 2023/8/7"))
        return None
    if not month_day.assumed_year:
        return month_day.day
    first, last, why = _date_context(basic.key, campaign)
    years = [y for y in range(first.year, last.year + 1) if _valid(y, month_day.day) and
             first <= month_day.day.replace(year=y) <= last] if why else []
    if len(years) != 1:
        reason = f"从{why}看不出是哪一年" if why else "本表中没有可以推断年份的日期"
        out.problems.append(Problem(where, ERROR, f"“{basic.label}”“{text}”没有写年份，{reason}，请写明年份，"
                                                    f"如 {years[-1] if years else first.year}/{month_day.day.month}/{month_day.day.day}"))
        return None
    day = month_day.day.replace(year=years[0])
    out.problems.append(Problem(where, WARNING, f"“{basic.label}”“{text}”没有写年份，按 {chinese_date(day)} 读取"
                                                  f"（{why}）；如不是这一年，请写明年份"))
    return day


_ANY_YEAR = Window(date(2000, 1, 1), date(2000, 12, 31))  # reads a month and day alone (2000: 2月29日 exists)


def _valid(year: int, day: date) -> bool:
    try:
        day.replace(year=year)
        return True
    except ValueError:
        return False


def _date_context(key: str, campaign: dict) -> tuple[date, date, str]:
    """The days a date of `key` typed without a year may fall on, and what says so: the end after
    the start, the deadline after the end, the start around the round ("" when nothing tells)."""
    after = {"inspection_end": ("inspection_start", "检查开始日期"), "deadline": ("inspection_end", "检查结束日期")}
    if key in after and isinstance(campaign.get(after[key][0]), date):
        since = campaign[after[key][0]]
        return since, since + timedelta(days=364), f"{after[key][1]}为 {chinese_date(since)}"
    round_ = parse_round(campaign.get("round", "")) if campaign.get("round") else None
    if round_ is None:
        return date.min, date.min, ""
    first, last = round_period(round_)
    short = (last - first).days < 100  # a month or a quarter: its dates may lie a little before it too
    return (first - timedelta(days=91) if short else first), last + timedelta(days=91), f"轮次为 {campaign['round']}"


def _names(sheet: Sheet, header_labels: tuple[str, str], out: SetupData) -> dict[str, str]:
    """The names in a list sheet's name column, in order, each with its cell; blank rows skipped;
    a repeat is an error."""
    header, cols = find_header(sheet, {"name": header_labels[1]})
    if header is None:
        out.problems.append(Problem(f"{sheet.name}!B1", ERROR, f"找不到表头“{header_labels[1]}”"))
        return {}
    names: dict[str, str] = {}
    for r in range(header + 1, sheet.height):
        name = normalize_name(cell_text(sheet.value(r, cols["name"])))
        if not name:
            continue
        if name in names:
            out.problems.append(Problem(f"{sheet.name}!{cell_ref(r, cols['name'])}", ERROR,
                                        f"“{name}”写了两次，请删去一行"))
            continue
        names[name] = f"{sheet.name}!{cell_ref(r, cols['name'])}"
    return names


def _groups(sheet: Sheet, units: dict[str, str], out: SetupData) -> list[dict]:
    """检查组 → [[groups]]: a row per (group, unit); the group's own facts where first given."""
    labels = dict(zip(("number", "name", "unit", *GROUP_KEYS.values(), "members"), GROUPS_HEADER))
    header, cols = find_header(sheet, labels)
    missing = [label for key, label in labels.items() if key not in cols]
    if missing:  # a renamed header would drop its column's facts, or every group, without a word
        start = header + 1 if header is not None else 1
        if any(cell_text(v) for row in sheet.rows[start:] for v in row):
            out.problems.append(Problem(f"{sheet.name}!{cell_ref(header or 0, 0)}", ERROR,
                                        f"表头找不到“{'”“'.join(missing)}”：请把表头恢复为"
                                        f"“{'”“'.join(GROUPS_HEADER)}”，检查组才能读出"))
        return []
    groups: dict[int, dict] = {}
    owner: dict[str, tuple[int, str]] = {}
    above = None  # the group of the row above: a row with its unit alone (组号 left blank) is in it too
    for r in range(header + 1, sheet.height):
        if not any(cell_text(sheet.value(r, c)) for c in cols.values()):
            continue
        # A group's facts written once in cells merged over its rows show on each of them; the unit is the row's own.
        value = {key: sheet.value(r, c) if key == "unit" else sheet.merged_value(r, c) for key, c in cols.items()}
        at = {key: f"{sheet.name}!{cell_ref(*(sheet.anchor(r, c) if key != 'unit' else (r, c)))}"
              for key, c in cols.items()}
        number = _group_number(value.get("number", ""))
        if number is None and above is not None and not any(
                cell_text(value.get(key, "")) for key in ("number", "name", *GROUP_KEYS.values(), "members")):
            number = above  # 组号 written once for a group's rows, the others blank ("同上"), merged or not
        above = number if number is not None else above
        if number is None or number != number.to_integral_value() or not 1 <= number <= 9999:
            out.problems.append(Problem(at.get("number", f"{sheet.name}!A{r + 1}"), ERROR,
                                        f"组号应为 1 到 9999 的整数，现为“{cell_text(value.get('number', ''))}”"))
            continue
        group = groups.setdefault(int(number), {"number": int(number), "name": "", "units": []})
        for key in ("name", *GROUP_KEYS.values(), "members"):
            text = cell_text(value.get(key, ""))
            if key == "members" and text:
                for sep in MEMBER_SEPARATORS:
                    text = text.replace(sep, "、")
                text = "、".join(m.strip() for m in text.split("、") if m.strip())
            if not text:
                continue
            if not group.get(key):
                group[key] = text
            elif group[key] != text:  # the first row's stands: say so where the other was written
                out.problems.append(Problem(at[key], ERROR, f"第 {int(number)} 组的“{labels[key]}”前面已写为"
                                            f"“{group[key]}”，这里又写了“{text}”：同一组的情况只在第一行写，请删去一处"))
        unit = normalize_name(cell_text(value.get("unit", "")))
        if not unit:
            out.problems.append(Problem(at.get("unit", f"{sheet.name}!C{r + 1}"), ERROR, "没有填写被检查单位"))
        elif unit not in units:
            close = difflib.get_close_matches(unit, list(units), n=1, cutoff=0.5)
            hint = f"，是否为“{close[0]}”？" if close else f"，请先写进“{SHEET_UNITS}”工作表"
            out.problems.append(Problem(at["unit"], ERROR, f"“{unit}”不在被检查单位中{hint}"))
        elif unit in owner:
            out.problems.append(Problem(at["unit"], ERROR, f"“{unit}”已在第 {owner[unit][0]} 组（{owner[unit][1]}），"
                                                            "每个被检查单位只能由一个组检查"))
        else:
            owner[unit] = (int(number), at["unit"])
            group["units"].append(unit)
    for group in groups.values():
        if group.get("members"):
            group["members"] = group["members"].split("、")
        if not group["name"]:
            group["name"] = f"第{group['number']}组"
    if groups:
        for unit, where in units.items():
            if unit not in owner:
                out.problems.append(Problem(where, ERROR, f"“{unit}”没有检查组：请在“{SHEET_GROUPS}”工作表给它一行"))
    return [g for g in groups.values() if g["units"]]

