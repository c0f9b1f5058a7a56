"""Small tables as plain ``rich.text.Text``: a title, a dim header and aligned columns.

Rich's ``Table`` measures and pads every cell on every render; the metrics screen redraws a
handful of small tables on each period change, and laying them out as text cut its repaint
(bench/bench_metrics.py). Cells are ``Text``, never markup: names come from outside.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text

GAP = 2  # spaces between columns


def _fit(cell: str, width: int, left: bool) -> str:
    pad = " " * max(width - cell_len(cell), 0)
    return cell + pad if left else pad + cell


def text_table(title: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> Text:
    """The first column left-aligned, the others right-aligned (they hold numbers)."""
    widths = [max(cell_len(str(c)) for c in col) for col in zip(head, *rows, strict=False)]
    text = Text(title + "\n", style="bold")
    for r, row in enumerate([head, *rows]):
        line = (" " * GAP).join(_fit(str(c), w, i == 0)
                                for i, (c, w) in enumerate(zip(row, widths, strict=False)))
        text.append(line.rstrip() + "\n", style="dim" if r == 0 else "")
    return text


def side_by_side(blocks: Sequence[Text], gap: int = 4) -> Text:
    """Blocks of lines next to each other, each as wide as its widest line."""
    split = [b.split("\n", allow_blank=True) for b in blocks]
    widths = [max((line.cell_len for line in lines), default=0) for lines in split]
    text = Text()
    for i in range(max(len(lines) for lines in split)):
        for lines, width in zip(split, widths, strict=True):
            line = lines[i].copy() if i < len(lines) else Text()
            line.pad_right(width - line.cell_len + gap)
            text.append_text(line)
        text.rstrip()
        text.append("\n")
    return text
