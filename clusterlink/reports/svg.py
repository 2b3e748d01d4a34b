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


def _is_wide(char: str) -> bool:
    """CJK ideographs, kana, full-width forms: as wide as the font size."""
    return ord(char) >= 0x2E80


def text_width(text: str, size: int = 11) -> float:
    """An estimate of the drawn width (SVG text does not wrap or measure itself): wide
    characters take the font size, others about 0.6 of it."""
    return sum(size if _is_wide(c) else size * 0.6 for c in text)


def _tokens(text: str) -> list[str]:
    """Breakable pieces: one wide character each, or a run of narrow ones (a word)."""
    pieces: list[str] = []
    word = ""
    for char in text:
        if _is_wide(char) or char == " ":
            if word:
                pieces.append(word)
                word = ""
            pieces.append(char)
        else:
            word += char
    if word:
        pieces.append(word)
    return pieces


def wrap(text: str, room: float, *, size: int = 11) -> list[str]:
    """`text` in lines no wider than `room` (a word wider than the room keeps a line to itself).
    A node label "cluster · side" breaks at the dot first, so the side reads on its own line."""
    lines: list[str] = []
    for part in text.split(" · "):
        line = ""
        for piece in _tokens(part.strip()):
            if line and text_width(line + piece, size) > room:
                lines.append(line.rstrip())
                line = "" if piece == " " else piece
            else:
                line += piece
        if line.strip():
            lines.append(line.strip())
    return lines or [""]


def _lines(
    x: float, middle: float, lines: list[str], *, size: int = 11, anchor: str = "start"
) -> str:
    """Lines of text centred vertically on `middle`."""
    step = size * 1.25
    first = middle - step * (len(lines) - 1) / 2 + size * 0.35
    return "".join(
        _text(x, first + i * step, line, size=size, anchor=anchor) for i, line in enumerate(lines)
    )


def bar_chart(rows: Sequence[tuple[str, float]], *, width: int = 640, bar: int = 22) -> str:
    """Horizontal bars with their labels (wrapped) on the left and values on the right."""
    label_width = 200
    labels = [wrap(label, label_width - 12) for label, _ in rows]
    heights = [max(bar, round(len(lines) * 11 * 1.25) + 4) for lines in labels]
    height = sum(h + 10 for h in heights) + 10 if rows else bar + 20
    top = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    y = 10
    for i, ((_label, value), lines, row_height) in enumerate(
        zip(rows, labels, heights, strict=True)
    ):
        middle = y + row_height / 2
        length = (width - label_width - 80) * value / top
        parts.append(_lines(label_width - 8, middle, lines, anchor="end"))
        parts.append(
            f'<rect x="{label_width}" y="{middle - bar / 2:.1f}" width="{length:.1f}" '
            f'height="{bar}" rx="3" fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(_text(label_width + length + 6, middle + 4, f"{value:,.0f}"))
        y += row_height + 10
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
        parts.append(_lines(x0 - 6, top + size / 2, wrap(name, label_room - 12), anchor="end"))
    for name in targets:
        top, size, _ = right[name]
        parts.append(
            f'<rect x="{x1}" y="{top:.1f}" width="{node_width}" height="{size:.1f}" fill="#555"/>'
        )
        parts.append(_lines(x1 + node_width + 6, top + size / 2, wrap(name, label_room - 26)))
    parts.append("</svg>")
    return "".join(parts)
