"""Charts of the outcome report as SVG text, for the PDF (the page draws the same figures with
ECharts in the browser). WeasyPrint renders this SVG with the report's embedded CJK font."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "Source Han Sans SC"
PALETTE = ("#0b6e6e", "#d9822b", "#3b6fb6", "#8a5fbf", "#c44e52", "#55a868", "#937860")


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    value: float


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="#222">{escape(text)}</text>'
    )


def bar_chart(rows: Sequence[tuple[str, float]], *, width: int = 640, bar: int = 22) -> str:
    """Horizontal bars with their labels on the left and values on the right."""
    label_width = 200
    height = max(1, len(rows)) * (bar + 10) + 10
    top = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for i, (label, value) in enumerate(rows):
        y = 10 + i * (bar + 10)
        length = (width - label_width - 80) * value / top
        parts.append(_text(label_width - 8, y + bar * 0.7, label, anchor="end"))
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" rx="3" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(_text(label_width + length + 6, y + bar * 0.7, f"{value:,.0f}"))
    parts.append("</svg>")
    return "".join(parts)


def sankey(links: Sequence[Link], *, width: int = 640, height: int = 260) -> str:
    """Two columns (sources left, targets right) joined by bands whose width is the value."""
    links = [link for link in links if link.value > 0]
    if not links:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20"></svg>'
    sources = list(dict.fromkeys(link.source for link in links))
    targets = list(dict.fromkeys(link.target for link in links))
    total = sum(link.value for link in links)
    gap = 12
    node_width = 14
    label_room = 170
    usable = height - gap * (max(len(sources), len(targets)) + 1)
    scale = usable / total

    def layout(names: list[str], side: str) -> dict[str, list[float]]:
        y = float(gap)
        placed: dict[str, list[float]] = {}
        for name in names:
            size = sum(
                link.value
                for link in links
                if (link.source if side == "s" else link.target) == name
            )
            placed[name] = [y, size * scale, y]  # top, height, cursor for the next band
            y += size * scale + gap
        return placed

    left, right = layout(sources, "s"), layout(targets, "t")
    x0, x1 = label_room, width - label_room
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for link in links:
        band = link.value * scale
        sy, ty = left[link.source][2], right[link.target][2]
        left[link.source][2] += band
        right[link.target][2] += band
        mid = (x0 + node_width + x1) / 2
        colour = PALETTE[sources.index(link.source) % len(PALETTE)]
        parts.append(
            f'<path d="M{x0 + node_width},{sy:.1f} C{mid},{sy:.1f} {mid},{ty:.1f} {x1},{ty:.1f} '
            f"L{x1},{ty + band:.1f} C{mid},{ty + band:.1f} {mid},{sy + band:.1f} "
            f'{x0 + node_width},{sy + band:.1f} Z" fill="{colour}" fill-opacity="0.35"/>'
        )
    for i, name in enumerate(sources):
        top, size, _ = left[name]
        parts.append(
            f'<rect x="{x0}" y="{top:.1f}" width="{node_width}" height="{size:.1f}" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(_text(x0 - 6, top + size / 2 + 4, name, anchor="end"))
    for name in targets:
        top, size, _ = right[name]
        parts.append(
            f'<rect x="{x1}" y="{top:.1f}" width="{node_width}" height="{size:.1f}" fill="#555"/>'
        )
        parts.append(_text(x1 + node_width + 6, top + size / 2 + 4, name))
    parts.append("</svg>")
    return "".join(parts)
