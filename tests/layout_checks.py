"""Layout checks for figures: nothing drawn outside the figure, the title clear of the axes."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

TOLERANCE_PX = 1.0


def _inside(inner: Bbox, outer: Bbox) -> bool:
    return (
        inner.x0 >= outer.x0 - TOLERANCE_PX
        and inner.y0 >= outer.y0 - TOLERANCE_PX
        and inner.x1 <= outer.x1 + TOLERANCE_PX
        and inner.y1 <= outer.y1 + TOLERANCE_PX
    )


def assert_nothing_clipped(fig: Figure) -> None:
    """Every axes (with its tick labels, axis labels, legend and texts), legend and the title lie inside the figure.

    The title must also sit above every axes, not on top of one.
    """
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    for ax in fig.axes:
        box = ax.get_tightbbox(renderer)
        assert _inside(box, page), f"axes {ax.get_label() or ax} spills out of the figure: {box} vs {page}"
    for legend in fig.legends:
        assert _inside(legend.get_window_extent(renderer), page), "a figure legend spills out"
    title = fig._suptitle  # the public getter gives the text only
    assert title is not None and title.get_text(), "the figure has no title"
    box = title.get_window_extent(renderer)
    assert _inside(box, page), f"the title is cut off: {box} vs {page}"
    for ax in fig.axes:
        assert box.y0 >= ax.get_window_extent(renderer).y1 - TOLERANCE_PX, "the title overlaps an axes"
