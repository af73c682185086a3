"""Mistakes a clerk makes typing config.toml, a rubric or a form in Notepad with a Chinese input
method, each written into a real file: the message names the file, the line and column, the
character or value to change and how, in Chinese; a rubric lists every problem by its labels."""

from pathlib import Path
import shutil

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from inspection.cli import main
from inspection.spec.config import load_config
from inspection.errors import PROBLEM_LINE, SEVERAL_PROBLEMS, ConfigError, FormError, RubricError
from inspection.spec.progress_form import load_form
from inspection.spec.rubric import DEDUCTION_ABOVE, PART_SUM, SECTION_SUM, TOTAL_SUM, load_rubric
from inspection.spec.toml_syntax import (
    DATE, FULLWIDTH, FULLWIDTH_CHARS, FULLWIDTH_QUOTE, MISSING_CLOSE, MISSING_COMMA, MISSING_EQUALS,
    MISSING_QUOTE, NOT_UTF8, SYNTAX, ARRAY, INLINE_TABLE, shown as shown_line,
)
from tests.conftest import ROOT, XINYANG

# A config.toml as a clerk starts one; each test breaks one line of it. Syntax is checked before
# any key is, so these need not be complete.
CONFIG = """\
# 检查活动配置
[campaign]
name = "信阳市安全生产县际异地交叉检查"
round = "2023-08"
inspection_start = 2023-08-07
deadline = 2023-09-08

[units]
label = "县区"
names = [
  "浉河区", "平桥区", "罗山县",
  "光山县",
]
"""
# tomllib's English, which must never reach the clerk.
ENGLISH = ("Invalid", "Expected", "Unclosed", "Unterminated", "Illegal", "Cannot", "at line", "column ", "Traceback")


def _write(tmp_path: Path, old: str, new: str, name: str = "config.toml") -> Path:
    assert old in CONFIG, old
    path = tmp_path / name
    path.write_text(CONFIG.replace(old, new, 1), encoding="utf-8")
    return path


def _place(path: Path, typed: str, at: str) -> tuple[int, int, str]:
    """Line and column (from 1) of `at` in the line holding `typed`, and that line as shown."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if typed in line)
    return number, lines[number - 1].index(at) + 1, lines[number - 1].strip()


def _config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "\n" not in message and not any(word in message for word in ENGLISH), message
    return message


def _expected(path: Path, line: int, column: int, problem: str, text: str, what: str = "配置文件") -> str:
    return SYNTAX.format(what=what, file=path.name, line=line, column=column, problem=problem, text=text)


# --- full-width punctuation typed with a Chinese input method ---

def test_config__fullwidth_comma_in_array__names_line_column_and_fix(tmp_path):
    path = _write(tmp_path, '"浉河区", "平桥区"', '"浉河区"，"平桥区"')
    line, column, text = _place(path, '"浉河区"，', "，")
    message = _config_error(path)
    name, fix_name, fix = FULLWIDTH_CHARS["，"]
    assert message == _expected(path, line, column, FULLWIDTH.format(name=name, char="，", fix_name=fix_name,
                                                                       fix=fix), text)
    assert (line, column) == (11, 8)
    assert f"第 11 行第 8 列是中文逗号“，”，请改为英文逗号“,”。这一行是：{text}" in message


def test_config__fullwidth_quotes__names_the_first_quote(tmp_path):
    path = _write(tmp_path, 'label = "县区"', 'label = “县区”')
    line, column, text = _place(path, "label = “", "“")
    message = _config_error(path)
    assert message == _expected(path, line, column, FULLWIDTH_QUOTE.format(name="中文引号", char="“", fix='"'), text)
    assert "第 9 行第 9 列是中文引号（“），文字两端请改用英文引号（\"）" in message


def test_config__fullwidth_closing_quote_inside_the_string__still_named(tmp_path):
    # tomllib reads "县区” as a string that never ends; the Chinese quote is why.
    path = _write(tmp_path, 'label = "县区"', 'label = "县区”')
    line, column, text = _place(path, "label = ", "”")
    assert _config_error(path) == _expected(path, line, column,
                                            FULLWIDTH_QUOTE.format(name="中文引号", char="”", fix='"'), text)


def test_config__fullwidth_colon_instead_of_equals__says_use_equals(tmp_path):
    path = _write(tmp_path, 'round = "2023-08"', 'round："2023-08"')
    line, column, text = _place(path, "round：", "：")
    message = _config_error(path)
    assert message == _expected(path, line, column, FULLWIDTH.format(
        name="中文冒号", char="：", fix_name="英文等号", fix="="), text)
    assert (line, column) == (4, 6) and "请改为英文等号“=”" in message


def test_config__fullwidth_space__named(tmp_path):
    path = _write(tmp_path, 'name = "信阳', 'name　= "信阳')
    assert "第 3 行第 5 列是全角空格" in _config_error(path)


# --- dates typed the Chinese way ---

@pytest.mark.parametrize("typed", ["2018年12月10日", "2018/12/10", "2018.12.10"])
def test_config__date_typed_the_chinese_way__says_write_2018_12_10(tmp_path, typed):
    path = _write(tmp_path, "deadline = 2023-09-08", f"deadline = {typed}")
    line, column, text = _place(path, "deadline", typed)
    message = _config_error(path)
    assert message == _expected(path, line, column, DATE.format(typed=typed, iso="2018-12-10"), text)
    assert (line, column) == (6, 12) and "日期请写作 2018-12-10（不加引号）" in message


# --- a comma, a quote, a bracket, an equals sign left out ---

def test_config__missing_comma_between_items__points_after_the_item_before(tmp_path):
    path = _write(tmp_path, '"罗山县",\n', '"罗山县"\n')
    line, _, text = _place(path, '"罗山县"', '"罗山县"')
    column = text.index('"罗山县"') + len('"罗山县"') + 3  # after the item, in the indented line
    message = _config_error(path)
    assert message == _expected(path, line, column, MISSING_COMMA.format(container=ARRAY), text)
    assert (line, column) == (11, 22) and "缺少英文逗号“,”" in message


def test_config__unclosed_quote__names_where_the_text_starts(tmp_path):
    path = _write(tmp_path, 'label = "县区"', 'label = "县区')
    line, column, text = _place(path, "label = ", '"')
    message = _config_error(path)
    assert message == _expected(path, line, column, MISSING_QUOTE.format(quote='"'), text)
    assert (line, column) == (9, 9) and "缺少结尾的英文引号" in message


def test_config__unclosed_quote_on_the_last_line_without_newline__named(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[campaign]\nname = "信阳', encoding="utf-8")
    assert _config_error(path) == _expected(path, 2, 8, MISSING_QUOTE.format(quote='"'), 'name = "信阳')


def test_config__array_without_closing_bracket__names_the_opening_bracket(tmp_path):
    path = _write(tmp_path, '  "光山县",\n]\n', '  "光山县",\n')
    path.write_text(path.read_text(encoding="utf-8") + "\n[departments]\nnames = []\n", encoding="utf-8")
    line, column, text = _place(path, "names = [", "[")
    assert _config_error(path) == _expected(path, line, column, MISSING_CLOSE.format(
        opening="[", closing="]", container=ARRAY), text)


def test_config__missing_equals__says_so(tmp_path):
    path = _write(tmp_path, 'label = "县区"', 'label "县区"')
    line, _, text = _place(path, 'label "', "label")
    assert _config_error(path) == _expected(path, line, 7, MISSING_EQUALS.format(key="label"), text)


@pytest.mark.parametrize("old, new", [
    ('round = "2023-08"', 'round = "2023-08"\nround = "2023-09"'),  # a key twice
    ('[units]', '[campaign]'),  # a table twice
    ('name = "信阳', 'name = 信阳'),  # text without quotes
    ('round = "2023-08"', 'round = "2023-08" 第八轮'),  # a note without #
    ('round = "2023-08"', '轮次 = "2023-08"'),  # a Chinese key
    ('round = "2023-08"', 'round = "2023\\08"'),  # a backslash
    ('round = "2023-08"', 'round = \x0b"2023-08"'),  # no cause found: the general message
])
def test_config__other_mistakes__chinese_with_line_and_column(tmp_path, old, new):
    message = _config_error(_write(tmp_path, old, new))
    assert message.startswith("配置文件 config.toml 第 ") and "。这一行是：" in message


# --- encodings ---

def test_config_with_bom__loads_as_without(tmp_path):
    for sub in ("rubrics", "forms"):
        (tmp_path / sub).symlink_to(ROOT / sub)
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (ROOT / "config.toml").read_bytes())  # Notepad's "UTF-8 with BOM"

    def settings(config):  # all but the paths, which differ by folder
        return {k: v for k, v in vars(config).items() if not isinstance(v, Path)}

    assert settings(load_config(path)) == settings(load_config(ROOT / "config.toml"))
    assert load_config(path).rubric_path.name == load_config(ROOT / "config.toml").rubric_path.name


def test_rubric_with_bom__loads_as_without(tmp_path):
    path = tmp_path / XINYANG.name
    path.write_bytes(b"\xef\xbb\xbf" + XINYANG.read_bytes())
    with_bom, without = load_rubric(path), load_rubric(XINYANG)
    assert (with_bom.id, with_bom.total, with_bom.parts) == (without.id, without.total, without.parts)


@pytest.mark.parametrize("loader, error, what, source", [
    (load_config, ConfigError, "配置文件", ROOT / "config.toml"),
    (load_rubric, RubricError, "考评细则文件", XINYANG),
    (load_form, FormError, "调度表表样", ROOT / "forms" / "progress_unit.toml"),
])
def test_gbk_file__refused_with_save_as_utf8(tmp_path, loader, error, what, source):
    path = tmp_path / source.name
    path.write_bytes(source.read_text(encoding="utf-8").encode("gbk"))  # Notepad's "ANSI" on Chinese Windows
    with pytest.raises(error) as err:
        loader(path)
    assert str(err.value) == NOT_UTF8.format(what=what, file=path.name)
    assert "另存为时编码选“UTF-8”" in str(err.value)


# --- the same messages for rubric and form files ---

def test_rubric__fullwidth_comma_in_deductions__rubric_error_with_place(tmp_path):
    text = XINYANG.read_text(encoding="utf-8").replace(
        'deductions = [{ amount = 2, per = "处" }]', 'deductions = [{ amount = 2，per = "处" }]')
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    line, column, shown = _place(path, "amount = 2，", "，")
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    assert str(err.value) == _expected(path, line, column, FULLWIDTH.format(
        name="中文逗号", char="，", fix_name="英文逗号", fix=","), shown, what="考评细则文件")


def test_form__missing_comma_in_cells__form_error_with_place(tmp_path):
    source = (ROOT / "forms" / "progress_unit.toml").read_text(encoding="utf-8")
    old = 'label = "企业自查发现的重大事故隐患（个）", unit = "个"'
    path = tmp_path / "progress_unit.toml"
    path.write_text(source.replace(old, old.replace('", unit', '" unit'), 1), encoding="utf-8")
    line, column, _ = _place(path, '（个）" unit', '" unit')
    with pytest.raises(FormError) as err:
        load_form(path)
    row = path.read_text(encoding="utf-8").split("\n")[line - 1]
    assert str(err.value) == _expected(path, line, column + 1, MISSING_COMMA.format(container=INLINE_TABLE),
                                       shown_line(row, column + 1), what="调度表表样")
    assert f"第 {line} 行第 {column + 1} 列缺少英文逗号" in str(err.value)


# --- through the command line ---

def test_cli__syntax_error__exit_2_one_chinese_line(tmp_path, capsys):
    path = _write(tmp_path, "deadline = 2023-09-08", "deadline = 2018年12月10日")
    assert main(["templates", "--config", str(path), "--output", str(tmp_path / "t")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("无法运行：配置文件 config.toml 第 6 行第 12 列")
    assert "日期请写作 2018-12-10（不加引号）" in err
    assert not any(word in err for word in ENGLISH)


# --- a rubric: every problem, each named by the labels of its place ---

def _rubric_folder(tmp_path: Path, replacements: list[tuple[str, str]]) -> Path:
    """A copy of the default campaign whose rubric file has the replacements made."""
    config = load_config(ROOT / "config.toml")
    shutil.copy(ROOT / "config.toml", tmp_path / "config.toml")
    (tmp_path / "forms").symlink_to(ROOT / "forms")
    rubric = tmp_path / config.rubric_path.relative_to(ROOT)
    rubric.parent.mkdir(parents=True, exist_ok=True)
    text = XINYANG.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    rubric.write_text(text, encoding="utf-8")
    return tmp_path / "config.toml"


SECTION_14 = 'label = "（十四）"\ntitle = "牢固树立安全红线意识"\npoints = '
CRITERION_15 = 'deductions = [{ amount = 2, per = "处" }]'


def test_rubric__wrong_section_sum_and_large_deduction__all_listed_by_labels(tmp_path):
    config = _rubric_folder(tmp_path, [(SECTION_14 + "4", SECTION_14 + "2"),
                                       (CRITERION_15, CRITERION_15.replace("amount = 2", "amount = 3"))])
    with pytest.raises(RubricError) as err:
        load_rubric(load_config(config).rubric_path)
    problems = [
        "（三）9. 第 (15) 条：" + DEDUCTION_ABOVE.format(amount=3, points=2),
        "二、县区政府层面（十四）：" + SECTION_SUM.format(points=2, got=4),
        "二、县区政府层面：" + PART_SUM.format(points=21, level="考评项目", got=19),
        "[rubric]的 total：" + TOTAL_SUM.format(points=100, level="考评项目", got=98),
    ]
    assert err.value.problems == tuple(problems)
    file = load_config(config).rubric_path.name
    assert str(err.value) == "\n".join([SEVERAL_PROBLEMS.format(source=f"考评细则文件 {file}", count=4),
                                        *(PROBLEM_LINE.format(problem=p) for p in problems)])
    assert "（三）9. 第 (15) 条：扣分 3 超过该细则分值 2" in str(err.value)
    assert "二、县区政府层面（十四）：分值 2，其下细则合计 4" in str(err.value)


def test_cli__rubric_with_several_problems__headline_then_one_line_each(tmp_path, capsys):
    config = _rubric_folder(tmp_path, [(SECTION_14 + "4", SECTION_14 + "2")])
    assert main(["templates", "--config", str(config), "--output", str(tmp_path / "t")]) == 2
    lines = capsys.readouterr().err.rstrip("\n").split("\n")
    assert lines[0] == f"无法运行：考评细则文件 {XINYANG.name} 有 3 处问题，请逐条改正："
    assert lines[1:] == ["  二、县区政府层面（十四）：分值 2，其下细则合计 4",
                         "  二、县区政府层面：分值 21，其下考评项目合计 19",
                         "  [rubric]的 total：总分 100，各考评项目合计 98"]


def test_rubric__one_problem__one_line(tmp_path):
    config = _rubric_folder(tmp_path, [(CRITERION_15, CRITERION_15.replace("amount = 2", "amount = 3"))])
    with pytest.raises(RubricError) as err:
        load_rubric(load_config(config).rubric_path)
    assert str(err.value) == f"考评细则文件 {XINYANG.name}：（三）9. 第 (15) 条：扣分 3 超过该细则分值 2"


def test_rubric__unlabelled_section_and_item__named_by_title_and_id(tmp_path):
    xuchang = (ROOT / "rubrics" / "xuchang_2018_responsibility_targets.toml").read_text(encoding="utf-8")
    old = 'deductions = [{ amount = 0.5, per = "次" }]'
    path = tmp_path / "xuchang.toml"
    path.write_text(xuchang.replace(old, old.replace("0.5", "1.5"), 1), encoding="utf-8")
    with pytest.raises(RubricError) as err:
        load_rubric(path)
    # 许昌's 类别 have no label: the title names them.
    assert err.value.problems == ("党委政府领导责任 2. 第 (2) 条：" + DEDUCTION_ABOVE.format(amount="1.5", points=1),)


# --- a form: every problem, named by the table's own words ---

def test_form__duplicate_key_and_bad_type__both_listed_by_labels(tmp_path):
    source = (ROOT / "forms" / "progress_department.toml").read_text(encoding="utf-8")
    text = source.replace('key = "cases_dangerous_work"', 'key = "cases_published"', 1)
    text = text.replace('label = "行政处罚金额（万元）", unit = "万元", type = "amount"',
                        'label = "行政处罚金额（万元）", unit = "万元", type = "money"', 1)
    path = tmp_path / "progress_department.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormError) as err:
        load_form(path)
    section = "“部门精准严格执法情况”"
    assert err.value.problems == (
        f"{section}第 3 项“行政处罚金额（万元）”的 type：应为 count、amount、yesno 之一，现为 “money”",
        f"{section}第 8 项“其中危险作业罪案例（个）”的 key：“cases_published”与{section}第 8 项“公布典型执法案例（个）”重复，"
        "每格的 key 在文件内必须唯一",
    )
    assert str(err.value).startswith("调度表表样 progress_department.toml 有 2 处问题，请逐条改正：\n  ")


# --- whatever is typed, a Chinese message or a file that loads; never a crash ---

NOTEPAD_SLIPS = st.sampled_from(list(FULLWIDTH_CHARS) + ['"', "'", "[", "]", "{", "}", "=", ",", "\n", "#",
                                                         "　", "年", "/", ".", ":", "\\", "信"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(at=st.integers(min_value=0, max_value=len(CONFIG)), typed=NOTEPAD_SLIPS, delete=st.booleans())
def test_config__any_slip__chinese_message_or_loads(tmp_path, at, typed, delete):
    text = CONFIG[:at] + ("" if delete else typed) + CONFIG[at + delete:]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_config(path)
    except ConfigError as err:  # a syntax error, or a key the slip broke
        message = str(err)
        assert "\n" not in message and message.startswith("配置文件 config.toml")
        assert not any(word in message for word in ENGLISH), message
