"""Charts as SVG written directly (no plotting library): horizontal bar charts that say what
they measure, for which period and from which source, and numbers written for people
("2.7 trillion tenge").

Bar labels are the figures' own labels, with the words every label of the chart shares cut
out and put in the chart's title instead, so that no label is written into the code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def number_for_people(value: float) -> str:
    """2700000000000 -> '2.7 trillion', 12345 -> '12,345', 3.10 -> '3.1'."""
    size = abs(value)
    for scale, word in _SCALES:
        if size >= scale:
            return f"{value / scale:,.3g} {word}".replace("e+", "e")
    if size >= 1000 and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def unit_for_people(unit: str, value: float) -> str:
    """A unit label in the plural when the number wants one ('US dollar' -> 'US dollars')."""
    if not unit or abs(value) == 1 or " per " in f" {unit} " or unit in ("tenge", "per cent") or unit.endswith("s"):
        return unit
    if unit == "person":
        return "people"
    if unit.endswith("y") and unit[-2:-1] not in "aeiou":
        return unit[:-1] + "ies"
    if unit.endswith(("x", "ch", "sh")):
        return unit + "es"
    return unit + "s"


def amount_for_people(value: float, unit: str = "", bound: str = "") -> str:
    """'more than 2.7 trillion tenge', '38 per cent', 'about 5.5 billion US dollars'."""
    words = [bound] if bound and bound != "exactly" else []
    words.append(number_for_people(value))
    shown = unit_for_people(unit, value)
    if shown:
        words.append(shown)
    return " ".join(words).replace("approximately ", "about ")


def when_for_people(text: str) -> str:
    """'2023-01' -> 'January 2023', '2024-08-29' -> '29 August 2024', '2020' -> '2020'."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if not match:
        return text
    year, month, day = match.groups()
    month_name = _MONTHS[int(month) - 1] if 1 <= int(month) <= 12 else month
    return f"{int(day)} {month_name} {year}" if day else f"{month_name} {year}"


def period_for_people(start: str, end: str) -> str:
    if start and end:
        return f"{when_for_people(start)} – {when_for_people(end)}"
    return when_for_people(start or end)


def shared_words(labels: list[str]) -> tuple[str, list[str], str]:
    """The words every label starts with, what is left of each, and the words every label ends with."""
    if len(labels) < 2:
        return "", labels, ""
    split = [label.split() for label in labels]
    head = 0
    while all(len(words) > head for words in split) and len({words[head] for words in split}) == 1:
        head += 1
    tail = 0
    while (all(len(words) > head + tail for words in split)
           and len({words[len(words) - 1 - tail] for words in split}) == 1):
        tail += 1
    middles = [" ".join(words[head:len(words) - tail]) for words in split]
    prefix = " ".join(split[0][:head])
    suffix = " ".join(split[0][len(split[0]) - tail:]) if tail else ""
    return prefix, middles, suffix


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it, with unit and bound


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(title: str, bars: list[Bar], caption: str, ident: str) -> str:
    """A <figure> with an SVG horizontal bar chart, a text alternative and a caption."""
    if not bars:
        return f"<p>{html.escape(title)}: no figures in the data.</p>"
    label_width, chart_width, row = 250, 330, 34
    wrapped = [_wrap(b.label, 32)[:3] for b in bars]
    heights = [max(row, 16 * len(lines) + 12) for lines in wrapped]
    total = sum(heights) + 20
    top = max(b.value for b in bars)
    low = min(0.0, min(b.value for b in bars))
    span = (top - low) or 1.0
    zero = label_width + chart_width * (-low / span)
    parts = []
    y = 10
    for bar, lines, h in zip(bars, wrapped, heights, strict=True):
        x0 = label_width + chart_width * ((min(bar.value, 0) - low) / span)
        w = max(1.0, chart_width * abs(bar.value) / span)
        text_y = y + h / 2 - 8 * (len(lines) - 1) + 4
        tspans = "".join(f'<tspan x="{label_width - 8}" dy="{0 if i == 0 else 16}">{html.escape(t)}</tspan>'
                         for i, t in enumerate(lines))
        parts.append(f'<text y="{text_y:.0f}" text-anchor="end" class="bar-label">{tspans}</text>')
        parts.append(f'<rect x="{x0:.1f}" y="{y + 6}" width="{w:.1f}" height="{h - 12}" class="bar"/>')
        # A negative bar's value goes right of the zero line, where its row is empty, so it never
        # runs into the row's label on the left.
        value_x = x0 + w + 6 if bar.value >= 0 else zero + 6
        anchor = "start"
        parts.append(f'<text x="{value_x:.1f}" y="{y + h / 2 + 4:.0f}" text-anchor="{anchor}" class="bar-value">'
                     f'{html.escape(bar.text)}</text>')
        y += h
    parts.append(f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="6" y2="{total - 8}" class="axis"/>')
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    width = label_width + chart_width + 170
    svg = (f'<svg viewBox="0 0 {width} {total}" width="{width}" height="{total}" role="img" '
           f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
           f'<title id="{ident}-title">{html.escape(title)}</title><desc id="{ident}-desc">{html.escape(desc)}</desc>'
           '<style>.bar{fill:#2f6db3}.bar-label,.bar-value{font:13px system-ui,sans-serif;fill:#1b1b1b}'
           '.axis{stroke:#1b1b1b;stroke-width:1}</style>' + "".join(parts) + "</svg>")
    return (f'<figure class="chart" id="{ident}"><h3>{html.escape(title)}</h3>{svg}'
            f"<figcaption>{caption}</figcaption></figure>")
