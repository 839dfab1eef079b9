"""Why do acoustic palettes read as "electronic"? Change one thing at a time and listen.

    python tools/electronic_study.py [--palettes bossa-cafe,tango-milonga,...]
                                     [--variants base,mute:pad,...] [--seeds 2]
                                     [--duration 24] [--out table.md]

The outside ear (``tools/tagger_study.py``) hears "electronic, techno, synth, beat" at the
top of bossa nova, tango and a jig alike. This study asks *what* in a render makes it so,
the way an engineer would at the desk: solo each layer, mute each layer, dry the room,
collapse the stereo, take the vinyl off, loosen or lock the timing, master quieter (so the
limiter rests), and swap one instrument at a time. For each variant it reports the musicnn
taggers' "electronic", "techno" and "synth" likelihoods, the palette's own listener tags
(:data:`tagger_study.LISTENER_TAGS`, mean likelihood) and features a musician's "it sounds
synthetic" maps to:

* spectral flatness (noise-like vs tonal; a tone with no breath or bow noise is very low),
* harmonic share (HPSS harmonic energy / total, in %: a steady additive tone is near 100),
* attack (median ms from an onset to its envelope peak: instant attacks read as machines),
* pitch wobble (YIN f0's median absolute deviation from its 0.25 s median, in cents, on
  the variants that solo a melodic layer: a real player's pitch is never dead steady).

A study, not a CI gate: it explains a finding, it is not a target to tune against. Needs
the study venv of ``tools/tagger_study.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tagger_study import (
    LISTENER_TAGS,
    PALETTES,
    RENDER_SAMPLE_RATE,
    load_taggers,
    to_tagger_audio,
)

#: The "it is electronic music" tags the finding is about.
ELECTRONIC_TAGS: tuple[str, ...] = ("msd/electronic", "mtt/electronic", "mtt/techno",
                                    "mtt/synth")
#: Acoustic palettes the tagger hears as electronic, and a string-led one as a control.
DEFAULT_PALETTES: tuple[str, ...] = ("bossa-cafe", "tango-milonga", "celtic-jig",
                                     "vienna-waltz")
LAYERS: tuple[str, ...] = ("bass", "pad", "melody", "rhythm", "texture", "accent")
#: Layers whose pitch wobble is worth measuring when soloed.
PITCHED_LAYERS: tuple[str, ...] = ("bass", "pad", "melody")
#: A quieter master: −23 LUFS leaves the true-peak limiter idle on these palettes.
QUIET_TARGET_LUFS = -23.0
#: The pitch-wobble window: deviations faster than this are vibrato, jitter or bends.
WOBBLE_WINDOW_S = 0.25

Edit = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Edit:
    """An edit setting the dotted ``path`` of a config dict to ``value``."""
    *parents, leaf = path.split(".")

    def edit(doc: dict[str, Any]) -> None:
        node = doc
        for key in parents:
            node = node[key]
        node[leaf] = value
    return edit


def _solo(layer: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        for other in LAYERS:
            if other != layer:
                doc["layers"][other] = "none"
    return edit


#: Variant name → (config edits, loudness target). Each changes one thing from the palette.
VARIANTS: dict[str, tuple[tuple[Edit, ...], float]] = {
    "base": ((), -14.0),
    **{f"solo:{layer}": ((_solo(layer),), -14.0) for layer in LAYERS},
    **{f"mute:{layer}": ((_set(f"layers.{layer}", "none"),), -14.0) for layer in LAYERS},
    "space:dry": ((_set("space", "dry"),), -14.0),
    "space:large": ((_set("space", "large"),), -14.0),
    "stereo:mono": ((_set("stereo", "mono"),), -14.0),
    "human:robotic": ((_set("human", "robotic"),), -14.0),
    "human:loose": ((_set("human", "loose"),), -14.0),
    "master:-23": ((), QUIET_TARGET_LUFS),
    "bass:tuba": ((_set("instruments.bass", "tuba"),), -14.0),
    "bass:pluck": ((_set("instruments.bass", "pluck"),), -14.0),
    "bass:double_bass": ((_set("instruments.bass", "double_bass"),), -14.0),
    "bass:sine": ((_set("instruments.bass", "sine"),), -14.0),
    "pad:nylon_guitar": ((_set("instruments.pad", "nylon_guitar"),), -14.0),
}


def variant_doc(doc: Any, name: str) -> Any:
    """The palette's config with the variant ``name``'s edits applied (validated again)."""
    from moodc.config.model import Config

    data = doc.model_dump()
    for edit in VARIANTS[name][0]:
        edit(data)
    return Config.model_validate(data)


# ------------------------------------------------------------------------------------------
# Features a musician's "synthetic" maps to
# ------------------------------------------------------------------------------------------

def audio_features(mono: np.ndarray, *, sample_rate: int, pitched: bool) -> dict[str, float]:
    """Flatness, harmonic share (%), median attack (ms) and, if ``pitched``, pitch wobble
    (cents) of mono float audio."""
    import librosa

    feats = {"flatness": float(np.mean(librosa.feature.spectral_flatness(y=mono)))}
    harmonic, percussive = librosa.effects.hpss(mono)
    total = float(np.sum(harmonic**2) + np.sum(percussive**2)) or 1.0
    feats["harmonic_pct"] = 100.0 * float(np.sum(harmonic**2)) / total
    feats["attack_ms"] = attack_ms(mono, sample_rate=sample_rate)
    feats["wobble_cents"] = pitch_wobble_cents(mono, sample_rate=sample_rate) if pitched \
        else float("nan")
    return feats


def attack_ms(mono: np.ndarray, *, sample_rate: int) -> float:
    """Median time from each detected onset to the RMS envelope's next peak (within 150 ms)."""
    import librosa

    hop = 128
    rms = librosa.feature.rms(y=mono, frame_length=512, hop_length=hop)[0]
    onsets = librosa.onset.onset_detect(y=mono, sr=sample_rate, hop_length=hop, backtrack=True)
    reach = int(0.15 * sample_rate / hop)
    rises = [np.argmax(rms[o:o + reach]) * hop / sample_rate * 1000
             for o in onsets if o + reach <= len(rms)]
    return float(np.median(rises)) if rises else float("nan")


def pitch_wobble_cents(mono: np.ndarray, *, sample_rate: int) -> float:
    """Median |f0 − its :data:`WOBBLE_WINDOW_S` running median| in cents over the louder
    frames (YIN, whose parabolic interpolation does not quantise f0, on the first 12 s):
    ~0 for a dead-steady oscillator, 5–20 for a player's vibrato and drift."""
    import librosa
    from scipy.ndimage import median_filter

    hop = 256
    clip = mono[: 12 * sample_rate]
    f0 = librosa.yin(clip, fmin=60, fmax=1500, sr=sample_rate, frame_length=2048,
                     hop_length=hop)
    rms = librosa.feature.rms(y=clip, frame_length=2048, hop_length=hop)[0][: len(f0)]
    loud = rms > 0.3 * np.max(rms)
    cents = 1200 * np.log2(f0)
    width = max(3, int(WOBBLE_WINDOW_S * sample_rate / hop) | 1)
    if loud.sum() < width:
        return float("nan")
    deviation = np.abs(cents - median_filter(cents, size=width))
    return float(np.median(deviation[loud]))


# ------------------------------------------------------------------------------------------
# The study
# ------------------------------------------------------------------------------------------

def measure(doc: Any, *, name: str, base_dir: Path, taggers: Any, seeds: Sequence[int],
            duration_s: float) -> dict[str, float]:
    """Tag likelihoods and features of variant ``name`` of ``doc``, mean over ``seeds``."""
    from moodc.render import render_document

    config = variant_doc(doc, name)
    pitched = name.startswith("solo:") and name.split(":")[1] in PITCHED_LAYERS
    rows: list[dict[str, float]] = []
    for seed in seeds:
        audio = render_document(config, base_dir=base_dir, duration_s=duration_s, seed=seed,
                                sample_rate=RENDER_SAMPLE_RATE, target_lufs=VARIANTS[name][1])
        row: dict[str, float] = {}
        for prefix, tagger in taggers.items():
            mono = to_tagger_audio(audio, sample_rate=RENDER_SAMPLE_RATE,
                                   tagger_rate=tagger.config.SR)
            row.update({f"{prefix}/{label}": float(v)
                        for label, v in zip(tagger.labels, tagger.tag(mono), strict=True)})
        row.update(audio_features(mono, sample_rate=tagger.config.SR, pitched=pitched))
        rows.append(row)
    return {key: float(np.nanmean([r[key] for r in rows])) if not all(
        np.isnan(r[key]) for r in rows) else float("nan") for key in rows[0]}


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """Markdown: one row per palette × variant."""
    head = ("| palette | variant | msd electronic | mtt electronic | techno | synth | own tags "
            "(mean) | flatness | harmonic % | attack ms | wobble c |")
    lines = [head, "|" + "---|" * 11]
    for palette, variants in results.items():
        own = LISTENER_TAGS[palette]
        for name, m in variants.items():
            cells = [f"{m[t]:.2f}" for t in ELECTRONIC_TAGS]
            cells.append(f"{np.mean([m[t] for t in own]):.3f}")
            cells += [f"{m['flatness']:.4f}", f"{m['harmonic_pct']:.0f}",
                      f"{m['attack_ms']:.0f}",
                      "–" if np.isnan(m["wobble_cents"]) else f"{m['wobble_cents']:.1f}"]
            lines.append(f"| {palette} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    from moodc.config.load import load_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--palettes", default=",".join(DEFAULT_PALETTES))
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help=f"comma-separated, of: {', '.join(VARIANTS)}")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--duration", type=float, default=24.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    taggers = load_taggers()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for palette in args.palettes.split(","):
        path = PALETTES / f"{palette}.yaml"
        if not path.exists():
            path = PALETTES.parent / f"{palette}.yaml"
        doc = load_document(path)
        for name in args.variants.split(","):
            started = time.process_time()
            results.setdefault(palette, {})[name] = measure(
                doc, name=name, base_dir=path.parent, taggers=taggers,
                seeds=range(1, args.seeds + 1), duration_s=args.duration)
            m = results[palette][name]
            print(f"  {palette} {name}: msd/electronic {m['msd/electronic']:.2f} "
                  f"techno {m['mtt/techno']:.2f} ({time.process_time() - started:.1f} s CPU)",
                  file=sys.stderr)
    text = table(results)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
