"""Segment a day of activity buckets into phases: deep focus, frantic, reading, away...

The day is cut into windows of ``minutes_per_section`` (aligned to the local clock); each
window's buckets are summed into :class:`WindowFeatures` (rates per active minute, app
category shares), then the first matching rule of :data:`PHASE_RULES` names its phase.
Unavailable signals stay None, and a rule that needs one does not match (a missing key
count is never read as "not typing").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Final

from moodc.activity.bucket import Bucket

# --------------------------------------------------------------------------------------
# App → category: one table. Keys are lower-case substrings of the app name (WM_CLASS
# class, macOS app name, Windows exe); the first key contained in the name wins, so more
# specific names come first.
# --------------------------------------------------------------------------------------
APP_CATEGORIES: Final[dict[str, str]] = {
    # communication and meetings
    "slack": "communication", "discord": "communication", "teams": "communication",
    "zoom": "communication", "thunderbird": "communication", "outlook": "communication",
    "mail": "communication", "signal": "communication", "telegram": "communication",
    "whatsapp": "communication", "element": "communication", "skype": "communication",
    "mattermost": "communication", "evolution": "communication", "geary": "communication",
    # code and terminals
    "code": "code", "vscodium": "code", "jetbrains": "code", "pycharm": "code",
    "intellij": "code", "idea": "code", "clion": "code", "goland": "code", "xcode": "code",
    "emacs": "code", "vim": "code", "sublime": "code", "zed": "code", "kate": "code",
    "term": "code", "konsole": "code", "alacritty": "code", "kitty": "code", "iterm": "code",
    "wezterm": "code", "tilix": "code", "cmd.exe": "code", "powershell": "code",
    # writing
    "libreoffice": "writing", "soffice": "writing", "word": "writing", "pages": "writing",
    "obsidian": "writing", "notion": "writing", "gedit": "writing", "notepad": "writing",
    "typora": "writing", "scrivener": "writing", "texstudio": "writing", "lyx": "writing",
    # design and making
    "gimp": "design", "inkscape": "design", "krita": "design", "blender": "design",
    "figma": "design", "photoshop": "design", "illustrator": "design", "darktable": "design",
    "ardour": "design", "audacity": "design", "reaper": "design", "ableton": "design",
    # reading
    "evince": "reading", "okular": "reading", "zathura": "reading", "acrobat": "reading",
    "preview": "reading", "calibre": "reading", "foliate": "reading", "kindle": "reading",
    # browsers
    "firefox": "browser", "chrom": "browser", "navigator": "browser", "safari": "browser",
    "brave": "browser", "edge": "browser", "opera": "browser", "vivaldi": "browser",
    "epiphany": "browser",
    # leisure
    "spotify": "media", "vlc": "media", "mpv": "media", "totem": "media", "music": "media",
    "netflix": "media", "youtube": "media", "rhythmbox": "media",
    "steam": "games", "lutris": "games", "minecraft": "games",
}
CATEGORIES: Final[tuple[str, ...]] = (
    "communication", "code", "writing", "design", "reading", "browser", "media", "games", "other",
)
#: Categories that count as focused making.
MAKING: Final[tuple[str, ...]] = ("code", "writing", "design")


def app_category(app: str) -> str:
    """Category of an app name by :data:`APP_CATEGORIES` (``other`` when none matches)."""
    name = app.lower()
    for key, category in APP_CATEGORIES.items():
        if key in name:
            return category
    return "other"


@dataclass
class WindowFeatures:
    """Activity summed over one analysis window. Rates are None when a signal is unavailable.

    Rates are per *active* minute or hour (observed minutes when idle is unavailable), so a
    window with a long lunch break still reads as the work it contains.
    """

    start: datetime
    end: datetime
    observed_s: float
    active_fraction: float | None
    keys_per_min: float | None
    correction_ratio: float | None
    clicks_per_min: float | None
    scrolls_per_min: float | None
    mouse_px_per_s: float | None
    app_switches_per_h: float | None
    window_switches_per_h: float | None
    app_seconds: dict[str, float] = field(default_factory=dict)
    category_share: dict[str, float] = field(default_factory=dict)
    local_hour: float = 12.0

    def share(self, *categories: str) -> float:
        """Summed share of active app time in ``categories`` (0 when no apps were seen)."""
        return sum(self.category_share.get(c, 0.0) for c in categories)


def _total(buckets: list[Bucket], name: str) -> tuple[float | None, float]:
    """Sum of ``name`` over buckets that observed it, and those buckets' active seconds."""
    total, basis_s, seen = 0.0, 0.0, False
    for bucket in buckets:
        value = getattr(bucket, name)
        if value is None:
            continue
        seen = True
        total += value
        basis_s += bucket.active_s if bucket.active_s is not None else bucket.duration_s
    return (total if seen else None), basis_s


def _rate(buckets: list[Bucket], name: str, *, per_s: float) -> float | None:
    total, basis_s = _total(buckets, name)
    if total is None:
        return None
    return total / max(basis_s, 1.0) * per_s


def _active_fraction(buckets: list[Bucket]) -> float | None:
    active_s, _ = _total(buckets, "active_s")
    if active_s is None:
        return None
    observed_s = sum(b.duration_s for b in buckets if b.active_s is not None)
    return active_s / observed_s if observed_s > 0 else None


def _apps(buckets: list[Bucket]) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for bucket in buckets:
        for app, app_s in (bucket.apps or {}).items():
            seconds[app] = seconds.get(app, 0.0) + app_s
    return seconds


def summarise(buckets: list[Bucket], *, start: datetime, end: datetime,
              utc_offset_s: float) -> WindowFeatures:
    """Sum ``buckets`` (all inside one window) into :class:`WindowFeatures`."""
    keys, _ = _total(buckets, "keys")
    corrections, _ = _total(buckets, "corrections")
    apps = _apps(buckets)
    total_app_s = sum(apps.values())
    shares: dict[str, float] = {}
    for app, app_s in apps.items():
        category = app_category(app)
        shares[category] = shares.get(category, 0.0) + app_s / total_app_s
    middle = start + (end - start) / 2 + timedelta(seconds=utc_offset_s)
    return WindowFeatures(
        start=start, end=end, observed_s=sum(b.duration_s for b in buckets),
        active_fraction=_active_fraction(buckets),
        keys_per_min=_rate(buckets, "keys", per_s=60.0),
        correction_ratio=(corrections / keys if keys and corrections is not None else
                          (0.0 if keys == 0 and corrections is not None else None)),
        clicks_per_min=_rate(buckets, "clicks", per_s=60.0),
        scrolls_per_min=_rate(buckets, "scrolls", per_s=60.0),
        mouse_px_per_s=_rate(buckets, "mouse_px", per_s=1.0),
        app_switches_per_h=_rate(buckets, "app_switches", per_s=3600.0),
        window_switches_per_h=_rate(buckets, "window_switches", per_s=3600.0),
        app_seconds=apps, category_share=shares,
        local_hour=middle.hour + middle.minute / 60.0)


# --------------------------------------------------------------------------------------
# Phase rules: one ordered table, first match wins. Thresholds are per active minute/hour.
# --------------------------------------------------------------------------------------
def _ge(value: float | None, threshold: float) -> bool:
    return value is not None and value >= threshold


def _lt(value: float | None, threshold: float) -> bool:
    return value is not None and value < threshold


def _is_away(f: WindowFeatures) -> bool:
    if f.active_fraction is not None:
        return f.active_fraction < AWAY_ACTIVE_FRACTION
    return not f.app_seconds and not _ge(f.keys_per_min, 1.0) and not _ge(f.mouse_px_per_s, 1.0)


#: Below this share of active time a window is "away" (lunch, meetings off-screen).
AWAY_ACTIVE_FRACTION: Final[float] = 0.25
#: Local hours that count as late night: 23:00–05:00.
LATE_NIGHT_HOURS: Final[tuple[float, float]] = (23.0, 5.0)

PhaseRule = tuple[str, str, Callable[[WindowFeatures], bool]]
PHASE_RULES: Final[tuple[PhaseRule, ...]] = (
    ("away", "active less than 25% of the window",
     _is_away),
    ("late_night", "active between 23:00 and 05:00 local time",
     lambda f: f.local_hour >= LATE_NIGHT_HOURS[0] or f.local_hour < LATE_NIGHT_HOURS[1]),
    ("frantic", "≥ 40 app switches or ≥ 90 window switches per active hour",
     lambda f: _ge(f.app_switches_per_h, 40.0) or _ge(f.window_switches_per_h, 90.0)),
    ("communication", "chat, mail or meeting apps hold ≥ 40% of active time",
     lambda f: f.share("communication") >= 0.4),
    ("deep_focus", "code/writing/design ≥ 50% with ≥ 25 keys/min (≥ 70% when keys are "
                   "unavailable), < 20 app switches/h",
     lambda f: f.share(*MAKING) >= 0.5 and not _ge(f.app_switches_per_h, 20.0)
     and (_ge(f.keys_per_min, 25.0) or (f.keys_per_min is None and f.share(*MAKING) >= 0.7))),
    ("reading", "< 15 keys/min while reading, browsing or scrolling (reader/browser ≥ 50% "
                "when keys are unavailable)",
     lambda f: (_lt(f.keys_per_min, 15.0)
                and (f.share("reading", "browser") >= 0.4 or _ge(f.scrolls_per_min, 3.0)))
     or (f.keys_per_min is None and f.share("reading", "browser") >= 0.5)),
    ("leisure", "media or games hold ≥ 40% of active time",
     lambda f: f.share("media", "games") >= 0.4),
    ("steady", "anything else: ordinary mixed work",
     lambda f: True),
)
PHASES: Final[tuple[str, ...]] = tuple(rule[0] for rule in PHASE_RULES)


def classify(features: WindowFeatures) -> str:
    """The first phase of :data:`PHASE_RULES` whose rule matches ``features``."""
    for phase, _, matches in PHASE_RULES:
        if matches(features):
            return phase
    return "steady"


@dataclass
class Window:
    """One analysis window with data: its features and phase."""

    features: WindowFeatures
    phase: str


def utc_offset_of(buckets: list[Bucket]) -> float:
    """The recorder's local UTC offset (seconds), or 0 (UTC) when the log has none."""
    for bucket in buckets:
        if bucket.utc_offset_s is not None:
            return bucket.utc_offset_s
    return 0.0


def windows_of(buckets: list[Bucket], *, window_s: float, utc_offset_s: float) -> list[Window]:
    """Group buckets by local-clock window (by bucket midpoint) and classify each window.

    Windows without buckets (the recorder was off) are left out; the first and last
    windows are clipped to the first bucket's start and the last bucket's end.
    """
    groups: dict[int, list[Bucket]] = {}
    for bucket in buckets:
        middle_s = (bucket.start.timestamp() + bucket.end.timestamp()) / 2 + utc_offset_s
        groups.setdefault(math.floor(middle_s / window_s), []).append(bucket)
    first_s, last_s = buckets[0].start.timestamp(), max(b.end.timestamp() for b in buckets)
    windows: list[Window] = []
    for index in sorted(groups):
        start_s = max(first_s, index * window_s - utc_offset_s)
        end_s = min(last_s, (index + 1) * window_s - utc_offset_s)
        features = summarise(groups[index], start=datetime.fromtimestamp(start_s, timezone.utc),
                             end=datetime.fromtimestamp(end_s, timezone.utc),
                             utc_offset_s=utc_offset_s)
        windows.append(Window(features=features, phase=classify(features)))
    return windows
