"""quality.html: the quality report as one self-contained page.

No script, no stylesheet, font or image from anywhere: inline CSS and inline
SVG charts only, so the page opens from a CI artifact or a file:// URL with no
network and leaks nothing when it does. Every name in it comes from the
checked project (paths, package and rule names, suppression reasons), so each
is escaped (`esc`) wherever it lands, in text and in attributes alike.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TextIO

from guardrails.quality import FORMULA, HeatMap, PackageScore, Quality, RuleCount, TrendPoint
from guardrails.report import printable

SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1c2833;
background:#f8f9f9}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #d5d8dc;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;background:#fff;margin:8px 0}
th,td{border:1px solid #d5d8dc;padding:4px 8px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.expired{color:#c0392b;font-weight:bold}
code{background:#eaeded;padding:1px 4px;border-radius:3px}
svg{background:#fff;border:1px solid #d5d8dc;border-radius:6px;max-width:100%;height:auto}
svg text{font:12px system-ui,sans-serif;fill:#1c2833}
.muted{color:#566573}
"""


def esc(value: object) -> str:
    """`value` as inert HTML text or attribute value, on one line."""
    return html.escape(printable(str(value)), quote=True)


def shown_score(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _label(value: str, limit: int = 28) -> str:
    """A chart label: long names shortened (the full name is in the element's title)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _heat_colour(count: int, largest: int) -> str:
    if not count:
        return "#f4f6f6"
    share = count / largest if largest else 0.0
    green = int(235 - 175 * share)
    blue = int(200 - 160 * share)
    return f"rgb(250,{green},{blue})"


def heat_svg(heat: HeatMap, ident: str) -> str:
    """A grid: one row per category, one column per package (or layer), the count in each cell."""
    if not heat.cells:
        return '<p class="muted">No findings.</p>'
    cell_w, cell_h = 56, 30
    left = 12 + 7 * max(len(_label(r)) for r in heat.rows)
    top = 16 + 7 * max(len(_label(c)) for c in heat.columns)
    width = left + cell_w * len(heat.columns) + 12
    height = top + cell_h * len(heat.rows) + 12
    parts = [
        f'<svg id="{ident}" role="img" aria-label="{esc(heat.title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, column in enumerate(heat.columns):
        x = left + i * cell_w + cell_w // 2
        parts.append(
            f'<text class="column" transform="translate({x},{top - 6}) rotate(-45)">'
            f"<title>{esc(column)}</title>{esc(_label(column))}</text>"
        )
    for j, row in enumerate(heat.rows):
        y = top + j * cell_h
        parts.append(
            f'<text class="row" x="{left - 8}" y="{y + cell_h // 2 + 4}" text-anchor="end">'
            f"<title>{esc(row)}</title>{esc(_label(row))}</text>"
        )
        for i, column in enumerate(heat.columns):
            count = heat.count(row, column)
            x = left + i * cell_w
            parts.append(
                f'<g class="cell" data-row="{esc(row)}" data-column="{esc(column)}" '
                f'data-count="{count}"><title>{esc(row)} x {esc(column)}: {count}</title>'
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{_heat_colour(count, heat.largest)}"/>'
                f'<text x="{x + cell_w // 2 - 1}" y="{y + cell_h // 2 + 4}" '
                f'text-anchor="middle">{count or ""}</text></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(ident: str, title: str, items: Sequence[tuple[str, float, str, str]]) -> str:
    """Horizontal bars: (label, value, value as shown, colour) each."""
    if not items:
        return '<p class="muted">Nothing to show.</p>'
    left = 12 + 7 * max(len(_label(label)) for label, *_ in items)
    bar_h, span = 22, 420
    largest = max((value for _, value, *_ in items), default=0) or 1
    width, height = left + span + 80, 12 + bar_h * len(items)
    parts = [
        f'<svg id="{ident}" role="img" aria-label="{esc(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (label, value, shown, colour) in enumerate(items):
        y = 6 + i * bar_h
        length = max(1, round(span * value / largest)) if value else 0
        parts.append(
            f'<g class="bar" data-label="{esc(label)}" data-value="{esc(shown)}">'
            f"<title>{esc(label)}: {esc(shown)}</title>"
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{esc(_label(label))}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{length}" height="{bar_h - 6}" fill="{colour}"/>'
            f'<text x="{left + length + 6}" y="{y + 15}">{esc(shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(points: Sequence[TrendPoint]) -> str:
    """Findings per stored result, oldest first, this run last: a line with its points."""
    width, height, pad = 720, 220, 40
    largest = max((p.total for p in points), default=0) or 1
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def at(i: int, total: int) -> tuple[float, float]:
        return pad + i * step, height - pad - (height - 2 * pad) * total / largest

    coords = [at(i, p.total) for i, p in enumerate(points)]
    parts = [
        f'<svg id="trend-chart" role="img" aria-label="Findings over time" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="#aab7b8"/>',
        f'<text x="{pad - 6}" y="{pad + 4}" text-anchor="end">{largest}</text>',
        f'<text x="{pad - 6}" y="{height - pad + 4}" text-anchor="end">0</text>',
    ]
    if len(coords) > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#2e86c1" stroke-width="2"/>')
    for (x, y), point in zip(coords, points, strict=True):
        parts.append(
            f'<g class="point" data-label="{esc(point.label)}" data-total="{point.total}">'
            f"<title>{esc(point.label)}: {point.total}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#2e86c1"/>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" text-anchor="middle">{point.total}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _package_rows(packages: Sequence[PackageScore]) -> str:
    return "".join(
        f'<tr data-package="{esc(p.name)}"><td>{esc(p.name)}</td>'
        f'<td class="n score">{shown_score(p.score)}</td>'
        f'<td class="n findings">{p.findings}</td>'
        + "".join(f'<td class="n">{p.by_severity.get(s, 0)}</td>' for s in SEVERITY_COLOURS)
        + f'<td class="n">{p.files}</td><td class="n">{p.lines}</td></tr>'
        for p in packages
    )


def _rule_rows(rules: Sequence[RuleCount]) -> str:
    return "".join(
        f'<tr data-rule="{esc(r.rule_id)}"><td><code>{esc(r.rule_id)}</code></td>'
        f"<td>{esc(r.name)}</td><td>{esc(r.category)}</td><td>{esc(r.severity)}</td>"
        f'<td class="n count">{r.count}</td></tr>'
        for r in rules
    )


def _category_rows(by_category: dict[str, int]) -> str:
    return "".join(
        f'<tr data-category="{esc(name)}"><td>{esc(name)}</td><td class="n count">{n}</td></tr>'
        for name, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def _baseline(q: Quality) -> str:
    if q.baseline is None:
        return '<p id="baseline">No baseline configured.</p>'
    if q.baseline.entries is None:
        return (
            f'<p id="baseline"><code>{esc(q.baseline.path)}</code>: '
            f"{esc(q.baseline.problem or 'unreadable')}</p>"
        )
    return (
        f'<p id="baseline"><code>{esc(q.baseline.path)}</code>: '
        f'<b class="entries">{q.baseline.entries}</b> entries; this run '
        f"{q.baseline_hidden} findings hidden by it, {q.baseline_stale} entries stale.</p>"
    )


def _suppressions(q: Quality) -> str:
    if not q.suppressions:
        return '<p id="suppressions">No suppression comments.</p>'
    expired = sum(1 for s in q.suppressions if s.expired)
    rows = "".join(
        f"<tr{' class=expired' if s.expired else ''}><td>{esc(s.path)}:{s.line}</td>"
        f"<td>{esc(', '.join(s.ids))}</td>"
        f"<td>{esc(s.until) if s.until else '-'}"
        f"{' <span class=expired>expired</span>' if s.expired else ''}</td>"
        f"<td>{esc(s.reason)}</td></tr>"
        for s in q.suppressions
    )
    return (
        f"<p>{len(q.suppressions)} suppression comments, {expired} expired.</p>"
        '<table id="suppressions"><tr><th>where</th><th>rules</th><th>until</th>'
        f"<th>reason</th></tr>{rows}</table>"
    )


def render(quality: Quality, out: TextIO) -> None:
    """Write quality.html."""
    q = quality
    cards = [
        ("total", "findings", str(q.total)),
        ("score", "score", shown_score(q.score)),
        ("weighted", "weighted findings", str(q.weighted)),
        ("files", "files", str(q.files)),
        ("lines", "lines", str(q.lines)),
        *((f"severity-{s}", s, str(n)) for s, n in q.by_severity.items()),
    ]
    card_html = "".join(
        f'<div class="card"><b id="{ident}">{value}</b>{label}</div>'
        for ident, label, value in cards
    )
    scored = [p for p in q.packages if p.score is not None]
    package_bars = bars_svg(
        "package-chart",
        "Score per package",
        [(p.name, p.score or 0.0, shown_score(p.score), "#884ea0") for p in scored],
    )
    rule_bars = bars_svg(
        "rule-chart",
        "Top rules",
        [
            (
                f"{r.rule_id} {r.name}",
                r.count,
                str(r.count),
                SEVERITY_COLOURS.get(r.severity, "#566573"),
            )
            for r in q.rules[:10]
        ],
    )
    layers = ""
    if q.layers is not None:
        layers = f"<h2>{esc(q.layers.title)}</h2>{heat_svg(q.layers, 'layer-heatmap')}"
    trend_rows = "".join(
        f'<tr data-label="{esc(p.label)}"><td>{esc(p.label)}</td><td class="n">{p.total}</td>'
        + "".join(f'<td class="n">{p.by_severity.get(s, 0)}</td>' for s in SEVERITY_COLOURS)
        + "</tr>"
        for p in q.trend
    )
    out.write(
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # nothing may load: a page opened from an artifact must not reach out
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>guardrails quality report</title><style>{STYLE}</style></head><body><main>\n"
        "<h1>guardrails quality report</h1>"
        f'<p class="muted">guardrails {esc(q.version)}, {esc(q.today)}</p>'
        f'<div class="cards">{card_html}</div>'
        f'<p id="formula">Score: <code>{esc(FORMULA)}</code> — severity-weighted findings '
        "per 1,000 checked lines; lower is better, 0 is clean.</p>\n"
        f"<h2>{esc(q.heat.title)}</h2>{heat_svg(q.heat, 'heatmap')}\n{layers}\n"
        '<h2>Findings by category</h2><table id="categories"><tr><th>category</th>'
        f'<th class="n">findings</th></tr>{_category_rows(q.by_category)}</table>\n'
        f"<h2>Score per package</h2>{package_bars}"
        '<table id="packages"><tr><th>package</th><th class="n">score</th>'
        '<th class="n">findings</th><th class="n">error</th><th class="n">warning</th>'
        '<th class="n">info</th><th class="n">files</th><th class="n">lines</th></tr>'
        f"{_package_rows(q.packages)}</table>\n"
        f"<h2>Top rules</h2>{rule_bars}"
        '<table id="rules"><tr><th>rule</th><th>name</th><th>category</th><th>severity</th>'
        f'<th class="n">findings</th></tr>{_rule_rows(q.rules)}</table>\n'
        f"<h2>Baseline</h2>{_baseline(q)}\n"
        f"<h2>Suppressions</h2>{_suppressions(q)}\n"
        f"<h2>Trend</h2>{trend_svg(q.trend)}"
        '<table id="trend"><tr><th>result</th><th class="n">findings</th><th class="n">error</th>'
        f'<th class="n">warning</th><th class="n">info</th></tr>{trend_rows}</table>\n'
        "</main></body></html>\n"
    )
