"""Command line: parse arguments, call the stage, print a Chinese summary, return the exit code."""

import argparse
import sys
import traceback
from pathlib import Path

from inspection import __version__
from inspection.constants import DEFAULT_CONFIG, DEFAULT_INPUT_DIR, DEFAULT_OUTPUT_DIR, DEFAULT_TEMPLATES_DIR
from inspection.errors import SetupError
from inspection.templates import generate_templates, load_campaign

EXIT_OK, EXIT_PARTIAL, EXIT_SETUP = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python process.py",
        description="安全生产检查打分汇总工具：生成空白模板，汇总各组报回的表格，生成排名通报。",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=DEFAULT_CONFIG, metavar="PATH", help="配置文件（默认 config.toml）")
    common.add_argument("--verbose", action="store_true", help="出错时显示完整的程序调用栈")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    p = sub.add_parser("templates", parents=[common], help="生成本次检查要发出的全部空白表格",
                       description="按配置文件生成全部空白表格：每个检查组一份打分表和交办清单，"
                                   "每个被检查单位和部门一份调度表。")
    p.add_argument("--output", default=DEFAULT_TEMPLATES_DIR, metavar="DIR", help="模板输出目录（默认 templates）")
    p.set_defaults(handler=cmd_templates)
    return parser


def cmd_templates(args) -> int:
    config, rubric = load_campaign(Path(args.config))
    result = generate_templates(config, rubric, Path(args.output))
    print(f"已生成 {len(result.all)} 个空白表格，位于 {result.folder}{'/' if not str(result.folder).endswith('/') else ''}：")
    print(f"  打分表 {len(result.scoring)} 份、交办清单 {len(result.dispatch)} 份（每个检查组各一份）")
    print(f"  {config.unit_label}调度表 {len(result.progress_units)} 份、部门调度表 {len(result.progress_departments)} 份")
    print(f"考评细则：{rubric.name}（{len(rubric.items)} 项细则、{len(rubric.criteria)} 条评分标准，"
          f"满分 {rubric.total} 分）。用时 {result.seconds:.1f} 秒。")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SetupError as err:
        if args.verbose:
            traceback.print_exc()
        print(f"无法运行：{err}", file=sys.stderr)
        return EXIT_SETUP
