"""The PDF's SVG charts: labels wrap inside the room beside the chart instead of running off it
(seen on the Japanese report, whose cluster names are long)."""

from __future__ import annotations

import re

from clusterlink.reports.svg import Link, bar_chart, sankey, text_width, wrap


def test_text_width_counts_wide_characters_as_the_font_size() -> None:
    assert text_width("買い手", 11) == 33
    assert text_width("abc", 10) == 18


def test_node_label_breaks_at_the_dot_then_by_width() -> None:
    assert wrap("泉州・晋江靴産業クラスター · 買い手", 158) == [
        "泉州・晋江靴産業クラスター",
        "買い手",
    ]
    assert wrap("Xiaobeihe Hosiery Cluster · suppliers", 120) == [
        "Xiaobeihe Hosiery",
        "Cluster",
        "suppliers",
    ]
    assert wrap("小北河袜业集群产业园区服务中心", 44) == [
        "小北河袜",
        "业集群产",
        "业园区服",
        "务中心",
    ]


def test_a_word_wider_than_the_room_keeps_a_line_to_itself() -> None:
    assert wrap("E-commerce-platform-cooperation x", 30) == ["E-commerce-platform-cooperation", "x"]


def _text_lines(svg: str) -> list[tuple[float, str, str]]:
    return [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" [^>]*text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg
        )
    ]


def test_sankey_labels_stay_inside_the_drawing() -> None:
    width = 640
    drawn = sankey(
        [
            Link("泉州・晋江靴産業クラスター · 買い手", "莆田靴産業クラスター · 供給側", 299.7),
            Link("泉州・晋江靴産業クラスター · 買い手", "小北河靴下産業クラスター · 供給側", 20.0),
        ],
        width=width,
    )
    lines = _text_lines(drawn)
    assert [text for _, _, text in lines] == [
        "泉州・晋江靴産業クラスター",
        "買い手",
        "莆田靴産業クラスター",
        "供給側",
        "小北河靴下産業クラスター",
        "供給側",
    ]
    for x, anchor, text in lines:
        left, right = (x - text_width(text), x) if anchor == "end" else (x, x + text_width(text))
        assert left >= 0 and right <= width, text


def test_bar_chart_rows_grow_with_wrapped_labels() -> None:
    one_line = bar_chart([("Order purchasing", 4)])
    two_lines = bar_chart([("E-commerce platform cooperation with a long name", 4)])
    height = re.compile(r'height="(\d+)"')
    assert (int(height.findall(one_line)[0]), int(height.findall(two_lines)[0])) == (42, 52)
    texts = [t for _, _, t in _text_lines(two_lines)]
    assert texts == ["E-commerce platform", "cooperation with a long name", "4"]
