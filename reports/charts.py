"""Chart images for the monthly summary (PNG bytes), drawn on the server for the DOCX file."""

import io
import logging
from functools import cache

logger = logging.getLogger(__name__)
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "Source Han Sans SC",
    "Droid Sans Fallback",
)


@cache
def _font_family() -> list[str]:
    """A font that has Chinese glyphs, if the server has one (Debian: fonts-noto-cjk)."""
    from matplotlib import font_manager

    available = {f.name for f in font_manager.fontManager.ttflist}
    found = [name for name in CJK_FONTS if name in available]
    if not found:
        logger.warning("No Chinese font found for charts; install fonts-noto-cjk (labels may not render)")
    return [*found, "DejaVu Sans"]


def bar_chart(*, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Grouped horizontal bars: one group per label, one bar per series (e.g. this month, last month)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams["font.family"] = _font_family()
    plt.rcParams["axes.unicode_minus"] = False
    height = max(2.5, 0.45 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(7, height), dpi=110)
    try:
        n = len(series)
        bar = 0.8 / max(n, 1)
        positions = list(range(len(labels)))
        for i, (name, values) in enumerate(series):
            offsets = [p + (i - (n - 1) / 2) * bar for p in positions]
            bars = ax.barh(offsets, values, height=bar, label=name, color=("#b71c1c", "#9e9e9e", "#1565c0")[i % 3])
            ax.bar_label(bars, padding=2, fontsize=8)
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_title(title)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if n > 1:
            ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def summary_charts(figures: dict) -> list[tuple[str, bytes]]:
    """The summary's charts: reports by category and by township (this and last month), and by urgency."""
    charts = []
    for key, title in (("by_category", "信息类别"), ("by_township", "镇区街道"), ("by_key_group", "重点群体")):
        rows = [r for r in figures.get(key, []) if r[1] or r[2]]
        if rows:
            charts.append(
                (
                    f"按{title}统计",
                    bar_chart(
                        title=f"{figures['month']}报送信息：按{title}",
                        labels=[r[0] for r in rows],
                        series=[("本月", [r[1] for r in rows]), ("上月", [r[2] for r in rows])],
                    ),
                )
            )
    return charts
