from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from reports.dashboard.charts import Series, bar_chart


def test_bar_chart_is_valid_svg_with_escaped_labels() -> None:
    svg = bar_chart(["第1责任区", "<b>x</b>"], [Series("覆盖率", [0.5, 1.0])], title="走访覆盖率", percent=True)
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag.endswith("svg")
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "走访覆盖率" in texts and "<b>x</b>" in texts and "100%" in texts
    rects = list(root.iter("{http://www.w3.org/2000/svg}rect"))
    heights = sorted(float(r.get("height", 0)) for r in rects)
    assert heights[-1] == 2 * heights[-2]  # 100% is twice 50%


def test_palette_gives_distinct_colours_readable_on_white() -> None:
    from reports.dashboard.charts import contrast_on_white, palette

    colours = palette(30)
    assert len(set(colours)) == 30
    assert all(contrast_on_white(c) >= 3.0 for c in colours), [(c, contrast_on_white(c)) for c in colours]
    assert contrast_on_white("#ffffff") == 1.0 and contrast_on_white("#000000") == 21.0


def test_dashboard_option_colours_each_series_and_keeps_the_legend_off_the_bars() -> None:
    from reports.dashboard.panels import bar_option

    series = {f"类别{i}": [i, i + 1] for i in range(9)}
    option = bar_option(["2026-10", "2026-11"], series)
    assert len(set(option["color"])) == 9
    assert option["legend"]["type"] == "scroll" and option["legend"]["top"] == 0
    assert option["grid"]["top"] >= 40


def test_svg_legend_items_never_overlap() -> None:
    names = ["作业过多", "违规补课", "有偿家教", "乱收费", "择校考试", "重点班", "体罚学生", "其他问题很长的名字"]
    svg = bar_chart(["1月", "2月"], [Series(n, [1, 2]) for n in names], width=400)
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    ns = "{http://www.w3.org/2000/svg}"
    height = float(root.get("height", 0))
    swatches = [r for r in root.iter(f"{ns}rect") if r.get("height") == "8"]
    assert len(swatches) == len(names) and len({r.get("fill") for r in swatches}) == len(names)
    boxes = sorted((float(r.get("y", 0)), float(r.get("x", 0))) for r in swatches)
    for (y1, x1), (y2, x2) in itertools.pairwise(boxes):
        assert y1 != y2 or x2 - x1 >= 24  # same row: apart
    assert all(float(r.get("x", 0)) < 400 for r in swatches) and all(y + 8 <= height for y, _ in boxes)
    bars_bottom = height - 56 - 14 * len({y for y, _ in boxes})
    assert min(y for y, _ in boxes) > bars_bottom
