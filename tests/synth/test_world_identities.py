"""Style identities, second round (issue 14 item 3): gamelan, West African drums, Chinese and
Irish palettes carry the cues a musician names, measured on the planned events and, for the
tuning and the bronze, on rendered audio.
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc import vocab
from moodc.synth.controls import Controls, tuning_offsets_st
from moodc.synth.drums import drum_sound
from moodc.synth.engine import plan_piece
from moodc.synth.events import Note
from moodc.synth.instruments import INSTRUMENT_VOICES, KORA_CALABASH, OMBAK_HZ
from moodc.synth.melody import CUT_S, GLISS_N_TONES, GLISS_TONE_S, ORNAMENT_KINDS, melody_notes
from moodc.synth.notes import render_note
from moodc.synth.oscillators import midi_to_hz
from moodc.synth.patterns import WEST_AFRICAN_BELL, pad_notes, rhythm_hits
from moodc.synth.theory import chord_at
from tests.synth.test_identities import band_energy, beats_of, chords_of, palette_controls

SAMPLE_RATE = 22050


def steps_of(hits: list, ctl: Controls, sound: str, *, per_beat: int) -> list[int]:
    """Grid steps (``per_beat`` to a beat) of one drum sound's hits."""
    return [int(round(b * per_beat)) for b in beats_of([h for h in hits if h.sound == sound],
                                                       ctl)]


# ------------------------------------------------------------------------------------------
# Gamelan: tunings, bronze, interlocking, gong cycle
# ------------------------------------------------------------------------------------------

def test_equal_tempered_modes_are_never_retuned() -> None:
    for mode in vocab.MODE_INTERVALS:
        if mode not in vocab.MODE_CENTS:
            assert not any(tuning_offsets_st(mode)), mode


@pytest.mark.parametrize("mode", ["pelog", "slendro"])
def test_every_gamelan_pitch_sounds_at_its_tunings_cents(mode: str) -> None:
    """Melody, interlocking pad and bass all play the tuning's own cents (chords and bass
    included), and most of those are far from any equal-tempered semitone."""
    ctl = palette_controls("gamelan-temple", mode=mode)
    plans = plan_piece(ctl, duration_s=30.0, seed=2)
    notes = [n for plan in plans.values() for n in plan.notes]
    heard = {int(round((n.midi - ctl.root_pc) * 100.0)) % 1200 for n in notes}
    assert heard <= {int(c) for c in vocab.MODE_CENTS[mode]}
    assert len(heard) >= 4  # the tuning, not one drone
    off_grid = [c for c in heard if abs(c - 100 * round(c / 100)) >= 20]
    assert len(off_grid) >= len(heard) - 2, sorted(heard)
    assert {n.instrument for n in notes} == {"gamelan"}


def spectrum(x: np.ndarray, *, pad: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Magnitude spectrum of ``x`` (zero-padded ``pad`` times) and its frequencies (Hz)."""
    n = len(x) * pad
    return np.abs(np.fft.rfft(x, n=n)), np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)


def test_slendro_note_renders_at_its_cents_not_at_the_semitone() -> None:
    """Slendro's second degree (240 c above D4) sounds there, not at E4 (200 c)."""
    ctl = palette_controls("gamelan-temple", mode="slendro")
    midi = 62 + 2 + ctl.tuning_st[2]
    x = render_note("gamelan", midi=midi, n_gate=2 * SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                    cutoff_scale=1.0)
    mag, freqs = spectrum(x)
    expected_hz = midi_to_hz(62.0) * 2 ** (240 / 1200)
    window = (freqs > expected_hz * 0.95) & (freqs < expected_hz * 1.05)
    peak_hz = freqs[window][np.argmax(mag[window])]
    assert abs(1200 * np.log2(peak_hz / expected_hz)) < 3.0
    assert abs(1200 * np.log2(peak_hz / midi_to_hz(64.0))) > 35.0


def test_bronze_key_is_inharmonic_and_its_pair_beats_at_the_ombak_rate() -> None:
    f0 = midi_to_hz(67.0)
    x = render_note("gamelan", midi=67.0, n_gate=2 * SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                    cutoff_scale=1.0)
    mag, freqs = spectrum(x)

    def level(ratio: float) -> float:
        band = np.abs(freqs - ratio * f0) < 0.02 * ratio * f0
        return float(mag[band].max())
    assert level(2.76) > 10 * max(level(2.0), level(3.0))  # a bar's mode, not a harmonic
    # the fundamental's amplitude throbs at the pair's detuning
    band = np.fft.irfft(np.where(np.abs(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) - f0) < 30,
                                 np.fft.rfft(x), 0), n=len(x))
    frame = SAMPLE_RATE // 100
    env = np.sqrt(np.mean(band[: len(band) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    env = env[5:150]  # 50 ms .. 1.5 s, inside the gate
    t = np.arange(len(env)) / 100.0
    wobble = np.log(env + 1e-9) - np.polyval(np.polyfit(t, np.log(env + 1e-9), 1), t)
    emag = np.abs(np.fft.rfft(wobble, n=2048))
    efreqs = np.fft.rfftfreq(2048, 0.01)
    usable = (efreqs > 1.5) & (efreqs < 20.0)
    assert abs(efreqs[usable][np.argmax(emag[usable])] - OMBAK_HZ) < 0.6


def band_rms(x: np.ndarray, *, low_hz: float, high_hz: float, start_s: float,
             stop_s: float) -> float:
    """RMS of ``x`` in ``[low_hz, high_hz)`` between ``start_s`` and ``stop_s``."""
    spec = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
    spec[(freqs < low_hz) | (freqs >= high_hz)] = 0.0
    part = np.fft.irfft(spec, n=len(x))[int(start_s * SAMPLE_RATE):int(stop_s * SAMPLE_RATE)]
    return float(np.sqrt(np.mean(part ** 2)))


@pytest.mark.parametrize("midi", [62.0, 72.0])
def test_a_bronze_key_is_struck_bright_then_rings_on_its_fundamental(midi: float) -> None:
    """The mallet's strike is a bright inharmonic burst above 4 kHz in the first 20 ms that
    is gone by 100 ms; after it, the key's upper mode (×2.76) dies long before the
    fundamental, which is still ringing a second later."""
    f0 = midi_to_hz(midi)
    x = render_note("gamelan", midi=midi, n_gate=3 * SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                    cutoff_scale=1.0).astype(np.float64)
    strike = band_rms(x, low_hz=4000.0, high_hz=SAMPLE_RATE / 2, start_s=0.0, stop_s=0.02)
    whole = band_rms(x, low_hz=0.0, high_hz=SAMPLE_RATE / 2, start_s=0.0, stop_s=0.02)
    after = band_rms(x, low_hz=4000.0, high_hz=SAMPLE_RATE / 2, start_s=0.1, stop_s=0.3)
    assert (strike / whole) ** 2 > 0.02  # a synth's sine-bell onset has ~0.001 up there
    assert after < 0.05 * strike

    def fall_db(ratio: float) -> float:
        kw = dict(low_hz=0.95 * ratio * f0, high_hz=1.05 * ratio * f0)
        return 20 * np.log10(band_rms(x, start_s=1.0, stop_s=1.3, **kw)
                             / band_rms(x, start_s=0.05, stop_s=0.35, **kw))
    assert fall_db(1.0) > -6.0  # the fundamental rings on
    assert fall_db(2.76) < fall_db(1.0) - 6.0


def test_the_low_keys_are_struck_with_padded_mallets() -> None:
    """A slenthem or gender key (D3) is struck with a padded mallet: far less of its
    onset is above 2 kHz than a saron key's (D5), struck with a wooden one."""
    def onset_high_share(midi: float) -> float:
        x = render_note("gamelan", midi=midi, n_gate=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                        cutoff_scale=1.0).astype(np.float64)
        high = band_rms(x, low_hz=2000.0, high_hz=SAMPLE_RATE / 2, start_s=0.0, stop_s=0.02)
        return (high / band_rms(x, low_hz=0.0, high_hz=SAMPLE_RATE / 2, start_s=0.0,
                                stop_s=0.02)) ** 2
    assert onset_high_share(50.0) < 0.25 * onset_high_share(74.0)


def test_the_player_damps_each_key_as_the_next_is_struck() -> None:
    """Tutup: a key still ringing loud when its note ends falls silent within a tenth of a
    second (the player's other hand), so each polos/sangsih player and the lead sound one
    key at a time instead of a wash of ringing bronze."""
    gate_s = 0.3
    n_gate = int(gate_s * SAMPLE_RATE)
    kw = dict(midi=67.0, sample_rate=SAMPLE_RATE, cutoff_scale=1.0)
    damped = render_note("gamelan", n_gate=n_gate, **kw).astype(np.float64)
    ringing = render_note("gamelan", n_gate=3 * SAMPLE_RATE, **kw).astype(np.float64)
    assert len(damped) <= n_gate + 0.1 * SAMPLE_RATE
    # 40 ms after the note ends, the damped key has lost most of the ring it would have had
    tail = slice(n_gate + int(0.04 * SAMPLE_RATE), len(damped))
    assert np.sum(damped[tail] ** 2) < 0.1 * np.sum(ringing[tail] ** 2)
    # in the piece: each player's key has stopped within 0.1 s of their next stroke
    ctl = palette_controls("gamelan-temple")
    plans = plan_piece(ctl, duration_s=20.0, seed=3)
    release_s = INSTRUMENT_VOICES["gamelan"].release_s
    for layer in ("pad", "melody"):
        notes = plans[layer].notes
        for pan in {n.pan for n in notes}:
            line = sorted((n for n in notes if n.pan == pan), key=lambda n: n.start_s)
            rings_on = [a.start_s + a.dur_s + release_s - b.start_s
                        for a, b in zip(line, line[1:], strict=False)]
            assert max(rings_on) <= 0.1, (layer, pan)


def _kotekan(seed: int = 1, n_beats: float = 32.0) -> tuple[Controls, list[Note], list[Note]]:
    """gamelan-temple's interlocking parts over its own melody (both before tuning)."""
    ctl = palette_controls("gamelan-temple")
    chords = chords_of(ctl, n_beats=n_beats, seed=seed)
    melody = melody_notes(ctl, style_name="lyrical", chords=chords, n_beats=n_beats,
                          instrument="gamelan", rng=np.random.default_rng(seed))
    notes = pad_notes(ctl, style="warm", chords=chords, n_beats=n_beats, instrument="gamelan",
                      melody=melody)
    return ctl, melody, notes


def test_polos_and_sangsih_interlock_at_double_speed() -> None:
    """Nyog cag: each player strikes every other sixteenth; together they fill every
    sixteenth and strike the same one only on the gong, in unison, where the gong ageng
    closes the cycle."""
    ctl, _, notes = _kotekan()
    polos = [int(round(b * 4)) for b in beats_of([n for n in notes if n.pan < 0], ctl)]
    sangsih = [int(round(b * 4)) for b in beats_of([n for n in notes if n.pan > 0], ctl)]
    gong_steps = [4 * b for b in steps_of(rhythm_hits(ctl, style="gong_cycle", n_beats=32.0),
                                          ctl, "gong_ageng", per_beat=1)]
    assert gong_steps == [60, 124]
    assert all(s % 2 == 0 for s in polos)
    assert sorted(set(polos) & set(sangsih)) == gong_steps
    assert all(s % 2 == 1 for s in sangsih if s not in gong_steps)
    assert sorted(set(polos + sangsih)) == list(range(128))
    assert set(np.diff(polos)) == {2}
    for step in gong_steps:  # both players, one tone
        together = [n for n in notes if int(round(n.start_s / ctl.beat_s * 4)) == step]
        assert len(together) == 2 and together[0].midi == together[1].midi
    # a bowed or blown pad does not interlock: it holds the chords
    held = pad_notes(ctl, style="warm", chords=chords_of(ctl, n_beats=32.0), n_beats=32.0,
                     instrument="strings")
    assert len(held) < len(notes) / 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kotekan_lands_on_every_balungan_tone(seed: int) -> None:
    """Each group of four sixteenths ends on the beat on the melody's tone there (the
    balungan), in the parts' own register: the parts elaborate the melody."""
    ctl, melody, notes = _kotekan(seed)
    landings = {round(n.start_s / ctl.beat_s, 6): n.midi for n in notes if n.pan < 0}
    checked = 0
    for beat in range(32):
        sounding = [m for m in melody if m.start_s <= (beat + 0.125) * ctl.beat_s]
        if not sounding:
            continue
        assert landings[float(beat)] % 12 == sounding[-1].midi % 12, beat
        assert 50 <= landings[float(beat)] <= 70
        checked += 1
    assert checked >= 30


def test_kotekan_without_a_melody_lands_on_the_chord_roots() -> None:
    """With no melody to elaborate (``melody: none``), the parts land on each beat's chord
    root instead."""
    ctl = palette_controls("gamelan-temple")
    chords = chords_of(ctl, n_beats=32.0)
    notes = pad_notes(ctl, style="warm", chords=chords, n_beats=32.0, instrument="gamelan")
    landings = [n for n in notes if n.pan < 0 and round(n.start_s / ctl.beat_s, 6) % 1 == 0]
    assert len(landings) == 32
    assert all(n.midi % 12 == chord_at(chords, n.start_s / ctl.beat_s).root_pc
               for n in landings)


def test_kotekan_changes_as_the_melody_moves() -> None:
    """The figure is derived from the melody, not a loop: a different melody gives
    different parts, and each beat's figure depends on where the melody goes, so the
    four-note groups of a piece are many, rising into a rising tone and falling into a
    falling one."""
    ctl, _, one = _kotekan(seed=1)
    _, _, two = _kotekan(seed=2)
    assert [n.midi for n in one] != [n.midi for n in two]
    stream = [n.midi for n in one if n.pan < 0 or int(round(n.start_s / ctl.beat_s * 4)) % 2]
    groups = {tuple(stream[k:k + 4]) for k in range(1, 125, 4)}
    assert len(groups) >= 8
    rising = falling = 0
    for k in range(4, 125, 4):
        before, run, target = stream[k - 4], stream[k - 3:k], stream[k]
        if target > before:
            rising += 1
            assert run[0] < target
        elif target < before:
            falling += 1
            assert run[0] > target
    assert rising and falling


def test_kotekan_swells_over_the_gong_cycle_and_a_hard_stroke_is_brighter() -> None:
    """Stroke force swells to mid-cycle and falls back before the gong, landings on the
    beat stronger than the strokes between, the gong stroke strongest; a harder stroke
    is brighter, its high strike modes (in the first 30 ms) stronger, not only louder."""
    ctl, _, notes = _kotekan()
    by_step = {int(round(n.start_s / ctl.beat_s * 4)): n for n in notes if n.pan > 0}
    edge = np.mean([by_step[k].velocity for k in (1, 3, 5, 7, 121, 123)])
    middle = np.mean([by_step[k].velocity for k in (29, 31, 33, 35)])
    assert middle > 1.2 * edge
    polos = {int(round(n.start_s / ctl.beat_s * 4)): n for n in notes if n.pan < 0}
    assert all(polos[k].velocity > polos[k - 2].velocity for k in range(8, 56, 4))
    assert polos[60].velocity == max(n.velocity for n in notes)
    # brightness follows force: a louder stroke never gets a darker tone
    ranked = sorted(notes, key=lambda n: n.velocity)
    assert all(a.cutoff_mul <= b.cutoff_mul for a, b in zip(ranked, ranked[1:]))
    assert len({n.cutoff_mul for n in notes}) >= 3

    def high_share(cutoff_mul: float) -> float:
        x = render_note("gamelan", midi=62.0, n_gate=SAMPLE_RATE // 4, sample_rate=SAMPLE_RATE,
                        cutoff_scale=ctl.cutoff_scale * cutoff_mul).astype(np.float64)
        x = x[: int(0.03 * SAMPLE_RATE)]
        return float(np.sum(band_energy(x, low_hz=2000.0, high_hz=8000.0) ** 2)
                     / np.sum(x ** 2))

    soft, hard = min(n.cutoff_mul for n in notes), max(n.cutoff_mul for n in notes)
    assert high_share(hard) > 3.0 * high_share(soft)


def test_gong_cycle_marks_the_sixteen_beat_gongan() -> None:
    """Lancaran: kenong every fourth beat, kempul between, the gong ageng closing the cycle."""
    ctl = palette_controls("gamelan-temple")
    hits = rhythm_hits(ctl, style="gong_cycle", n_beats=32.0)
    assert steps_of(hits, ctl, "gong_ageng", per_beat=1) == [15, 31]
    assert steps_of(hits, ctl, "kenong", per_beat=1) == [3, 7, 11, 15, 19, 23, 27, 31]
    assert steps_of(hits, ctl, "kempul", per_beat=1) == [5, 9, 13, 21, 25, 29]


def test_the_kendang_answers_its_open_dhah_with_a_dry_tak() -> None:
    """The drummer's two strokes: the open bass "dhah" on 1 and 3, the small head's slapped
    "tak" on the and of 2 and on 4, higher (its energy mostly above 1 kHz) and dry (gone in a tenth
    of the dhah's ring)."""
    ctl = palette_controls("gamelan-temple")
    hits = rhythm_hits(ctl, style="gong_cycle", n_beats=4.0)
    assert steps_of(hits, ctl, "kendang", per_beat=2) == [0, 4]
    assert steps_of(hits, ctl, "kendang_tak", per_beat=2) == [3, 6]
    dhah, tak = (drum_sound(name, sample_rate=SAMPLE_RATE, cutoff_scale=1.0).astype(np.float64)
                 for name in ("kendang", "kendang_tak"))

    def high_share(x: np.ndarray) -> float:
        mag, freqs = spectrum(x)
        return float(np.sum(mag[freqs > 1000.0] ** 2) / np.sum(mag ** 2))

    def ring_s(x: np.ndarray) -> float:  # until the envelope is 40 dB below its peak
        frame = SAMPLE_RATE // 1000
        env = np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))
        return float(np.flatnonzero(env > env.max() * 0.01)[-1]) / 1000.0
    assert high_share(tak) > 0.5 > high_share(dhah)
    assert ring_s(tak) < 0.25 * ring_s(dhah)


# ------------------------------------------------------------------------------------------
# West African drums and drum circles
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("tempo", ["medium", "fast", "very_fast"])
def test_djembe_ensemble_keeps_the_standard_bell_in_twelve_eight(tempo: str) -> None:
    """The bell plays x.x.xx.x.x.x at every tempo, the kenkeni six even strokes against the
    dunun bells' four beats (3:2)."""
    ctl = palette_controls("west-african-drums", tempo=tempo)
    assert (ctl.beats_per_bar, ctl.beat_division) == (4, 3)
    hits = rhythm_hits(ctl, style="djembe", n_beats=8.0)
    bell = [k for k, ch in enumerate(WEST_AFRICAN_BELL) if ch == "x"]
    assert steps_of(hits, ctl, "iron_bell", per_beat=3) == bell + [12 + k for k in bell]
    kenkeni = steps_of(hits, ctl, "kenkeni", per_beat=3)[:6]
    bells = steps_of(hits, ctl, "dunun_bell", per_beat=3)[:4]
    assert kenkeni == [0, 2, 4, 6, 8, 10] and bells == [0, 3, 6, 9]
    assert steps_of(hits, ctl, "djembe_slap", per_beat=3)[:4] == [2, 5, 8, 11]  # as written
    assert {"djembe_bass", "djembe_tone", "djembe_slap", "dundun", "sangban"} <= {
        h.sound for h in hits}
    assert "frame_drum" not in {h.sound for h in hits}  # an Irish skin, not a Mande one


def test_the_lead_djembe_calls_and_the_ensemble_answers_in_unison() -> None:
    """Every four bars: the lead djembe's call in the third bar (only there), then in the
    fourth every drum of the ensemble strikes the same three strokes together and rests;
    the bells run on through the answer, and the groove comes back on the next downbeat."""
    ctl = palette_controls("west-african-drums")
    bar = ctl.beats_per_bar
    hits = rhythm_hits(ctl, style="djembe", n_beats=8 * bar)
    calls = beats_of([h for h in hits if h.sound == "djembe_call"], ctl)
    assert len(calls) >= 8
    assert {int(b // bar) for b in calls} == {2, 6}
    drums = ("djembe_bass", "djembe_tone", "djembe_slap", "dundun", "sangban", "kenkeni")
    for sound in drums:
        answer = [s - 36 for s in steps_of(hits, ctl, sound, per_beat=3) if 36 <= s < 48]
        assert answer == [0, 3, 6], sound
        assert any(48 <= s < 51 for s in steps_of(hits, ctl, sound, per_beat=3)) or \
            sound in ("djembe_slap", "djembe_tone", "sangban"), sound
    answer_bells = [s for s in steps_of(hits, ctl, "iron_bell", per_beat=3) if 36 <= s < 48]
    assert len(answer_bells) == 7


def _centroid_hz(x: np.ndarray, *, sample_rate: int) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    return float((power * np.fft.rfftfreq(len(x), 1.0 / sample_rate)).sum() / power.sum())


def _ring_s(x: np.ndarray, *, sample_rate: int, drop_db: float = 30.0) -> float:
    """How long ``x`` stays within ``drop_db`` of its loudest 10 ms frame."""
    n = sample_rate // 100
    frames = x[: len(x) // n * n].reshape(-1, n)
    level = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-12)
    return float(np.nonzero(level > level.max() - drop_db)[0][-1] * 0.01)


def test_the_djembe_slap_cracks_high_and_short_the_tone_rings_mid_the_bass_thumps() -> None:
    """A drummer's three strokes on one skin: the bass deep (centroid under 150 Hz), the
    tone a ringing mid, the slap a bright, high crack (centroid above 1 kHz, most of it
    above 1 kHz) that is gone in a third of the tone's time; the lead djembe's call is the
    same slap on a higher-tuned drum."""
    sr = 44100
    sound = {name: drum_sound(name, sample_rate=sr, cutoff_scale=2.0).astype(np.float64)
             for name in ("djembe_bass", "djembe_tone", "djembe_slap", "djembe_call")}
    centroid = {name: _centroid_hz(x, sample_rate=sr) for name, x in sound.items()}
    assert centroid["djembe_bass"] < 150.0 < 250.0 < centroid["djembe_tone"] < 700.0
    assert centroid["djembe_slap"] > 1000.0
    assert centroid["djembe_call"] > centroid["djembe_slap"]
    slap = sound["djembe_slap"]
    high = np.abs(np.fft.rfft(slap)) ** 2
    assert high[np.fft.rfftfreq(len(slap), 1.0 / sr) > 1000.0].sum() > 0.4 * high.sum()
    assert _ring_s(slap, sample_rate=sr) < _ring_s(sound["djembe_tone"], sample_rate=sr) / 3


def test_the_dunun_bell_clanks_lower_and_drier_than_the_timeline_bell() -> None:
    """The flat bell on a dunun, struck with a rod: a clank lower than the timeline's iron
    bell (its strongest partial under 1 kHz, the iron bell's over 1.5 kHz), ringing about
    half as long."""
    sr = 44100
    dunun, iron = (drum_sound(name, sample_rate=sr, cutoff_scale=2.0).astype(np.float64)
                   for name in ("dunun_bell", "iron_bell"))

    def peak_hz(x: np.ndarray) -> float:
        return float(np.fft.rfftfreq(len(x), 1.0 / sr)[np.argmax(np.abs(np.fft.rfft(x)))])
    assert peak_hz(dunun) < 1000.0 < 1500.0 < peak_hz(iron)
    assert _ring_s(dunun, sample_rate=sr) < 0.7 * _ring_s(iron, sample_rate=sr)


def test_the_dunun_are_the_bass_and_the_kora_plays_on_top() -> None:
    """No plucked bass under the drums (the dundunba is the ensemble's low end) and every
    kora note sits in its treble, above the djembe's tone (~330 Hz)."""
    ctl = palette_controls("west-african-drums")
    plans = plan_piece(ctl, duration_s=20.0, seed=1)
    assert "bass" not in plans or not plans["bass"].notes
    kora = [n for n in plans["melody"].notes if n.instrument == "kora"]
    assert kora and min(midi_to_hz(n.midi) for n in kora) > 330.0


def test_kora_is_a_plucked_harp_and_the_drum_circle_reads_as_drums() -> None:
    assert INSTRUMENT_VOICES["kora"].percussive
    ctl = palette_controls("west-african-drums", density=4, melody="none", pad="none",
                           bass="arpeggio")
    plans = plan_piece(ctl, duration_s=12.0, seed=1)
    assert len(plans["rhythm"].hits) > 5 * len(plans["bass"].notes) / 2


def _level_db(x: np.ndarray, freq_hz: float) -> float:
    """Level of one frequency in ``x`` (Hann window, zero-padded FFT), dB."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x)), 8 * SAMPLE_RATE))
    freqs = np.fft.rfftfreq(8 * SAMPLE_RATE, 1.0 / SAMPLE_RATE)
    return float(20 * np.log10(spectrum[np.argmin(np.abs(freqs - freq_hz))] + 1e-12))


@pytest.mark.parametrize("midi", [64, 69, 76])
def test_the_kora_calabash_knocks_under_every_pluck_whatever_the_note(midi: int) -> None:
    # the gourd's air resonance is no harmonic of these notes, yet it sounds at the pluck
    # (a lone plucked string has nothing there) and is gone a moment later
    voice = INSTRUMENT_VOICES["kora"]
    tone = voice.osc(midi_to_hz(midi), n_samples=SAMPLE_RATE, sample_rate=SAMPLE_RATE,
                     cutoff_hz=voice.cutoff_hz, glide_st=0.0)
    air_hz = KORA_CALABASH[0][0]
    onset, later = tone[: SAMPLE_RATE // 10], tone[int(0.6 * SAMPLE_RATE):int(0.7 * SAMPLE_RATE)]
    assert _level_db(onset, air_hz) > _level_db(onset, 1.3 * air_hz) + 12.0
    assert _level_db(onset, air_hz) - _level_db(later, air_hz) > 40.0


# ------------------------------------------------------------------------------------------
# Chinese: guzheng glissandi, erhu slides
# ------------------------------------------------------------------------------------------

def melody_of(palette: str, *, instrument: str, n_beats: float = 64.0, seed: int = 3,
              **changes: str) -> tuple[Controls, list[Note]]:
    ctl = palette_controls(palette, human="robotic", **changes)
    notes = melody_notes(ctl, style_name="lyrical", chords=chords_of(ctl, n_beats=n_beats),
                         n_beats=n_beats, instrument=instrument,
                         rng=np.random.default_rng(seed))
    return ctl, notes


def glissandi(notes: list[Note]) -> list[list[Note]]:
    """Runs of GLISS_N_TONES notes GLISS_TONE_S apart that end as the next note starts."""
    runs = []
    for i in range(len(notes) - GLISS_N_TONES):
        run = notes[i: i + GLISS_N_TONES + 1]
        gaps = np.diff([n.start_s for n in run])
        if np.allclose(gaps, GLISS_TONE_S, atol=1e-6):
            runs.append(run)
    return runs


def test_guzheng_sweeps_up_the_strings_into_its_notes() -> None:
    _, notes = melody_of("chinese-garden", instrument="guzheng")
    runs = glissandi(notes)
    assert len(runs) >= 3
    for run in runs:
        pitches = [n.midi for n in run[:-1]]
        assert pitches == sorted(pitches) and pitches[-1] <= run[-1].midi
    _, plain = melody_of("chinese-garden", instrument="koto")
    assert not glissandi(plain)


def test_erhu_slides_between_notes_more_than_a_flute() -> None:
    """The same melodies (six seeds): the erhu's ornaments are mostly portamento slides."""
    def n_slides(instrument: str) -> int:
        return sum(n.glide_st != 0.0 for seed in range(6)
                   for n in melody_of("chinese-garden", instrument=instrument, seed=seed)[1])
    assert n_slides("erhu") >= 2 * n_slides("flute") > 0


# ------------------------------------------------------------------------------------------
# Celtic: jig, bodhrán, cuts and rolls
# ------------------------------------------------------------------------------------------

def test_bodhran_plays_jig_triplets_accented_on_each_dotted_beat() -> None:
    """Continuous triplets, the tipper rocking: down-up-down, up-down-up; the hand inside
    the skin lets the first beat ring open and presses for the second (a low and a high
    note each bar)."""
    ctl = palette_controls("celtic-jig")
    hits = rhythm_hits(ctl, style="jig", n_beats=2.0)
    assert (ctl.beats_per_bar, ctl.beat_division) == (2, 3)
    assert steps_of(hits, ctl, "bodhran", per_beat=3) == [0, 2]
    assert steps_of(hits, ctl, "bodhran_up", per_beat=3) == [1]
    assert steps_of(hits, ctl, "bodhran_up_pressed", per_beat=3) == [3, 5]
    assert steps_of(hits, ctl, "bodhran_pressed", per_beat=3) == [4]
    v = [h.velocity for h in hits]
    assert v[0] > v[3] > max(v[1], v[2], v[4], v[5])


def test_a_bodhran_roll_keeps_the_tippers_alternation() -> None:
    """The fill closing a phrase is the same rocking tipper, never two downs in a row."""
    ctl = palette_controls("celtic-jig")
    hits = rhythm_hits(ctl, style="jig", n_beats=ctl.beats_per_bar * 8)
    sounds = [h.sound for h in hits]
    assert set(sounds) == {"bodhran", "bodhran_up", "bodhran_pressed", "bodhran_up_pressed"}
    grid_s = ctl.beat_s / 3
    for a, b in zip(hits, hits[1:]):
        if abs(b.start_s - a.start_s - grid_s) < 1e-3 * grid_s:
            assert a.sound.startswith("bodhran_up") != b.sound.startswith("bodhran_up")


def test_fiddle_plays_cuts_and_rolls() -> None:
    """A cut: the upper note for CUT_S on the beat, then the note; a roll: note, upper,
    note, lower, note."""
    ctl, notes = melody_of("celtic-jig", instrument="fiddle", n_beats=48.0)
    cuts = [(a, b) for a, b in zip(notes, notes[1:])
            if abs(a.dur_s - CUT_S) < 1e-9 and abs(b.start_s - a.start_s - CUT_S) < 1e-9]
    assert cuts and all(a.midi > b.midi for a, b in cuts)
    rolls = [w for w in zip(notes, notes[1:], notes[2:], notes[3:], notes[4:])
             if w[0].midi == w[2].midi == w[4].midi and w[1].midi > w[0].midi > w[3].midi
             and np.allclose(np.diff([n.start_s for n in w[:4]]), w[0].dur_s)]
    assert rolls


def test_a_jig_is_played_at_a_jigs_speed() -> None:
    """A session plays a jig at 110-120 dotted quarters a minute: running eighths at ~6
    notes a second, and the fiddle's tune (ornaments aside) near that, not a slow air."""
    ctl = palette_controls("celtic-jig")
    assert 110.0 <= 60.0 / ctl.beat_s <= 120.0
    plans = [plan_piece(ctl, duration_s=30.0, seed=seed)["melody"].notes for seed in (1, 2, 3)]
    onsets_per_s = [len({round(n.start_s, 3) for n in notes if n.dur_s > CUT_S}) / 30.0
                    for notes in plans]
    assert min(onsets_per_s) >= 4.0, onsets_per_s
    # a restated figure runs on: the fiddle never rests a whole bar in the tune
    bar_s = ctl.beats_per_bar * ctl.beat_s
    for notes in plans:
        assert {int(n.start_s // bar_s) for n in notes} >= set(range(int(30.0 // bar_s)))


def test_the_jigs_guitar_strums_down_on_each_beat_and_up_on_its_last_eighth() -> None:
    """The session guitar drives the jig: a strum on each dotted-quarter beat (the bar's
    first the hardest) and a lighter one on the beat's third eighth, every chord ringing
    to the next stroke; played under the fiddle, quieter than a held pad."""
    ctl = palette_controls("celtic-jig")
    assert INSTRUMENT_VOICES[ctl.instruments["pad"]].percussive
    chords = chords_of(ctl, n_beats=8.0)
    notes = pad_notes(ctl, style=ctl.styles["pad"], chords=chords, n_beats=8.0,
                      instrument=ctl.instruments["pad"])
    eighth_s = ctl.beat_s / 3
    strokes: dict[int, list[Note]] = {}
    for n in notes:  # a strum's strings follow its first within a fraction of an eighth
        strokes.setdefault(int(np.floor(n.start_s / eighth_s + 0.25)), []).append(n)
    assert sorted(strokes) == [k for k in range(24) if k % 3 in (0, 2)]
    loudness = {k: max(n.velocity for n in ns) for k, ns in strokes.items()}
    assert loudness[0] > loudness[3] > loudness[2] and loudness[3] > loudness[5]
    assert all(len({n.midi for n in ns}) >= 5 for ns in strokes.values())
    held = pad_notes(ctl, style=ctl.styles["pad"], chords=chords, n_beats=8.0,
                     instrument="organ")
    assert loudness[0] < max(n.velocity for n in held)


def test_a_slow_jigs_guitar_strums_only_on_the_beats() -> None:
    """Below medium every rhythm lane keeps only its strokes on the tempo feel's grid; the
    comping guitar too (at very_slow, the dotted beats), not a fast strum under a slow tune."""
    ctl = palette_controls("celtic-jig", tempo="very_slow", bpm=None)
    notes = pad_notes(ctl, style=ctl.styles["pad"], chords=chords_of(ctl, n_beats=8.0),
                      n_beats=8.0, instrument=ctl.instruments["pad"])
    assert {int(np.floor(n.start_s / ctl.beat_s + 0.1)) for n in notes} == set(range(8))
    beats = np.array([n.start_s / ctl.beat_s for n in notes])
    assert np.all(beats - np.round(beats) > -1e-9) and np.all(beats - np.round(beats) < 0.1)


def test_the_fiddles_bow_bites_into_each_note_over_a_grain_of_rosin() -> None:
    """A close-miked session fiddle is not a pure tone: between its harmonics (2-5 kHz,
    the bridge's region) there is rosin noise, at least -30 dB of the band while the note
    is held, and the bow's bite makes the first 40 ms at least twice as rough."""
    sr, f0_hz = 44100, midi_to_hz(62.0)
    tone = INSTRUMENT_VOICES["fiddle"].osc(f0_hz, n_samples=sr // 2, sample_rate=sr,
                                           cutoff_hz=5000.0, glide_st=0.0)

    def noise_share(start_s: float) -> float:
        x = tone[int(start_s * sr):int((start_s + 0.04) * sr)]
        power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
        hz = np.fft.rfftfreq(len(x), 1 / sr)
        band = (hz >= 2000.0) & (hz < 5000.0)
        between = np.abs(hz / f0_hz - np.round(hz / f0_hz)) * f0_hz > 60.0
        return float(power[band & between].sum() / power[band].sum())

    assert noise_share(0.2) > 1e-3
    assert noise_share(0.0) > 2.0 * noise_share(0.2)


def test_every_instrument_ornament_is_a_known_kind() -> None:
    for name, voice in INSTRUMENT_VOICES.items():
        for kind, weight in voice.ornaments or ():
            assert kind in ORNAMENT_KINDS and weight > 0, name


def test_the_jigs_drone_is_a_buzzing_reed_not_a_tonewheel_organ() -> None:
    """The pipes' drones are reeds: every harmonic of the low D up to the 10th sounds (within
    30 dB of the strongest); a tonewheel organ's drawbars leave the 5th and 7th out."""
    def harmonics_db(instrument: str) -> np.ndarray:
        f0_hz, sr = midi_to_hz(38.0), 44100
        tone = INSTRUMENT_VOICES[instrument].osc(f0_hz, n_samples=sr, sample_rate=sr,
                                                 cutoff_hz=5000.0, glide_st=0.0)
        spectrum = np.abs(np.fft.rfft(tone[sr // 4:] * np.hanning(len(tone) - sr // 4)))
        hz = np.fft.rfftfreq(len(tone) - sr // 4, 1 / sr)
        peaks = np.array([spectrum[np.abs(hz - k * f0_hz) < 0.3 * f0_hz].max()
                          for k in range(1, 11)])
        return 20 * np.log10(peaks / peaks.max())
    drone = palette_controls("celtic-jig").instruments["bass"]
    assert harmonics_db(drone).min() > -30.0
    assert harmonics_db("organ")[[4, 6]].max() < -30.0
