"""The bamboo flutes as a flautist hears them (issue #14): the bansuri's breath around a
soft tone, the chiff of the attack, a held note that swells, a vibrato that comes only once
the note is held, slow glides between notes (meend), breaths inside long notes; and a flute
pad played as one player's line, not as chords."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.signal import butter, hilbert, sosfiltfilt

from moodc.synth.events import BREATH_GAP_S, Note
from moodc.synth.instruments import INSTRUMENT_VOICES
from moodc.synth.melody import melody_notes
from moodc.synth.oscillators import midi_to_hz
from moodc.synth.patterns import pad_notes
from moodc.synth.theory import chord_at
from tests.synth.test_identities import chords_of, palette_controls
from tests.synth.test_world_identities import melody_of

SR = 44100
C5_HZ = midi_to_hz(72)


def raw_tone(instrument: str, *, seconds: float = 3.0, glide_st: float = 0.0,
             freq_hz: float = C5_HZ) -> np.ndarray:
    voice = INSTRUMENT_VOICES[instrument]
    return voice.osc(freq_hz, n_samples=int(seconds * SR), sample_rate=SR,
                     cutoff_hz=voice.cutoff_hz, glide_st=glide_st).astype(np.float64)


def noise_to_tone_db(x: np.ndarray, freq_hz: float) -> float:
    """Power between the harmonics over power at them (±25 Hz), in dB, on 1-3 s."""
    seg = x[SR: 3 * SR]
    power = np.abs(np.fft.rfft(seg * np.hanning(len(seg)))) ** 2
    bins_hz = np.fft.rfftfreq(len(seg), 1 / SR)
    at_harmonic = np.zeros(len(power), dtype=bool)
    for k in range(1, 12):
        at_harmonic |= np.abs(bins_hz - k * freq_hz) < 25.0
    between = power[~at_harmonic & (bins_hz > 50.0)].sum()
    return float(10 * np.log10(between / power[at_harmonic].sum()))


def pitch_cents(x: np.ndarray, freq_hz: float) -> np.ndarray:
    """The fundamental's pitch against ``freq_hz`` in cents, a 40 ms median every 10 ms."""
    sos = butter(4, (freq_hz * 0.9, freq_hz * 1.1), btype="band", fs=SR, output="sos")
    phase = np.unwrap(np.angle(hilbert(sosfiltfilt(sos, x))))
    inst_hz = np.maximum(np.diff(phase) * SR / (2 * np.pi), 1.0)
    cents = 1200 * np.log2(inst_hz / freq_hz)
    hop = SR // 100
    return np.array([np.median(cents[i: i + 4 * hop])
                     for i in range(0, len(cents) - 4 * hop, hop)])


def vibrato_cents(x: np.ndarray, freq_hz: float, *, start_s: float, stop_s: float) -> float:
    """Half the 5-95 % spread of the pitch between ``start_s`` and ``stop_s``."""
    track = pitch_cents(x, freq_hz)[int(start_s * 100): int(stop_s * 100)]
    return float(np.percentile(track, 95) - np.percentile(track, 5)) / 2


def rms(x: np.ndarray, start_s: float, stop_s: float) -> float:
    return float(np.sqrt(np.mean(x[int(start_s * SR): int(stop_s * SR)] ** 2)))


def test_the_bansuri_tone_sits_in_more_breath_than_the_concert_flute() -> None:
    """Breathier than the flute by at least 3 dB, yet still a pitched note, not wind."""
    bansuri = noise_to_tone_db(raw_tone("bansuri"), C5_HZ)
    flute = noise_to_tone_db(raw_tone("flute"), C5_HZ)
    assert bansuri >= flute + 3.0
    assert bansuri <= -10.0


def test_the_bansuri_speaks_with_a_chiff_of_air() -> None:
    """Air above the note (above 2 kHz) is far louder in the first 30 ms than once held."""
    sos = butter(4, 2000.0, btype="high", fs=SR, output="sos")
    air = sosfiltfilt(sos, raw_tone("bansuri"))
    assert rms(air, 0.0, 0.03) > 3.0 * rms(air, 1.0, 2.0)


def test_a_held_bansuri_note_swells_after_it_speaks() -> None:
    x = raw_tone("bansuri")
    assert rms(x, 0.1, 0.3) < 0.8 * rms(x, 1.5, 2.5)
    assert abs(rms(x, 1.5, 2.0) / rms(x, 2.0, 2.5) - 1.0) < 0.1  # then it holds


def test_the_bansuri_vibrato_comes_only_once_the_note_is_held() -> None:
    x = raw_tone("bansuri")
    assert vibrato_cents(x, C5_HZ, start_s=0.1, stop_s=0.45) < 6.0
    assert vibrato_cents(x, C5_HZ, start_s=1.0, stop_s=2.5) > 10.0


def test_a_bansuri_meend_glides_slowly_where_a_flute_scoops() -> None:
    """From two semitones below: the bansuri is still on its way at 100 ms, the flute has
    arrived; both land on the note."""
    for instrument, still_gliding in (("bansuri", True), ("flute", False)):
        track = pitch_cents(raw_tone(instrument, seconds=1.0, glide_st=-2.0), C5_HZ)
        assert bool(track[10] < -40.0) is still_gliding, instrument
        assert abs(np.median(track[45:60])) < 10.0, instrument


def test_the_bansuri_slides_between_notes_more_than_a_flute() -> None:
    """The same melodies (twenty seeds): meend, the slide, is the bansuri's first
    ornament."""
    def n_slides(instrument: str) -> int:
        return sum(n.glide_st != 0.0 for seed in range(20)
                   for n in melody_of("raga-at-dawn", instrument=instrument, seed=seed)[1])
    assert n_slides("bansuri") >= 1.5 * n_slides("flute") > 0


def raga_melody(instrument: str, *, seed: int) -> list[Note]:
    """Raga at Dawn's own melody (the contemplative alap), 64 beats, on ``instrument``."""
    ctl = palette_controls("raga-at-dawn", human="robotic")
    return melody_notes(ctl, style_name="contemplative",
                        chords=chords_of(ctl, n_beats=64.0), n_beats=64.0,
                        instrument=instrument, rng=np.random.default_rng(seed))


def test_a_bansuri_breathes_inside_a_note_longer_than_one_breath() -> None:
    """The alap's long notes (up to 18 s in the plan) are breathed: no bansuri note is
    longer than one breath, and a long note comes back on its pitch after a short silence;
    the same plan on a bowed erhu (no breath to run out of) keeps its long notes."""
    breath_s = INSTRUMENT_VOICES["bansuri"].breath_s
    assert 0.0 < breath_s
    bansuri = [raga_melody("bansuri", seed=seed) for seed in range(6)]
    assert max(n.dur_s for notes in bansuri for n in notes) <= breath_s + 1e-9
    rebreathed = [(a, b) for notes in bansuri for a, b in zip(notes, notes[1:])
                  if a.midi == b.midi
                  and 0.0 < b.start_s - (a.start_s + a.dur_s) <= BREATH_GAP_S + 1e-9]
    assert rebreathed
    erhu = [raga_melody("erhu", seed=seed) for seed in range(6)]
    assert max(n.dur_s for notes in erhu for n in notes) > breath_s


def test_a_flute_pad_is_one_player_holding_long_tones_on_the_chord() -> None:
    """Japanese Garden's flute pad: one note at a time (never a chord), each a tone of the
    chord under it and at most one breath long, a breath of silence between them, moving
    from tone to tone; the same pad on strings still holds the chords."""
    ctl = palette_controls("japanese-garden")
    chords = chords_of(ctl, n_beats=64.0)
    line = sorted(pad_notes(ctl, style="thin_high", chords=chords, n_beats=64.0,
                            instrument="flute"), key=lambda n: n.start_s)
    assert len(line) >= 4
    for a, b in zip(line, line[1:]):
        assert b.start_s - (a.start_s + a.dur_s) == pytest.approx(BREATH_GAP_S, abs=1e-6)
    assert max(n.dur_s for n in line) <= INSTRUMENT_VOICES["flute"].breath_s + 1e-9
    for n in line:
        chord = chord_at(chords, n.start_s / ctl.beat_s)
        assert (int(n.midi) - chord.root_pc) % 12 in {i % 12 for i in chord.intervals}
    assert len({n.midi for n in line}) >= 2
    strings = pad_notes(ctl, style="thin_high", chords=chords, n_beats=64.0,
                        instrument="strings")
    assert len({n.start_s for n in strings}) < len(strings)  # notes sounding together


def test_a_fast_flute_pad_still_sounds_every_chord() -> None:
    """At a fast tempo with a chord every beat (shorter than two breaths), each chord is
    still one note of positive length, on its tones."""
    ctl = palette_controls("japanese-garden", tempo="very_fast", bpm=200)
    chords = [replace(c, length_beats=1.0, start_beats=float(i))
              for i, c in enumerate(chords_of(ctl, n_beats=8.0) * 8)][:8]
    line = pad_notes(ctl, style="thin_high", chords=chords, n_beats=8.0, instrument="flute")
    assert len(line) == 8
    assert all(0.0 < n.dur_s <= ctl.beat_s for n in line)
