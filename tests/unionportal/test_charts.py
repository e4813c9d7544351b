"""Chart fonts: a Chinese font installed after the first chart is picked up without clearing a cache."""

from matplotlib import font_manager

from unionportal.overview import charts


def test_a_font_installed_later_is_picked_up_at_the_next_rescan(monkeypatch):
    manager = font_manager.fontManager
    without_cjk = [f for f in manager.ttflist if f.name not in charts.CJK_FONTS]
    monkeypatch.setattr(manager, "ttflist", without_cjk)
    monkeypatch.setattr(charts, "_state", {"found": None, "scanned_at": 0.0})
    on_disk = []  # what the system's font folders hold
    new_font = "/usr/share/fonts/truetype/installed-later/NotoSansCJKsc-Regular.otf"  # a path matplotlib never saw
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: list(on_disk))
    added = []

    def addfont(path):
        added.append(path)
        manager.ttflist = [*manager.ttflist, font_manager.FontEntry(fname=path, name="Noto Sans CJK SC")]

    monkeypatch.setattr(manager, "addfont", addfont)

    start = 10_000.0
    assert charts.font_family(now=start) == ["DejaVu Sans"]  # no Chinese font yet: scanned, none found
    on_disk.append(new_font)  # apt-get install fonts-noto-cjk, while the portal runs
    assert charts.font_family(now=start + charts.RESCAN_SECONDS - 1) == ["DejaVu Sans"]  # not rescanned yet
    assert added == []
    assert charts.font_family(now=start + charts.RESCAN_SECONDS) == ["Noto Sans CJK SC", "DejaVu Sans"]
    assert added == [new_font]
    # Found once, kept: no more scanning.
    on_disk.clear()
    assert charts.font_family(now=start + 10 * charts.RESCAN_SECONDS) == ["Noto Sans CJK SC", "DejaVu Sans"]
    assert added == [new_font]


def test_a_font_already_known_needs_no_scan(monkeypatch):
    manager = font_manager.fontManager
    entry = font_manager.FontEntry(fname="/fonts/wqy-microhei.ttc", name="WenQuanYi Micro Hei")
    monkeypatch.setattr(manager, "ttflist", [*(f for f in manager.ttflist if f.name not in charts.CJK_FONTS), entry])
    monkeypatch.setattr(charts, "_state", {"found": None, "scanned_at": 0.0})
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: (_ for _ in ()).throw(AssertionError("scan")))
    assert charts.font_family(now=5.0) == ["WenQuanYi Micro Hei", "DejaVu Sans"]
