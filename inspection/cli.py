"""Command line: parse arguments, call the stage, print a Chinese summary, return the exit code."""

import argparse
from datetime import date, datetime
from functools import partial
import sys
import traceback
from pathlib import Path

from inspection import __version__
from inspection.spec.config import ROUND_FORMS, group_label, parse_round
from inspection.constants import DEFAULT_CONFIG, DEFAULT_INPUT_DIR, DEFAULT_OUTPUT_DIR, DEFAULT_TEMPLATES_DIR
from inspection.errorlog import log_name, write_log
from inspection.errors import SetupError
from inspection.findings import ERROR, WARNING
from inspection.model import ACCEPTED, REJECTED, UNREAD, RunResult
from inspection.archive.query import history
from inspection.archive.schema import open_archive
from inspection.history import history_lines
from inspection.progressbar import default_jobs, file_progress
from inspection.decisions.rounds import ARCHIVE_FILE
from inspection.run import run
from inspection.sendback.send import summary_line
from inspection.spec.campaign import load_campaign
from inspection.kinds import PROGRESS, SELF_CHECK, SELF_SCORING
from inspection.templates import generate_templates
from inspection.report.selfcheck import group_warning

DEMO_INPUT = Path("demo") / "input"
DEMO_ARCHIVE = "演示归档.sqlite"

EXIT_OK, EXIT_PARTIAL, EXIT_SETUP = 0, 1, 2
ARCHIVE_HELP = "归档文件（SQLite，默认 output/归档.sqlite），记录各轮采用的文件、得分和隐患"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python process.py",
        description="安全生产检查打分汇总工具：生成空白模板，汇总各组报回的表格，生成排名通报。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=DEFAULT_CONFIG, metavar="PATH",
                        help="设置文件（config.toml 或 检查活动设置.xlsx，默认 config.toml）；它所在的文件夹是这次检查的"
                             "活动文件夹，其中的 templates、input、output 是各命令的默认文件夹")
    common.add_argument("--verbose", action="store_true", help="出错时显示完整的程序调用栈")
    jobs = argparse.ArgumentParser(add_help=False)
    jobs.add_argument("--jobs", type=_jobs, default=default_jobs(), metavar="N",
                      help=f"同时用几个进程读写表格（默认本机核数 {default_jobs()}；1 为逐个处理，结果相同）")
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("--quiet", action="store_true", help="不显示进度条，只输出一行结果和用时")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    p = sub.add_parser("templates", parents=[common, jobs, quiet], help="生成本次检查要发出的全部空白表格",
                       description="按配置文件生成全部空白表格：每个检查组一份打分表和交办清单，"
                                   "每个被检查单位和部门一份调度表。")
    p.add_argument("--output", metavar="DIR", help="模板输出目录（默认活动文件夹的 templates 下以轮次命名的文件夹）")
    p.add_argument("--archive", metavar="PATH", help=ARCHIVE_HELP + "；有未销号的隐患时，为其单位生成隐患整改跟踪表")
    p.set_defaults(handler=cmd_templates)

    p = sub.add_parser("run", parents=[common, jobs, quiet], help="校验并汇总 input 中报回的表格，生成排名汇总表",
                       description="读取输入文件夹（含子文件夹和 .zip 压缩包）中报回的全部表格，按隐藏的识别信息确认"
                                   "是哪个单位的哪张表，逐格校验，重新计算得分，生成排名汇总表。"
                                   "退出码：0 全部收齐且通过；1 已生成汇总表，但有文件未通过或单位未报送；"
                                   "2 无法运行（配置或考评细则有误，或程序出错），用中文说明原因。")
    p.add_argument("--input", metavar="DIR", help="报回表格所在文件夹（默认活动文件夹的 input）")
    p.add_argument("--output", metavar="DIR", help="汇总表输出文件夹（默认活动文件夹的 output）")
    p.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="判断隐患是否逾期的日期（默认今天）")
    p.add_argument("--round", metavar="轮次", help="汇总设置中的轮次以外的一轮（如补记上一轮：--round 2023-07）")
    p.add_argument("--archive", metavar="PATH", help=ARCHIVE_HELP)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("demo", parents=[common, jobs], help="演示：生成模板、模拟各组填报、汇总，一条命令看全流程",
                       description="按配置生成空白模板，模拟各检查组填好报回（故意缺一个单位、"
                                   "一份表格带提醒），再汇总生成排名汇总表。")
    p.add_argument("--templates", metavar="DIR", help="模板输出目录（默认活动文件夹的 templates 下以轮次命名的文件夹）")
    p.add_argument("--input", default=str(DEMO_INPUT), metavar="DIR", help="模拟填报的表格放在这里（默认 demo/input，每次清空重建）")
    p.add_argument("--output", metavar="DIR", help="汇总表输出文件夹（默认活动文件夹的 output）")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("setup", parents=[common], help="生成“检查活动设置.xlsx”，在 Excel 里设置一次检查；或由它写出配置文件",
                       description="按当前配置（--config）生成“检查活动设置.xlsx”：基本信息、被检查单位、检查组、部门、"
                                   "行业领域、考评细则（可从通知附件直接粘贴打分表）。改好后可直接用 --config 检查活动设置.xlsx "
                                   "运行各命令，或用 --from-workbook 写出 config.toml 和考评细则文件。")
    p.add_argument("--output", metavar="DIR",
                   help="写到哪个文件夹（默认：生成表格时为当前文件夹；--from-workbook 时为表格旁的“…_配置”文件夹）")
    p.add_argument("--from-workbook", metavar="PATH", help="由这个设置表格写出 config.toml 和 rubric.toml（及解析结果）")
    p.set_defaults(handler=cmd_setup)

    p = sub.add_parser("new", parents=[common], help="新建一次检查的活动文件夹（设置、input、templates、output 都在其中）",
                       description="新建一次检查的活动文件夹：复制一份设置（默认是本工具自带的信阳 2023 样例，"
                                   "--from 可指定 examples 中的某一个或别的活动文件夹），建好空的 input 文件夹。"
                                   "之后各命令加 --config 文件夹/config.toml 即作用于这次检查。")
    p.add_argument("name", metavar="文件夹", help="新活动文件夹的名称或路径，如 2024燃气专项")
    p.add_argument("--from", dest="source", metavar="PATH",
                   help="以哪个活动为样例：它的 config.toml，或它所在的文件夹（默认本工具自带的 config.toml）")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("history", parents=[common], help="列出归档中的各轮次及每轮记录的单位和文件",
                       description="列出归档（各轮汇总时采用的文件）中的轮次，以及每轮记录了哪些单位的哪些文件。")
    p.add_argument("--output", metavar="DIR",
                   help="汇总时的输出文件夹，归档就在其中（默认活动文件夹的 output，同 run 的 --output）")
    p.add_argument("--archive", metavar="PATH", help=ARCHIVE_HELP)
    p.set_defaults(handler=cmd_history)
    return parser


def _load(config: str, quiet: bool = False):
    """The campaign, and on the console which settings it is (never the sample campaign unsaid) and
    what they left to the tool to assume, before the work."""
    campaign = load_campaign(Path(config))
    if not quiet:
        print(f"设置：{config}（{campaign.config.campaign}，{campaign.config.shown_round}）")
    for note in campaign.notes:
        print(f"设置表格提醒：{note}")
    return campaign


def cmd_templates(args) -> int:
    campaign = _load(args.config, args.quiet)
    config, rubric = campaign.config, campaign.rubric
    archive = Path(args.archive) if args.archive else default_archive(folder_of(args, "output", DEFAULT_OUTPUT_DIR))
    if args.archive and not archive.exists():
        raise SetupError(f"找不到归档文件 {archive}。请检查 --archive 的路径；还没有归档时不要写 --archive，"
                         "第一次运行 python process.py run 后会在 output/ 下建立归档")
    target = Path(args.output) if args.output else templates_folder(args.config, config)
    found = check_templates_folder(target, config)
    result = generate_templates(campaign, target, archive, jobs=args.jobs,
                                progress=partial(file_progress, quiet=args.quiet, what="生成空白表格"))
    if args.quiet:
        print(f"已生成 {len(result.all)} 个空白表格，位于 {result.folder}{found}。用时 {result.seconds:.1f} 秒。")
        return EXIT_OK
    print(f"已生成 {len(result.all)} 个空白表格，位于 {result.folder}{'/' if not str(result.folder).endswith('/') else ''}"
          f"{found}：")
    per = f"每个{config.unit_label}一份" if config.groups else f"每个{config.unit_label}一份，不分检查组"
    print(f"  打分表 {len(result.scoring)} 份" + (f"、交办清单 {len(result.dispatch)} 份" if config.uses_dispatch else "")
          + f"（{per}）")
    progress = [f"{config.unit_label}调度表 {len(result.progress_units)} 份" if config.progress_unit_form else "",
                f"部门调度表 {len(result.progress_departments)} 份" if config.progress_department_form else ""]
    if any(progress):
        print(f"  {'、'.join(p for p in progress if p)}")
    if config.uses_self_assessment:
        print(f"  自评表 {len(result.paths(SELF_SCORING))} 份" + (f"、自查问题清单 {len(result.paths(SELF_CHECK))} 份"
              if config.uses_dispatch else "") + f"（各{config.unit_label}自己填写，与复核对照）")
    print(f"考评细则：{rubric.name}（{len(rubric.items)} 项细则、{len(rubric.criteria)} 条评分标准，"
          f"满分 {rubric.total} 分）。")
    if result.followup:
        print(f"  隐患整改跟踪表 {len(result.followup)} 份：归档 {archive} 中尚有 {result.open_hazards} 条隐患未销号，"
              f"各{config.unit_label}填报整改状态后随本轮表格报回")
    print(f"用时 {result.seconds:.1f} 秒。")
    return EXIT_OK


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:  # "²" is a digit to isdigit()
        raise argparse.ArgumentTypeError(f"进程数应为正整数，如 --jobs 2，现为“{text}”")
    return int(text)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"日期应写作 2023-09-08，现为 {text!r}") from err


def cmd_run(args) -> int:
    campaign = _load(args.config, args.quiet)
    if args.round:
        campaign = with_round(campaign, args.round)
    output = folder_of(args, "output", DEFAULT_OUTPUT_DIR)
    archive = Path(args.archive) if args.archive else default_archive(output)
    result = run(campaign, folder_of(args, "input", DEFAULT_INPUT_DIR), output, as_of=args.as_of, archive=archive,
                 jobs=args.jobs, progress=partial(file_progress, quiet=args.quiet))
    print_summary(result, campaign.config.unit_label, quiet=args.quiet)
    return exit_code(result)


def cmd_setup(args) -> int:
    from inspection.setup.commands import default_toml_folder, toml_from_workbook, workbook_from_config

    if args.from_workbook:
        workbook = Path(args.from_workbook)
        folder = Path(args.output) if args.output else default_toml_folder(workbook)
        campaign, config_path, rubric_path, parsed = toml_from_workbook(workbook, folder)
        print(f"已由 {workbook} 写出：\n  {config_path}\n  {rubric_path}\n  {parsed}（请核对考评细则的解析结果）")
        print(f"考评细则：{campaign.rubric.name}（{len(campaign.rubric.items)} 项细则、{len(campaign.rubric.criteria)} 条评分标准，"
              f"满分 {campaign.rubric.total} 分）。生成模板：python process.py templates --config {config_path}")
        return EXIT_OK
    campaign, path = workbook_from_config(Path(args.config), Path(args.output or "."))
    print(f"已生成 {path}：{campaign.config.campaign}，{len(campaign.config.units)} 个{campaign.config.unit_label}、"
          f"{len(campaign.config.groups)} 个检查组、{len(campaign.rubric.criteria)} 条评分标准。")
    print(f"在 Excel 或 WPS 中修改后，用 python process.py templates --config {path} 生成模板。")
    return EXIT_OK


def cmd_new(args) -> int:
    from inspection.spec.campaign_folder import new_campaign

    folder, config = new_campaign(Path(args.name), Path(args.source) if args.source else None)
    print(f"已新建活动文件夹 {folder}：设置 {config.name}（复制自 {config.source}），空的 input 文件夹。")
    print(f"下一步：用记事本改 {config.path} 中的活动名称、轮次、日期和名单（或 python process.py setup --config "
          f"{config.path} --output {folder} 在 Excel 里设置），然后 python process.py templates --config {config.path}")
    return EXIT_OK


def cmd_history(args) -> int:
    path = Path(args.archive) if args.archive else default_archive(folder_of(args, "output", DEFAULT_OUTPUT_DIR))
    if not path.exists():
        print(f"找不到归档 {path}。运行 python process.py run 汇总后会自动建立。")
        return EXIT_OK
    conn = open_archive(path)
    try:
        rows = history(conn)
    finally:
        conn.close()
    print(f"归档：{path}")
    for line in history_lines(rows):
        print(line)
    return EXIT_OK


def campaign_folder(config: str) -> Path:
    """The campaign folder: where the settings file is. Its templates/, input/ and output/ (with the
    archive) are every command's defaults, so `--config D:/检查/2024燃气/检查活动设置.xlsx` alone works
    on that campaign; the default config.toml makes the current folder (the project's) the campaign."""
    return Path(config).parent


def folder_of(args, name: str, default: str) -> Path:
    """The folder an option names, else the campaign folder's own."""
    value = getattr(args, name, None)
    if value and not (args.command == "templates" and name == "output"):
        return Path(value)
    return campaign_folder(args.config) / default


def templates_folder(config_path: str, config) -> Path:
    """templates/{round}/ of the campaign folder: each round's blank forms apart from the last's."""
    return campaign_folder(config_path) / DEFAULT_TEMPLATES_DIR / config.round_folder


def check_templates_folder(folder: Path, config) -> str:
    """Refuse a folder holding another campaign's forms (two campaigns never mix); what is already
    there of this campaign is said, in Chinese ("" when the folder is new or empty)."""
    if not folder.is_dir():
        return ""
    found = meta_of_workbooks(folder)
    others = sorted({meta.get("campaign", "") for meta in found if meta.get("campaign") != config.campaign})
    if others:
        raise SetupError(f"文件夹 {folder} 里已有另一次检查（{'、'.join(others)}）的空白表格，本次检查（{config.campaign}）的"
                         "不能放在一起：请为本次检查新建活动文件夹（python process.py new 名称），或用 --output 换一个文件夹")
    if found:
        return f"（{folder} 里原有本次检查本轮的空白表格 {len(found)} 个，已按本次设置重新生成）"
    return ""


def meta_of_workbooks(folder: Path, sample: int = 12) -> list[dict]:
    """The `_meta` of the first workbooks in a folder (a folder of forms is one campaign's or another's)."""
    from inspection.intake.book import UnreadableFile, read_book
    from inspection.intake.meta import read_meta
    out = []
    for path in sorted(folder.glob("*.xlsx"))[:sample]:
        try:
            with read_book(path, path.read_bytes()) as book:
                meta = read_meta(book)
        except (OSError, UnreadableFile):
            continue
        if meta:
            out.append(meta)
    return out


def with_round(campaign, text: str):
    """The campaign run for another round than its settings say (recording an earlier round)."""
    from dataclasses import replace
    round_ = parse_round(text)
    if round_ is None:
        raise SetupError(f"--round “{text}”不是轮次。{ROUND_FORMS}")
    return replace(campaign, config=replace(campaign.config, round=round_, round_label=text))


def default_archive(output_dir: Path) -> Path:
    """Where the archive is, for every command: in the output folder of `run` (`--archive` aside)."""
    return output_dir / ARCHIVE_FILE


def exit_code(result: RunResult) -> int:
    """0: every expected return accepted; 1: the report was written but something is missing."""
    if result.files_with(REJECTED) or result.missing_units or result.rejected_units:
        return EXIT_PARTIAL
    return EXIT_OK


def print_summary(result: RunResult, unit_label: str, *, quiet: bool = False) -> None:
    if result.history_lost:
        print(f"注意：{result.history_lost}。")
    if quiet:
        print(f"排名汇总表：{result.output_path}，{draft_line(result, hint=False)}"
              f"（采用 {len(result.files_with(ACCEPTED))} 个文件，未采用 {len(result.files_with(REJECTED))} 个）。用时 {result.seconds:.1f} 秒。")
        return
    errors = sum(1 for f in result.findings if f.level == ERROR)
    warnings = sum(1 for f in result.findings if f.level == WARNING)
    print(f"收到 {result.files_summary()}。")
    ranked = [r for r in result.ranking if r.rank is not None]
    print(f"已排名 {len(ranked)} 个{unit_label}。", end="")
    if result.missing_units:
        print(f"未报送：{'、'.join(result.missing_units)}。", end="")
    if result.rejected_units:
        print(f"报送文件未通过校验：{'、'.join(result.rejected_units)}。", end="")
    print()
    for row in result.ranking:
        if row.why:
            print(f"  {row.unit}{row.status}：{row.why}")
    for info in result.files:
        if info.status in (REJECTED, UNREAD):
            print(f"  {info.status} {info.path}：{info.reason}")
    print(f"发现错误 {errors} 条、警告 {warnings} 条，逐条见汇总表的“校验报告”工作表。")
    print(f"排名汇总表：{result.output_path}")
    if result.comparison is not None:
        print(comparison_line(result, unit_label))
    print(reminder_line(result))
    print(draft_line(result))
    print(summary_line(result.sendback_folder, result.sendback_problem))
    if result.archive_path:
        print(f"归档：{result.archive_path}（{result.previous_round and f'上一轮 {result.previous_round}，' or ''}"
              f"隐患 {len(result.tracked)} 条跟踪中或已销号）")
    print(f"用时 {result.seconds:.1f} 秒。")


def comparison_line(result: RunResult, unit_label: str) -> str:
    """The summary's 自评与复核 line: the groups to warn about, each with what it did, or none."""
    warned = [g for g in result.comparison.warned if g.number is not None]
    if not warned:
        return "自评与复核：没有检查组复核发现少于自评或照搬自查（见“自评与复核”“检查组复核情况”）。"
    named = "；".join(f"{group_label(g.number, g.name)}{group_warning(g, unit_label, sep='，')}" for g in warned)
    return f"自评与复核：{len(warned)} 个检查组需要提醒——{named}（见“检查组复核情况”）。"


def reminder_line(result: RunResult) -> str:
    """The summary's 催报 line: how many returns are owed and by how many senders, and where the list is."""
    if not result.reminders:
        return "催报：应报的表格已全部收到并采用，无需催报。"
    senders = len({r.sender for r in result.reminders})
    return (f"催报：{len(result.reminders)} 份表格未收到或未采用，涉及 {senders} 个报送对象，"
            f"见汇总表的“催报清单”；可直接转发的催报消息在 {result.reminders_path}")


def draft_line(result: RunResult, *, hint: bool = True) -> str:
    """The bulletin draft (通报草稿_….docx) written beside the report, or why it was not."""
    if result.draft_path:
        return f"通报草稿：{result.draft_path}" + ("（【】中的内容请起草人填写）" if hint else "")
    return f"通报草稿未生成：{result.draft_problem or '没有汇总结果'}"


def cmd_demo(args) -> int:
    # Only the demo fills templates, so only it imports the fillers.
    from inspection.kinds.dispatch.demo import fill_dispatch_returns, fill_progress_returns
    from inspection.kinds.scoring.demo import fill_scoring_returns
    from inspection.kinds.self_assessment.demo import fill_self_returns

    campaign = _load(args.config)
    config, rubric = campaign.config, campaign.rubric
    templates = generate_templates(campaign, Path(args.templates) if args.templates
                                   else templates_folder(args.config, config), jobs=args.jobs)
    print(f"第一步：已生成 {len(templates.all)} 个空白表格，位于 {templates.folder}。")
    scratch = Path(args.input)
    output = folder_of(args, "output", DEFAULT_OUTPUT_DIR)
    _clear_scratch(scratch)
    # The demo leaves the last unit out and plants warnings in one two thirds down the list (羊山新区 and
    # 息县 in the default campaign), to show what the report says of each.
    missing, warned = config.units[-1], config.units[len(config.units) * 2 // 3]
    scoring = fill_scoring_returns(config, rubric, templates.scoring, scratch, skip_units=(missing,),
                                   warning_unit=warned)
    dispatch = fill_dispatch_returns(config, templates.dispatch, scratch)
    forms = {path: campaign.form_for(name) for name, path in templates.by_kind[PROGRESS.key]}
    wrong = config.departments[1] if len(config.departments) > 1 and config.progress_department_form else ""
    progress = fill_progress_returns(forms, scratch, report_day=config.inspection_end, wrong_reporter=wrong)
    own, planted = [], ""
    if config.uses_self_assessment:
        # Units' own forms: one unit sends none (固始县 by default); one group (that of 光山县) is planted
        # to copy part of its unit's self-check and to deduct less than the unit did itself.
        no_self, lenient = config.units[-2], config.units[len(config.units) // 3]
        own = fill_self_returns(config, rubric, templates.paths(SELF_SCORING), templates.paths(SELF_CHECK), scoring,
                                dispatch, scratch, lenient_unit=lenient, skip_units=(no_self,))
        group = config.group_for_unit(lenient)
        planted = (f"；{no_self}未报自评表，{f'第 {group.number} 组' if group else lenient}的复核照搬了{lenient}的部分自查内容、"
                   "扣分少于自评")
    filled = "、".join(f"{n} 份{what}" for n, what in ((len(scoring), "打分表"), (len(dispatch), "交办清单"),
                                                   (len(progress), "调度表"), (len(own), "自评表和自查问题清单")) if n)
    wrong_text = f"，{wrong}的调度表把一个数写成了“约……”" if wrong else ""
    print(f"第二步：模拟填好 {filled}，放在 {scratch}（故意缺少{missing}的打分表，{warned}的打分表带两处提醒"
          f"{wrong_text}{planted}）。")
    print(f"第三步：汇总（隐患是否逾期按报送截止日 {config.deadline:%Y-%m-%d} 判断）——")
    # The demo keeps its own archive, rebuilt each time, so it never mixes with a real one.
    archive = output / DEMO_ARCHIVE
    archive.unlink(missing_ok=True)
    result = run(campaign, scratch, output, as_of=config.deadline, archive=archive, jobs=args.jobs)
    print_summary(result, config.unit_label)
    print(f"演示完成。用 Excel 或 WPS 打开 {result.output_path} 查看排名、扣分原因和校验报告；"
          f"实际使用时把报回的表格放进 input 文件夹，运行 python process.py run。")
    return EXIT_OK


def _clear_scratch(folder: Path) -> None:
    """The demo's own scratch folder is rebuilt each time; nothing else is ever deleted."""
    if folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    tolerant_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SetupError as err:
        if args.verbose:
            traceback.print_exc()
        print(f"无法运行：{err}", file=sys.stderr)
        return EXIT_SETUP
    except KeyboardInterrupt:  # Ctrl+C in the .bat window: outputs are written whole or not at all
        print("已中断（Ctrl+C）。已写好的文件不受影响，未写完的不会留下；需要时请重新运行。", file=sys.stderr)
        return EXIT_SETUP
    except Exception as err:  # a bug, or a case nobody foresaw: one line here, the traceback in a file
        return crashed(args, err)


def tolerant_console() -> None:
    """A console that cannot show a character (an English Windows has cp1252 when output is
    redirected) shows "?" instead of ending the run with an error after the report is written."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError, OSError):  # not a text stream that can be reconfigured
            pass


def crashed(args, err: Exception) -> int:
    """Exit 2 with one Chinese line; the traceback goes into 错误记录_….txt in the output folder
    (the templates folder is sent to the groups, so `templates` logs into output/ too)."""
    trace = traceback.format_exc()
    if args.verbose:
        print(trace, file=sys.stderr, end="")
    what = " ".join(f"{type(err).__name__}: {err}".split())[:200]
    folder = folder_of(args, "output", DEFAULT_OUTPUT_DIR) if args.command in ("run", "demo", "templates", "history") \
        else Path(DEFAULT_OUTPUT_DIR)
    try:
        log = write_log(folder, log_name(datetime.now()), f"python process.py {args.command} 中途出错",
                        [(f"python process.py {args.command}", trace)])
    except OSError as log_err:
        print(f"程序出错：{what}（详细记录也无法保存：{log_err.strerror or log_err}）。"
              "请加 --verbose 重新运行，把显示的内容发给维护人员。", file=sys.stderr)
        return EXIT_SETUP
    print(f"程序出错：{what}，详细记录已保存到 {log}，请把它发给维护人员。", file=sys.stderr)
    return EXIT_SETUP
