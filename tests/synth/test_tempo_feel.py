"""Tempo you feel (issue 14): note density, subdivision, fills and the melody's pace follow
the tempo label in every layer style, so ``very_fast`` lo-fi feels fast and ``very_slow``
chiptune slow.

The fast tests count the planned events per second of every style at each label; the slow
one renders every example at each label and measures it from outside with librosa's onset
detector and beat tracker (``tests/helpers/tempo.py``; the table is in docs/palettes.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from moodc import vocab
from moodc.synth.controls import fields_to_controls
from moodc.synth.drums import DRUM_SOUNDS
from moodc.synth.engine import plan_piece
from moodc.synth.instruments import INSTRUMENT_VOICES
from moodc.synth.melody import MELODY_STYLES
from moodc.synth.notes import render_note
from moodc.synth.patterns import (GHOST_VELOCITY, LOW_DRUMS, RHYTHM_STYLES, rhythm_hits,
                                   timekeeper)

LABELS = vocab.ORDINAL_LABELS["tempo"]
PLAN_S = 120.0


def _controls(tempo: str, **over: object):
    return fields_to_controls({**over, "tempo": tempo, "density": 6})


def _rates(events_per_label: list[int]) -> list[float]:
    return [n / PLAN_S for n in events_per_label]


@pytest.mark.parametrize("style", sorted(RHYTHM_STYLES))
@pytest.mark.parametrize("meter", ["4/4", "6/8"])
def test_every_rhythm_plays_more_hits_per_second_as_the_tempo_rises(style: str,
                                                                    meter: str) -> None:
    rates = []
    for label in LABELS:
        ctl = _controls(label, meter=meter)
        rates.append(len(rhythm_hits(ctl, style=style, n_beats=PLAN_S / ctl.beat_s)) / PLAN_S)
    assert all(a < b for a, b in zip(rates, rates[1:])), (style, meter, rates)


@pytest.mark.parametrize("style", sorted(MELODY_STYLES))
def test_every_melody_style_plays_more_notes_per_second_as_the_tempo_rises(style: str) -> None:
    # over five seeds: one phrase's motif, restated, can swing a single render either way
    rates = []
    for label in LABELS:
        ctl = _controls(label, layers={"melody": style, "rhythm": "none"})
        rates.append(np.mean([len(plan_piece(ctl, duration_s=PLAN_S, seed=seed)["melody"].notes)
                              for seed in range(1, 6)]) / PLAN_S)
    assert all(a < b for a, b in zip(rates, rates[1:])), (style, rates)
    # beyond the BPM: the pace itself changes, not only the clock
    bpm_ratio = vocab.TEMPO_BPM["very_fast"] / vocab.TEMPO_BPM["very_slow"]
    assert rates[-1] / rates[0] > 1.3 * bpm_ratio, (style, rates)


def test_melody_notes_get_shorter_as_the_tempo_rises() -> None:
    lengths = []
    for label in LABELS:
        ctl = _controls(label, layers={"melody": "contemplative", "rhythm": "none"})
        notes = plan_piece(ctl, duration_s=PLAN_S, seed=5)["melody"].notes
        lengths.append(float(np.median([n.dur_s / ctl.beat_s for n in notes])))
    assert lengths[0] > lengths[2] > lengths[-1], lengths


def test_fills_come_more_often_and_denser_as_the_tempo_rises() -> None:
    rolls = []
    for label in ("very_slow", "medium", "very_fast"):
        ctl = _controls(label)
        bars = 16
        hits = rhythm_hits(ctl, style="rock", n_beats=bars * ctl.beats_per_bar)
        # the fill is the snare's run of strokes on the last beat of a bar
        last_beats = [h for h in hits if h.sound == "snare"
                      and (h.start_s / ctl.beat_s) % ctl.beats_per_bar >= ctl.beats_per_bar - 1]
        rolls.append(len(last_beats))
    assert rolls[0] < rolls[1] < rolls[2], rolls


def test_held_bass_notes_become_a_pulse_above_medium() -> None:
    onsets = {}
    for label in ("medium", "fast", "very_fast"):
        ctl = _controls(label, layers={"bass": "drone"})
        notes = plan_piece(ctl, duration_s=PLAN_S, seed=1)["bass"].notes
        onsets[label] = len(notes) / (PLAN_S / ctl.beat_s)  # strokes per beat
    assert onsets["medium"] < 0.3
    assert onsets["fast"] == pytest.approx(0.5, abs=0.05)
    assert onsets["very_fast"] == pytest.approx(1.0, abs=0.05)


def test_the_garden_bass_koto_strikes_every_beat_when_very_fast_and_rings_when_slow() -> None:
    """Japanese Garden's bass is a bass koto (the jūshichigen of koto ensembles), not a sine.
    At the garden's own tempo it plucks the tonic once per chord and lets it ring; at
    very_fast the tempo feel strikes it again on every beat, and a plucked string makes each
    stroke an attack that dies within the beat. The sine's restrikes were a held tone with a
    dip, no stroke: the koto's runs alone were heard at half time (81 BPM at 160)."""
    from tests.synth.test_identities import palette_controls

    fast = palette_controls("japanese-garden", tempo="very_fast", bpm=None)
    assert fast.instruments["bass"] == "koto" and INSTRUMENT_VOICES["koto"].percussive
    starts = sorted(n.start_s for n in plan_piece(fast, duration_s=PLAN_S, seed=1)["bass"].notes)
    assert float(np.median(np.diff(starts))) / fast.beat_s == pytest.approx(1.0, abs=0.05)
    own = palette_controls("japanese-garden")
    plucks = plan_piece(own, duration_s=PLAN_S, seed=1)["bass"].notes
    assert len(plucks) <= PLAN_S / own.bar_s / 2  # a pluck per chord, not a pulse
    # each stroke speaks and fades within the beat: the last quarter of a beat at 160 BPM
    # is at least 12 dB under the stroke's first 20 ms
    rate_hz = 22050
    tone = np.abs(render_note("koto", midi=plucks[0].midi, n_gate=int(fast.beat_s * rate_hz),
                              sample_rate=rate_hz, cutoff_scale=1.0))
    beat_n, attack_n = int(fast.beat_s * rate_hz), int(0.02 * rate_hz)
    head_db = 20 * np.log10(np.sqrt(np.mean(tone[:attack_n] ** 2)))
    tail_db = 20 * np.log10(np.sqrt(np.mean(tone[3 * beat_n // 4: beat_n] ** 2)))
    assert tail_db < head_db - 12.0, (head_db, tail_db)


def _beats_with(hits: list, *, sound: str, ctl) -> set[int]:
    """The beats of the bar (0-based) on which ``sound`` strikes within a step of the beat."""
    return {int(round(h.start_s / ctl.beat_s)) % ctl.beats_per_bar for h in hits
            if h.sound == sound and abs(h.start_s / ctl.beat_s - round(h.start_s / ctl.beat_s))
            < 0.1}


def test_fast_brushes_pat_every_beat_and_slow_ones_keep_the_backbeat() -> None:
    """Up-tempo, a brush player pats the snare on every beat instead of the backbeat alone.
    With the tap on 2 and 4 only, the kit's firm strokes (the swish's accent and the soft
    kick) fell on 1 and 3, and lofi-study at 160 BPM was heard at half time (81)."""
    for label in ("fast", "very_fast"):
        ctl = _controls(label)
        hits = rhythm_hits(ctl, style="brush", n_beats=8 * ctl.beats_per_bar)
        assert _beats_with(hits, sound="brush_tap", ctl=ctl) == {0, 1, 2, 3}, label
        taps_on_one = [h.velocity for h in hits if h.sound == "brush_tap"
                       and abs(h.start_s / ctl.beat_s % ctl.beats_per_bar) < 0.1]
        assert min(taps_on_one) >= GHOST_VELOCITY, label  # a pat, not a ghost
    ctl = _controls("medium")
    hits = rhythm_hits(ctl, style="brush", n_beats=8 * ctl.beats_per_bar)
    # as written: the tap on the backbeat (the fill's run only adds the bar's last beat)
    assert _beats_with(hits, sound="brush_tap", ctl=ctl) == {1, 3}


def test_the_lofi_bass_is_an_upright() -> None:
    """lofi-study's walking bass is an upright (a lo-fi jazz bass), whose plucked strokes
    speak on every beat; on the sine the vinyl crackle led the beat tracker (152 BPM at
    very_slow's 56)."""
    from moodc.config.load import load_document
    from tests.helpers import EXAMPLES

    doc = load_document(EXAMPLES / "lofi-study.yaml")
    ctl = fields_to_controls({**doc.model_dump(), "tempo": "very_slow", "bpm": None})
    assert ctl.instruments["bass"] == "double_bass" and INSTRUMENT_VOICES["double_bass"].percussive
    starts = sorted(n.start_s for n in plan_piece(ctl, duration_s=PLAN_S, seed=1)["bass"].notes)
    # walking: a plucked stroke on every beat
    assert float(np.median(np.diff(starts))) / ctl.beat_s == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("style", ["arpeggio", "octave"])
def test_a_streaming_bass_moves_in_quarters_at_very_slow(style: str) -> None:
    # eighths at 56 BPM state a pulse of 112 under drums thinned to quarters
    steps = {}
    for label in ("very_slow", "slow", "medium"):
        ctl = _controls(label, layers={"bass": style})
        notes = plan_piece(ctl, duration_s=PLAN_S, seed=1)["bass"].notes
        starts = sorted(n.start_s for n in notes)
        steps[label] = float(np.median(np.diff(starts))) / ctl.beat_s
    assert steps == pytest.approx({"very_slow": 1.0, "slow": 0.5, "medium": 0.5}, abs=0.05)


def test_a_heartbeat_keeps_its_lub_dub_at_every_tempo_and_quickens_above_medium() -> None:
    bars = 8
    per_bar = {}
    for label in LABELS:
        ctl = _controls(label)
        beats = [h.start_s / ctl.beat_s
                 for h in rhythm_hits(ctl, style="heartbeat", n_beats=bars * ctl.beats_per_bar)]
        lubs, dubs = beats[0::2], beats[1::2]
        # every beat of the heart is the pair: the "dub" three sixteenths after the "lub"
        assert len(lubs) == len(dubs) and np.allclose(np.subtract(dubs, lubs), 0.75), label
        per_bar[label] = len(lubs) / bars
    assert per_bar == {"very_slow": 1.0, "slow": 1.0, "medium": 1.0, "fast": 2.0,
                       "very_fast": 2.0}


def test_medium_plays_every_style_as_written() -> None:
    ctl = _controls("medium")
    assert ctl.feel.melody_pace == 1.0 and ctl.feel.note_length_mul == 1.0
    assert ctl.feel.keep_grid_beats == 0.0 and ctl.feel.ghost_grid_beats == 0.0
    assert ctl.feel.bass_restrike_beats == 0.0 and ctl.feel.fill_strokes_mul == 1.0


def test_the_feel_follows_the_label_not_a_bpm_override() -> None:
    assert _controls("very_fast", bpm=80.0).feel == _controls("very_fast").feel
    assert _controls("very_fast", bpm=80.0).bpm == 80.0


def test_ghost_notes_go_to_the_hands_never_the_low_drums() -> None:
    assert LOW_DRUMS <= set(DRUM_SOUNDS)
    for style, row in RHYTHM_STYLES.items():
        keeper = timekeeper(row)
        assert keeper is None or keeper not in LOW_DRUMS, style
    assert timekeeper(RHYTHM_STYLES["heartbeat"]) is None


# ------------------------------------------------------------------ measured from outside


# Each miss below was examined against the planned events and with its layers muted one by
# one (issue 14, "tempo you feel"; ``tools/tempo_study.py --only NAME --mute LAYER``): in
# each the music does follow the label and the outside measure is what fails, for the
# reason given.
_BEDS = ("a held bed sets librosa's onset count in a sparse clip: the onset envelope, "
         "normalised to its largest peak, finds ~5 peaks/s in it at every tempo, and the "
         "music's onsets replace those peaks instead of adding to them (the detected onsets "
         "matching a planned event rise with the label; with the pad and texture muted the "
         "onsets at very_fast are over twice medium's and librosa's tempo estimate there "
         "reads 161 BPM)")
#: Examples the outside measures do not yet rank, and why (issue 14, left open; numbers in
#: docs/palettes.md, "Known misses"): strict, so the mark has to go as soon as one of them
#: passes.
KNOWN_MISSES: dict[str, str] = {
    "calm-ambient": f"{_BEDS}; here the strings pad (detuned voices) and the breath "
                    "texture each alone keep the floor: very_slow 5.0/s, medium 5.0/s",
    "dark-cellar": f"{_BEDS}; here the vinyl crackle, alone in the bands the very dark "
                   "filter empties, with the choir pad: medium 4.8/s, very_fast 4.7/s",
    "workday": f"{_BEDS}; its clip (2-11 s, between its fades) is calm-ambient's: the "
               "onsets rise but the tracker reads the beds, 117 BPM at very_slow and 108 "
               "at very_fast",
}


def _examples() -> list:
    from tests.helpers.tempo import EXAMPLE_PATHS, example_name

    return [pytest.param(path, id=example_name(path),
                         marks=[pytest.mark.xfail(strict=True,
                                                  reason=KNOWN_MISSES[example_name(path)])]
                         if example_name(path) in KNOWN_MISSES else [])
            for path in EXAMPLE_PATHS]


@pytest.mark.slow
@pytest.mark.parametrize("path", _examples())
def test_onset_rate_and_tracked_tempo_rise_with_the_label(path: Path) -> None:
    from tests.helpers.tempo import describe, tempo_row

    row = tempo_row(path)
    onsets = [row[label].onsets_per_s for label in LABELS]
    assert onsets[0] < onsets[2] < onsets[4], describe(row)
    assert row["very_slow"].tracked_bpm <= row["very_fast"].tracked_bpm, describe(row)
