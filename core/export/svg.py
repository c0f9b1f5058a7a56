"""Charts as inline SVG for the HTML report: drawn from numbers we computed, so the only text
in them is ours (labels are still escaped), and they need no script, font or network.

Each chart is a fixed-size ``viewBox`` that scales with the page; colours come from CSS classes
the report's stylesheet defines, so a print or dark style can change them in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from html import escape

from core.metrics.queries import Bucket

WIDTH, HEIGHT = 640, 200  # the viewBox; the page scales it to its column
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 40, 24, 10
_LABELS = 8  # at most this many bucket labels under a chart: more would overlap


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            + "".join(body) + "</svg>")


def _label_every(n: int) -> int:
    return max(1, -(-n // _LABELS))


def bucket_label(bucket: Bucket, tz: tzinfo, hourly: bool) -> str:
    """A bucket's name under a chart: its hour for a day's chart, its date otherwise."""
    moment = datetime.fromtimestamp(bucket.start, tz)
    return moment.strftime("%H:%M") if hourly else moment.strftime("%d %b")


def volume_chart(series: Sequence[Bucket], labels: Sequence[str]) -> str:
    """Stacked bars per bucket: negative at the bottom, then neutral, then positive."""
    top = max((b.total for b in series), default=0) or 1
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(series), 1)
    body = [f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" '
            f'text-anchor="end">{top}</text>',
            f'<line class="base" x1="{PAD_LEFT}" y1="{HEIGHT - PAD_BOTTOM}" x2="{WIDTH}" '
            f'y2="{HEIGHT - PAD_BOTTOM}"/>']
    every = _label_every(len(series))
    for i, b in enumerate(series):
        x, y = PAD_LEFT + i * step, float(HEIGHT - PAD_BOTTOM)
        for part, n in (("neg", b.negative), ("neu", b.neutral), ("pos", b.positive)):
            h = plot_h * n / top
            if h > 0:
                y -= h
                body.append(f'<rect class="{part}" x="{x + 1:.1f}" y="{y:.1f}" '
                            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}"/>')
        if i % every == 0:
            body.append(f'<text class="axis" x="{x + step / 2:.1f}" y="{HEIGHT - 8}" '
                        f'text-anchor="middle">{escape(labels[i])}</text>')
    return _frame("Mentions over time by sentiment", body)


def sentiment_chart(series: Sequence[Bucket], labels: Sequence[str]) -> str:
    """Average sentiment per bucket (−1 to +1) as a line, broken where a bucket is empty."""
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    step = plot_w / max(len(series), 1)
    mid = PAD_TOP + plot_h / 2
    body = [f'<line class="base" x1="{PAD_LEFT}" y1="{mid}" x2="{WIDTH}" y2="{mid}"/>',
            f'<text class="axis" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end">+1</text>',
            f'<text class="axis" x="{PAD_LEFT - 4}" y="{HEIGHT - PAD_BOTTOM}" '
            'text-anchor="end">−1</text>']
    runs: list[list[str]] = [[]]
    for i, b in enumerate(series):
        if b.sentiment is None:
            runs.append([])
            continue
        x, y = PAD_LEFT + (i + 0.5) * step, mid - b.sentiment * plot_h / 2
        runs[-1].append(f"{x:.1f},{y:.1f}")
        body.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
    body += [f'<polyline class="line" points="{" ".join(r)}"/>' for r in runs if len(r) > 1]
    every = _label_every(len(series))
    body += [f'<text class="axis" x="{PAD_LEFT + (i + 0.5) * step:.1f}" y="{HEIGHT - 8}" '
             f'text-anchor="middle">{escape(labels[i])}</text>'
             for i in range(0, len(series), every)]
    return _frame("Average sentiment over time", body)


def share_chart(now: dict[str, float], before: dict[str, float]) -> str:
    """Horizontal bars per name: this period's share above, the previous period's below."""
    names = list(dict.fromkeys([*now, *before]))
    row, label_w = 34, 150
    height = max(row * len(names), row) + 6
    body = []
    for i, name in enumerate(names):
        y = i * row + 4
        body.append(f'<text class="name" x="{label_w - 6}" y="{y + 14}" '
                    f'text-anchor="end">{escape(name[:24])}</text>')
        for j, (part, value) in enumerate((("now", now.get(name, 0.0)),
                                           ("before", before.get(name, 0.0)))):
            w = (WIDTH - label_w - 60) * value
            body.append(f'<rect class="{part}" x="{label_w}" y="{y + j * 13}" '
                        f'width="{w:.1f}" height="11"/>')
            body.append(f'<text class="axis" x="{label_w + w + 4:.1f}" y="{y + j * 13 + 9}">'
                        f'{value * 100:.0f}%</text>')
    return _frame("Share of voice, this period and the previous", body, height)
