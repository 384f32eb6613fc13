"""Small server-side SVG charts (bars and lines) for pages and PDFs: no JavaScript, no
inline styles (CSP), presentation attributes only, so WeasyPrint draws them as is."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f6feb", "#d97706", "#15803d", "#b91c1c", "#7c3aed", "#0e7490")
INK, GRID, GOAL = "#374151", "#d1d5db", "#b91c1c"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _text(x, y, text, *, anchor="middle", size=11, fill=INK, weight="normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'font-family="DejaVu Sans, sans-serif" fill="{fill}" font-weight="{weight}">'
            f"{escape(str(text))}</text>")  # fmt: skip


def _svg(width, height, body: list[str], title: str) -> SafeString:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>")  # fmt: skip
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 -- every text is escaped


def bar_chart(labels: list[str], series: list[Series], *, title: str, fmt=str,
              goal_line: float | None = None, width=640, height=260) -> SafeString:  # fmt: skip
    """Grouped vertical bars, one group per label; ``fmt`` writes the value labels."""
    left, right, top, bottom = 10, 10, 28, 46
    values = [v for s in series for v in s.values if v is not None]
    peak = max([*values, goal_line or 0, 0]) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    body = [_text(width / 2, 16, title, size=13, weight="bold")]
    base = top + plot_h
    body.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
                f'stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
    for i, label in enumerate(labels):
        x0 = left + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            h = plot_h * max(value, 0) / peak
            x = x0 + j * bar_w
            body.append(f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w * 0.92:.1f}" '
                        f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"/>')  # fmt: skip
            body.append(_text(x + bar_w * 0.46, base - h - 3, fmt(value), size=9))
        body.append(_text(left + (i + 0.5) * group_w, base + 14, label[:22], size=10))
    if goal_line is not None:
        y = base - plot_h * goal_line / peak
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                    f'stroke="{GOAL}" stroke-width="1.5" stroke-dasharray="6 4"/>')  # fmt: skip
    body += _legend(series, height - 12, width)
    return _svg(width, height, body, title)


def line_chart(labels: list[str], series: list[Series], *, title: str, fmt=str,
               width=640, height=240) -> SafeString:  # fmt: skip
    """Lines over ``labels`` (e.g. the last six month ends); gaps where a value is None."""
    left, right, top, bottom = 40, 16, 28, 46
    values = [v for s in series for v in s.values if v is not None]
    low, high = min([*values, 0]), max([*values, 0]) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def y_of(v: float) -> float:
        return top + plot_h - plot_h * (v - low) / ((high - low) or 1)

    body = [_text(width / 2, 16, title, size=13, weight="bold")]
    for fraction in (0, 0.5, 1):
        v = low + (high - low) * fraction
        body.append(f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{width - right}" '
                    f'y2="{y_of(v):.1f}" stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
        body.append(_text(left - 4, y_of(v) + 4, fmt(v), anchor="end", size=9))
    for i, label in enumerate(labels):
        body.append(_text(left + i * step, top + plot_h + 14, label, size=10))
    for j, s in enumerate(series):
        color = PALETTE[j % len(PALETTE)]
        points = [(left + i * step, y_of(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                        f'stroke-width="2"/>')  # fmt: skip
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points]
    body += _legend(series, height - 12, width)
    return _svg(width, height, body, title)


def sparkline(values: list[float | None], *, title: str, width=120, height=28) -> SafeString:
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if not points:
        return _svg(width, height, [], title)
    low, high = min(v for _, v in points), max(v for _, v in points)
    step = (width - 6) / max(len(values) - 1, 1)
    coords = [(3 + i * step, height - 3 - (height - 6) * ((v - low) / ((high - low) or 1)))
              for i, v in points]  # fmt: skip
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    x, y = coords[-1]
    body = [f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/>',
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{PALETTE[0]}"/>']  # fmt: skip
    return _svg(width, height, body, title)


def _legend(series: list[Series], y: float, width: float) -> list[str]:
    if len(series) < 2:
        return []
    parts, x = [], width / 2 - 130 * len(series) / 2
    for j, s in enumerate(series):
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" '
                     f'fill="{PALETTE[j % len(PALETTE)]}"/>')  # fmt: skip
        parts.append(_text(x + 14, y, s.name[:26], anchor="start", size=10))
        x += 130
    return parts
