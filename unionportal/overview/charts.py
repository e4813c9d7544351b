"""Chart images for the monthly summary (PNG bytes), drawn on the server for the DOCX file.

Each chart is its own ``matplotlib.figure.Figure`` on the Agg canvas: no pyplot state machine and no
global ``rcParams`` shared between requests and threads."""

import io
import logging
import threading
import time

from matplotlib import font_manager
from matplotlib.figure import Figure

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
# Without a Chinese font, look again for newly installed fonts at most this often (seconds), so a font
# installed after the first chart is picked up without clearing matplotlib's cache by hand.
RESCAN_SECONDS = 300

_lock = threading.Lock()
_state = {"found": None, "scanned_at": 0.0}


def _cjk_installed() -> list[str]:
    available = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in CJK_FONTS if name in available]


def _rescan() -> None:
    """Add the system's font files that matplotlib's cached list does not know yet."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):  # a broken font file is skipped, not fatal
                continue


def font_family(now: float | None = None) -> list[str]:
    """Fonts for chart text: a Chinese one first, if the server has one (Debian: fonts-noto-cjk)."""
    now = time.monotonic() if now is None else now
    with _lock:
        if _state["found"]:
            return _state["found"]
        found = _cjk_installed()
        if not found and now - _state["scanned_at"] >= RESCAN_SECONDS:
            _state["scanned_at"] = now
            _rescan()
            found = _cjk_installed()
            if not found:
                logger.warning("No Chinese font found for charts; install fonts-noto-cjk (labels may not render)")
        if found:
            _state["found"] = [*found, "DejaVu Sans"]
            return _state["found"]
        return ["DejaVu Sans"]


def bar_chart(*, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> bytes:
    """Grouped horizontal bars: one group per label, one bar per series (e.g. this month, last month)."""
    family = font_family()
    height = max(2.5, 0.45 * len(labels) + 1.2)
    fig = Figure(figsize=(7, height), dpi=110)
    ax = fig.subplots()
    n = len(series)
    bar = 0.8 / max(n, 1)
    positions = list(range(len(labels)))
    for i, (name, values) in enumerate(series):
        offsets = [p + (i - (n - 1) / 2) * bar for p in positions]
        bars = ax.barh(offsets, values, height=bar, label=name, color=("#b71c1c", "#9e9e9e", "#1565c0")[i % 3])
        ax.bar_label(bars, padding=2, fontsize=8, family=family)
    ax.set_yticks(positions, labels, family=family)
    ax.invert_yaxis()
    ax.set_title(title, family=family)
    ax.xaxis.get_major_locator().set_params(integer=True)
    for tick in ax.get_xticklabels():
        tick.set_family(family)
    if n > 1:
        ax.legend(loc="best", prop={"family": family, "size": 8})
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


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
