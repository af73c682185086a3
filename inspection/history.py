"""`process.py history`: the rounds in the archive and, per round, the units and files recorded."""

from itertools import groupby

from inspection.kinds import KINDS, NAMES as KIND_NAMES

KIND_ORDER = tuple(k.key for k in KINDS)


def history_lines(rows: list[tuple]) -> list[str]:
    """rows as archive.query.history gives them; Chinese lines for a terminal."""
    if not rows:
        return ["归档中还没有记录。运行 python process.py run 汇总后，每份采用的文件都会记入归档。"]
    lines = []
    for campaign, in_campaign in groupby(rows, key=lambda r: r[0]):
        in_campaign = list(in_campaign)
        rounds = sorted({r[1] for r in in_campaign})
        lines.append(f"{campaign}：共 {len(rounds)} 轮（{'、'.join(rounds)}）")
        for round_, in_round in groupby(in_campaign, key=lambda r: r[1]):
            in_round = list(in_round)
            current = [r for r in in_round if r[7] is None]
            counts = "、".join(f"{KIND_NAMES.get(kind, kind)} {sum(1 for r in current if r[2] == kind)} 份"
                               for kind in KIND_ORDER if any(r[2] == kind for r in current))
            lines.append(f"  {round_}：{counts or '无'}")
            for kind in KIND_ORDER:
                mine = sorted((r for r in current if r[2] == kind), key=lambda r: r[3])
                if mine:
                    lines.append(f"    {KIND_NAMES.get(kind, kind)}：")
                    lines.extend(f"      {r[3]}\t{r[4]}\t{_when(r[6])} 记录\tSHA-256 {r[5][:12]}…" for r in mine)
            for r in (r for r in in_round if r[7] is not None):
                lines.append(f"    已被更正替换：{r[3]} 的{KIND_NAMES.get(r[2], r[2])} {r[4]}"
                             f"（{_when(r[6])} 记录，{_when(r[7])} 替换）")
    return lines


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")
