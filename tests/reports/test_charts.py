from __future__ import annotations

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
