"""The hand drums and brushes of the acoustic styles sound like skins, sticks and wires, not
like a drum machine's sine sweeps and white-noise hats.

Each test states what a drummer would hear, measured on the finished drum sound.
"""

from __future__ import annotations

import numpy as np
import pytest

from moodc.dsp.design import butter_sos
from moodc.dsp.sosfilt import sosfilt
from moodc.synth.drums import drum_sound
from moodc.synth.patterns import rhythm_hits
from tests.synth.test_identities import palette_controls

SR = 44100


def _sound(name: str) -> np.ndarray:
    return drum_sound(name, sample_rate=SR, cutoff_scale=2.0).astype(np.float64)


def _low_peak_hz(x: np.ndarray, *, start_s: float, stop_s: float) -> float:
    """The strongest frequency between 30 and 300 Hz in ``x[start_s:stop_s]`` (Hann
    window, zero-padded to a 1 Hz grid): where the drum's low pitch sits then."""
    seg = x[int(start_s * SR): int(stop_s * SR)]
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), n=SR))
    return float(30 + np.argmax(spectrum[30:300]))


def _band_share(x: np.ndarray, *, low_hz: float, high_hz: float) -> float:
    """Fraction of ``x``'s energy between ``low_hz`` and ``high_hz``."""
    power = np.abs(np.fft.rfft(x)) ** 2
    hz = np.fft.rfftfreq(len(x), 1 / SR)
    return float(power[(hz >= low_hz) & (hz < high_hz)].sum() / power.sum())


def _envelope_db(x: np.ndarray, *, frame_s: float = 0.01) -> np.ndarray:
    """RMS level per ``frame_s`` frame, in dB."""
    n = int(frame_s * SR)
    frames = x[: len(x) // n * n].reshape(-1, n)
    return 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-12)


# ------------------------------------------------------------------------------------------
# The bodhrán
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bodhran", "frame_drum", "dundun", "sangban"])
def test_a_skin_drum_barely_changes_pitch_where_a_drum_machine_kick_falls(name: str) -> None:
    """A goatskin or a cowhide settles by a few %; the 808-style kick sweeps down (by
    nearly an octave in its first 0.1 s)."""
    def fall(sound: str) -> float:
        x = _sound(sound)
        return (_low_peak_hz(x, start_s=0.0, stop_s=0.05)
                / _low_peak_hz(x, start_s=0.10, stop_s=0.15))
    assert 0.9 < fall(name) < 1.08
    assert fall("kick_808") > 1.4


def test_a_bodhran_rings_with_the_skins_inharmonic_modes() -> None:
    """Above the fundamental a membrane rings at ×1.59 and ×2.14, not at ×2 (a tone)."""
    x = _sound("bodhran")
    spectrum = np.abs(np.fft.rfft(x, n=SR))  # 1 Hz bins
    f0 = int(np.argmax(spectrum[40:120])) + 40
    def level(ratio: float) -> float:
        k = int(round(f0 * ratio))
        return float(spectrum[k - 2: k + 3].max())
    assert level(1.59) > 3 * level(2.0)


def test_the_tippers_up_stroke_is_thinner_than_its_down_stroke() -> None:
    """The tipper's upper end strikes further from the centre and lighter: less of the
    skin's low boom, more of its higher modes."""
    down, up = _sound("bodhran"), _sound("bodhran_up")
    assert (_band_share(up, low_hz=30, high_hz=100)
            < 0.8 * _band_share(down, low_hz=30, high_hz=100))
    assert np.sqrt((up**2).mean()) < np.sqrt((down**2).mean())


def test_a_bodhran_stroke_starts_with_the_tippers_click() -> None:
    """The wooden tipper clicks on the skin: the stroke has real energy above 1 kHz (a
    sine-swept kick has none), and much of it comes in the first 10 ms, a click, not a
    hiss under the stroke."""
    x = _sound("bodhran")
    assert _band_share(x, low_hz=1000, high_hz=10000) > 0.05
    assert _band_share(_sound("kick_808"), low_hz=1000, high_hz=10000) < 0.001
    high = sosfilt(butter_sos(4, 1000.0, btype="highpass", sample_rate=SR), x) ** 2
    assert high[: int(0.01 * SR)].sum() > 0.3 * high.sum()


@pytest.mark.parametrize(("open_", "pressed"), [("bodhran", "bodhran_pressed"),
                                               ("bodhran_up", "bodhran_up_pressed")])
def test_the_hand_inside_the_bodhran_raises_and_stops_its_note(open_: str,
                                                               pressed: str) -> None:
    """The player's other hand pressing the back of the skin tightens it and damps it: the
    low note rises (by about a fifth) and dies sooner; the tipper's click is the same."""
    def ring_s(x: np.ndarray) -> float:
        level = _envelope_db(x)
        return float(np.nonzero(level > level.max() - 30.0)[0][-1] * 0.01)
    a, b = _sound(open_), _sound(pressed)
    rise = _low_peak_hz(b, start_s=0.0, stop_s=0.08) / _low_peak_hz(a, start_s=0.0, stop_s=0.08)
    assert 1.3 < rise < 1.7
    assert ring_s(b) < 0.75 * ring_s(a)


def test_the_tipper_plays_under_the_tune_not_like_a_hand_on_a_frame_drum() -> None:
    """The same goatskin: a drum circle's flat hand strikes it full; the session's light
    tipper, the skin damped behind it, well under half as loud."""
    def rms(name: str) -> float:
        return float(np.sqrt((_sound(name) ** 2).mean()))
    assert rms("bodhran") < 0.5 * rms("frame_drum")


@pytest.mark.parametrize("name", ["dundun", "sangban", "kenkeni"])
def test_a_dunun_is_struck_with_a_stick(name: str) -> None:
    """The dunun's stick cracks on the hide: several times the djembe bass stroke's (a
    palm's) energy above 1 kHz, most of it in the first 10 ms."""
    x = _sound(name)
    assert (_band_share(x, low_hz=1000, high_hz=10000)
            > 3 * _band_share(_sound("djembe_bass"), low_hz=1000, high_hz=10000))
    high = sosfilt(butter_sos(4, 1000.0, btype="highpass", sample_rate=SR), x) ** 2
    assert high[: int(0.01 * SR)].sum() > 0.4 * high.sum()


# ------------------------------------------------------------------------------------------
# Brushes on a snare
# ------------------------------------------------------------------------------------------

def test_a_brush_tap_on_a_snare_is_in_the_mid_band_not_a_hi_hats_hiss() -> None:
    """The snare wires buzz in the mids and the head has a body; a hi-hat is a thin
    metallic hiss above 7 kHz."""
    tap, hat = _sound("snare_brush"), _sound("hat")
    assert _band_share(tap, low_hz=150, high_hz=5000) > 0.7
    assert _band_share(hat, low_hz=150, high_hz=5000) < 0.3
    assert _band_share(tap, low_hz=150, high_hz=260) > 2 * _band_share(hat, low_hz=150,
                                                                       high_hz=260)


def test_a_brush_tap_has_no_sharp_front() -> None:
    """A brush's fan of wires lands over several ms: its peak comes later than a stick's."""
    def peak_ms(sound: str) -> float:
        env = np.abs(_sound(sound))
        return 1000 * float(np.argmax(env[: int(0.05 * SR)])) / SR
    assert peak_ms("snare_brush") > 4.0
    assert peak_ms("rim") < 2.0


def test_a_brush_sweep_is_long_noisy_and_swells() -> None:
    """The circling brush is a "shhh" held for most of half a bar: it grows to its peak
    (not struck) and stays within 10 dB of it for at least 0.3 s; the old swish was a
    burst."""
    env = _envelope_db(_sound("brush_sweep"))
    assert np.argmax(env) * 0.01 > 0.15
    assert (env > env.max() - 10).sum() * 0.01 >= 0.3
    x = _sound("brush_sweep")
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    band = spectrum[(np.fft.rfftfreq(len(x), 1 / SR) > 500)
                    & (np.fft.rfftfreq(len(x), 1 / SR) < 6000)]
    flatness = np.exp(np.mean(np.log(band + 1e-20))) / np.mean(band)
    assert flatness > 0.1  # noise, not a tone


def test_the_brush_sweep_moves_between_the_centre_and_the_rim() -> None:
    """Its colour moves as the brush circles: the share above 2.5 kHz differs between the
    sweep's first and last third."""
    x = _sound("brush_sweep")
    third = len(x) // 3
    early = _band_share(x[:third], low_hz=2500, high_hz=9000)
    late = _band_share(x[-third:], low_hz=2500, high_hz=9000)
    assert abs(early - late) > 0.1


@pytest.mark.parametrize("name", ["bodhran", "frame_drum", "dundun", "sangban", "kenkeni"])
def test_a_skin_drum_has_no_spike_its_modes_would_not_make(name: str) -> None:
    """The skin's modes do not all reach the ear in phase: a stroke's peak stays within
    ~4x its first 0.1 s's RMS (crest factor), where modes summed in phase reach ~5."""
    x = _sound(name)
    assert np.abs(x).max() < 4.0 * np.sqrt((x[: int(0.1 * SR)] ** 2).mean())


# ------------------------------------------------------------------------------------------
# The dhol (a baraat's drum) and the stick-struck snare
# ------------------------------------------------------------------------------------------

def _ms_to_fall_20_db(x: np.ndarray) -> float:
    """Milliseconds from the loudest 5 ms frame of ``x`` to the first 20 dB under it."""
    env = _envelope_db(x, frame_s=0.005)
    peak = int(np.argmax(env))
    return 5.0 * float(np.argmax(env[peak:] < env[peak] - 20.0))


def test_the_dagga_booms_low_and_sags_with_the_sticks_knock_at_its_front() -> None:
    """The bass head under the bent stick is nearly all below 250 Hz and its pitch sags as
    the slack skin relaxes (more than a tight skin's few %, less than an 808's octave); its
    first 10 ms carry the stick's knock and the hide's slap (an eighth of them above
    500 Hz, where a sine thud has 4 %), gone by 50 ms, when the boom is all that is left."""
    dagga = _sound("dhol_dagga")
    fall = (_low_peak_hz(dagga, start_s=0.0, stop_s=0.05)
            / _low_peak_hz(dagga, start_s=0.10, stop_s=0.15))
    assert 1.1 < fall < 1.4
    assert _band_share(dagga, low_hz=0.0, high_hz=250.0) > 0.9
    assert _band_share(dagga[: int(0.01 * SR)], low_hz=500.0, high_hz=20000.0) > 0.12
    assert _band_share(dagga[int(0.05 * SR):], low_hz=500.0, high_hz=20000.0) < 0.01


def test_the_tilli_cracks_high_and_dry() -> None:
    """The thin cane on the tight treble head: nothing down where the dagga booms, a crack
    (a quarter of its first 10 ms above 2 kHz; a ringing "tin" alone has 5 %) and a short
    ring, 20 dB down within 0.1 s."""
    tilli = _sound("dhol_tilli")
    assert _band_share(tilli, low_hz=0.0, high_hz=250.0) < 0.01
    assert _band_share(tilli[: int(0.01 * SR)], low_hz=2000.0, high_hz=20000.0) > 0.25
    assert _ms_to_fall_20_db(tilli) < 100.0


def test_the_dhol_rolls_into_the_phrase_on_both_sticks() -> None:
    """The fill is the dholi's roll: both sticks alternating in sixteenths over the last
    beat (dagga, tilli, dagga, tilli), swelling into the next phrase's downbeat. (The
    chaal's own off-beat lands late, swung, so the roll's sixteenths after the beat are its
    alone.)"""
    ctl = palette_controls("indian-wedding")
    end = ctl.feel.fill_every_bars * ctl.beats_per_bar
    hits = rhythm_hits(ctl, style="dhol", n_beats=end)

    def at(beat: float) -> list:
        return [h for h in hits if abs(h.start_s / ctl.beat_s - beat) < 1e-6]

    last = end - 1
    assert "dhol_dagga" in {h.sound for h in at(last)}
    after = [at(last + k / 4) for k in (1, 2, 3)]
    assert [[h.sound for h in strokes] for strokes in after] == [
        ["dhol_tilli"], ["dhol_dagga"], ["dhol_tilli"]]
    velocities = [strokes[0].velocity for strokes in after]
    assert velocities == sorted(velocities) and velocities[0] < velocities[-1]


def test_the_dhol_leads_the_baraat_as_loud_as_the_shehnai() -> None:
    """In indian-wedding the dhol's stem is within 1.5 LU of the shehnai's (it sat 3 LU
    under it: a procession's drum heard as accompaniment)."""
    import pyloudnorm

    from moodc.synth.engine import BlockRenderer

    sample_rate, duration_s = 22050, 12
    renderer = BlockRenderer(palette_controls("indian-wedding"), duration_s=duration_s,
                             sample_rate=sample_rate, seed=1)
    stems = renderer.stems(0, duration_s * sample_rate)
    meter = pyloudnorm.Meter(sample_rate)
    drums, shehnai = (meter.integrated_loudness(stems[layer].T.astype(np.float64))
                      for layer in ("rhythm", "melody"))
    assert abs(drums - shehnai) < 1.5


def test_the_dhol_plays_the_chaal_and_skips_with_the_shuffle() -> None:
    """"Dha na na na na dha dha na": the tilli on every eighth, the dagga with it on 1, the
    and-of-3 and 4; indian-wedding's swing plays every second eighth late."""
    ctl = palette_controls("indian-wedding")
    hits = rhythm_hits(ctl, style="dhol", n_beats=4.0)
    beats = {sound: [round(h.start_s / ctl.beat_s, 2) for h in hits if h.sound == sound]
             for sound in ("dhol_dagga", "dhol_tilli")}
    late = ctl.comp.swing_ratio  # the first eighth's share of the beat
    assert late > 0.55
    assert beats["dhol_dagga"] == [0.0, round(2 + late, 2), 3.0]
    assert beats["dhol_tilli"] == [round(b + d, 2) for b in range(4) for d in (0.0, late)]


def test_a_stick_snare_rattles_its_wires_over_a_head() -> None:
    """The head's pitch holds (no sweep) and most of the noise is the wires' mid band, not
    a drum machine's white noise reaching past 9 kHz."""
    x = _sound("snare")
    pitches = [_low_peak_hz(x, start_s=a, stop_s=a + 0.05) for a in (0.0, 0.05)]
    assert all(170.0 < p < 200.0 for p in pitches)
    assert _band_share(x, low_hz=400.0, high_hz=5000.0) > 0.5
    assert _band_share(x, low_hz=9000.0, high_hz=SR / 2) < 0.05


# ------------------------------------------------------------------------------------------
# The darbuka
# ------------------------------------------------------------------------------------------

def test_the_doum_booms_and_the_tek_cracks_short() -> None:
    """One goblet drum, two places on it: the doum in the centre is nearly all below 250 Hz
    and still rings 0.2 s on; the tek on the rim is high (a crack: over a third of its
    first 10 ms above 2 kHz) and very short (20 dB down within 70 ms); the other hand's ka
    is the same stroke, softer."""
    doum, tek, ka = _sound("doum"), _sound("tek"), _sound("ka")
    assert _band_share(doum, low_hz=0.0, high_hz=250.0) > 0.95
    assert _ms_to_fall_20_db(doum) > 200.0
    assert _band_share(tek, low_hz=1000.0, high_hz=20000.0) > 0.9
    assert _band_share(tek[: int(0.01 * SR)], low_hz=2000.0, high_hz=20000.0) > 0.3
    assert _ms_to_fall_20_db(tek) < 70.0
    assert np.sqrt((ka**2).mean()) < 0.7 * np.sqrt((tek**2).mean())


@pytest.mark.parametrize("style", ["maqsum", "baladi", "saidi"])
def test_a_darbuka_roll_alternates_the_hands_and_swells(style: str) -> None:
    """The fill closing a phrase is the darbuka player's roll over its last two beats: the
    strong hand's tek on every eighth and the other hand's ka on the sixteenths between,
    each ka louder than the one before; the grooves themselves never play sixteenths."""
    ctl = palette_controls("egyptian-summer")
    end = ctl.feel.fill_every_bars * ctl.beats_per_bar  # the first roll ends here
    start = end - 2
    hits = rhythm_hits(ctl, style=style, n_beats=end)

    def sixteenth(hit: object) -> int:
        return round(hit.start_s / ctl.beat_s * 4)

    between = [h for h in hits if sixteenth(h) % 2 == 1]
    assert all(sixteenth(h) >= 4 * start for h in between)
    assert [h.sound for h in between] == ["ka"] * 4
    assert all(a.velocity < b.velocity for a, b in zip(between, between[1:]))
    teks = {sixteenth(h) for h in hits if h.sound == "tek" and sixteenth(h) >= 4 * start}
    assert teks == set(range(4 * start, 4 * end, 2))
