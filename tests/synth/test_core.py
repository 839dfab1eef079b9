"""Synth behaviour a listener (and the pipeline) relies on: labels mean what they say,
no clicks, determinism, real stereo, exact streaming, harmonious pitches, sane level."""

from __future__ import annotations

import copy
import sys
from typing import Any

import numpy as np
import pytest

from moodc import vocab
from moodc.synth import render_config, stream_config, stream_stems
from moodc.synth.controls import fields_to_controls
from moodc.synth.engine import plan_piece
from moodc.synth.instruments import INSTRUMENT_VOICES
from moodc.synth.notes import render_note

SR = 22050

QUIET: dict[str, Any] = {
    "layers": {"bass": "none", "pad": "none", "melody": "none", "rhythm": "none",
               "texture": "none", "accent": "none"},
    "human": "robotic", "space": "dry", "echo": "none", "motion": "static", "density": 6,
}


def _cfg(**over: Any) -> dict[str, Any]:
    cfg = copy.deepcopy(QUIET)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    return cfg


def _mono(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float64).mean(axis=1)


# ------------------------------------------------------------------------------ label truth

def _beat_period_s(x: np.ndarray, sample_rate: int) -> float:
    """Median interval between onsets (rising crossings of half the envelope peak)."""
    env = np.abs(_mono(x))
    win = int(0.02 * sample_rate)
    env = np.convolve(env, np.ones(win) / win, mode="same")
    above = env > 0.5 * env.max()
    rising = np.flatnonzero(above[1:] & ~above[:-1]) / sample_rate
    onsets = [rising[0]]
    for t in rising[1:]:
        if t - onsets[-1] > 0.15:  # one onset per hit, not per wiggle
            onsets.append(t)
    return float(np.median(np.diff(onsets)))


def test_tempo_labels_give_their_bpm_and_increase() -> None:
    measured = []
    for label in vocab.ORDINAL_LABELS["tempo"]:
        x = render_config(_cfg(tempo=label, layers={"rhythm": "soft_four"}), duration_s=8.0,
                          sample_rate=SR, seed=1)
        bpm = 60.0 / _beat_period_s(x, SR)
        assert bpm == pytest.approx(vocab.TEMPO_BPM[label], rel=0.02), label
        measured.append(bpm)
    assert measured == sorted(measured)


@pytest.mark.parametrize("meter,beats,bar_in_eighths", [("6/8", 2, 6), ("12/8", 4, 12)])
def test_compound_meters_count_dotted_quarter_beats(meter: str, beats: int,
                                                    bar_in_eighths: int) -> None:
    """In 6/8 and 12/8 a beat is a dotted quarter (three eighths of the quarter-note bpm)."""
    controls = fields_to_controls(_cfg(meter=meter))
    eighth_s = 30.0 / controls.bpm
    assert controls.beats_per_bar == beats
    assert controls.bar_s == pytest.approx(bar_in_eighths * eighth_s)
    audio = render_config(_cfg(meter=meter, layers={"rhythm": "soft_four"}), duration_s=3.0,
                          sample_rate=SR, seed=1)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0.01


def _centroid_hz(x: np.ndarray, sample_rate: int) -> float:
    spec = np.abs(np.fft.rfft(_mono(x))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1.0 / sample_rate)
    return float((spec * freqs).sum() / spec.sum())


def test_brightness_labels_raise_the_spectral_centroid() -> None:
    full = {"layers": {"bass": "walking", "pad": "warm", "melody": "lyrical", "rhythm": "rock",
                       "texture": "rain"}, "space": "medium"}
    centroids = [_centroid_hz(render_config(_cfg(brightness=label, **full), duration_s=4.0,
                                            sample_rate=SR, seed=3), SR)
                 for label in vocab.ORDINAL_LABELS["brightness"]]
    assert all(b > a * 1.1 for a, b in zip(centroids, centroids[1:])), centroids


def _pitch_class_energy(x: np.ndarray, sample_rate: int) -> np.ndarray:
    spec = np.abs(np.fft.rfft(_mono(x))) ** 2
    freqs = np.fft.rfftfreq(len(x), 1.0 / sample_rate)
    ok = (freqs > 60) & (freqs < 2000)
    pcs = np.round(12 * np.log2(freqs[ok] / 261.6256)).astype(int) % 12
    return np.bincount(pcs, weights=spec[ok], minlength=12)


@pytest.mark.parametrize("root", ["c", "f#", "a"])
def test_major_and_minor_differ_in_the_third(root: str) -> None:
    layers = {"bass": "sustained", "pad": "warm", "melody": "lyrical"}
    tonic = vocab.ROOT_SEMITONE[root]
    thirds = {}
    for mode in ("major", "minor"):
        e = _pitch_class_energy(render_config(_cfg(mode=mode, root=root, layers=layers),
                                              duration_s=8.0, sample_rate=SR, seed=5), SR)
        thirds[mode] = (e[(tonic + 4) % 12], e[(tonic + 3) % 12])
    assert thirds["major"][0] > 3 * thirds["major"][1]
    assert thirds["minor"][1] > 3 * thirds["minor"][0]


def _modulation_hz(x: np.ndarray, sample_rate: int) -> tuple[float, float]:
    """Dominant frequency (0.03-5 Hz) of the RMS envelope and the envelope's depth."""
    hop = sample_rate // 10  # 100 ms frames: beating between chord tones averages out
    frames = _mono(x)[: len(x) // hop * hop].reshape(-1, hop)
    env = np.sqrt((frames**2).mean(axis=1))
    env = env[10:]  # skip the attack
    depth = float(env.std() / env.mean())
    spec = np.abs(np.fft.rfft((env - env.mean()) * np.hanning(len(env))))
    freqs = np.fft.rfftfreq(len(env), 1.0 / 10)
    band = (freqs >= 0.03) & (freqs <= 5.0)
    return float(freqs[band][np.argmax(spec[band])]), depth


def test_motion_labels_increase_the_modulation_rate() -> None:
    rates, depths = [], []
    for label in vocab.ORDINAL_LABELS["motion"]:
        cfg = _cfg(motion=label, density=1, layers={"pad": "warm"},
                   instruments={"pad": "sine"},
                   composition={"harmony": "drone", "chord_rate": "very_slow"})
        rate, depth = _modulation_hz(render_config(cfg, duration_s=30.0, sample_rate=8000,
                                                   seed=2), 8000)
        rates.append(rate)
        depths.append(depth)
    assert depths[0] < 0.5 * min(depths[1:]), depths  # static does not move
    assert rates[1] < rates[2] < rates[3] < rates[4], rates
    assert rates[3] == pytest.approx(vocab.MOTION_LFO_HZ["fast"], rel=0.2)


# ------------------------------------------------------------------------------ clicks

def find_clicks(x: np.ndarray, sample_rate: int, *, ratio: float = 6.0,
                floor: float = 0.02) -> np.ndarray:
    """Samples where a click (a discontinuity) shows in the top of the spectrum.

    Every voice is band-limited and low-passed, so the band above 0.4 × sample rate holds
    little but the steady top of the harmonics; a discontinuity (a note cut mid-wave, an
    envelope jump) is broadband, so it appears there as an isolated burst far above the
    band's local (100 ms) level and above ``floor`` × the signal's RMS.
    """
    from scipy import signal

    sos = signal.ellip(8, 0.5, 80, 0.40 * sample_rate, btype="highpass", fs=sample_rate,
                       output="sos")
    m = _mono(x)
    h = np.abs(signal.sosfilt(sos, m))
    win = int(0.1 * sample_rate)
    local = np.sqrt(np.convolve(h**2, np.ones(win) / win, mode="same")) + 1e-12
    return np.flatnonzero((h > ratio * local) & (h > floor * np.sqrt(np.mean(m**2))))


def _click_cfg(lead: str, pad: str, bass: str) -> dict[str, Any]:
    return _cfg(tempo="fast", instruments={"lead": lead, "pad": pad, "bass": bass},
                layers={"bass": "octave", "pad": "warm", "melody": "lyrical"},
                composition={"chord_rate": "very_fast", "melody_density": "very_busy",
                             "ornament": "heavy"})


def test_click_detector_finds_a_truncated_note() -> None:
    x = render_config(_click_cfg("triangle", "organ", "sine"), duration_s=2.0, sample_rate=SR,
                      seed=1).copy()
    x[SR: SR + 300, :] = 0.0  # notes cut dead for 14 ms, then back: two clicks
    assert len(find_clicks(x, SR)) > 0


@pytest.mark.parametrize("lead,pad,bass", [
    ("triangle", "organ", "sine"), ("flute", "strings", "tuba"),
    ("brass", "choir", "triangle"), ("shehnai", "electric_piano", "sine"),
    ("ney", "bell", "organ"), ("celesta", "saw", "marimba"),
])
def test_no_clicks_in_a_busy_mix_with_fast_chord_changes(lead: str, pad: str, bass: str) -> None:
    """Band-limited voices, a chord change every half bar, a busy ornamented melody."""
    x = render_config(_click_cfg(lead, pad, bass), duration_s=6.0, sample_rate=SR, seed=11)
    clicks = find_clicks(x, SR)
    assert len(clicks) == 0, f"clicks at {clicks[:10] / SR} s"


@pytest.mark.parametrize("lead,pad,bass", [
    ("pluck", "strings", "square_8bit"), ("square_8bit", "organ", "pluck"),
    ("koto", "sitar", "oud"), ("bansuri", "calliope", "brass"),
])
def test_no_clicks_at_note_ends_with_plucks_and_8bit(lead: str, pad: str, bass: str) -> None:
    """Plucked strings and pulse waves have sharp attacks and edges of their own, so here
    the detector looks only where notes end (gate end, release end) and chords change,
    away from any onset."""
    cfg = _click_cfg(lead, pad, bass)
    x = render_config(cfg, duration_s=6.0, sample_rate=SR, seed=11)
    clicks = find_clicks(x, SR) / SR
    plans = plan_piece(fields_to_controls(cfg), duration_s=6.0, seed=11)
    notes = [n for p in plans.values() for n in p.notes]
    onsets = np.array(sorted(n.start_s for n in notes))
    ends = [n.start_s + n.dur_s for n in notes]
    ends += [n.start_s + n.dur_s + INSTRUMENT_VOICES[n.instrument].release_s for n in notes]
    checked = 0
    for t in ends:
        if t >= 5.9 or np.min(np.abs(onsets - t)) < 0.03:
            continue
        checked += 1
        near = clicks[np.abs(clicks - t) < 0.01]
        assert len(near) == 0, f"click near a note end at {t:.3f} s"
    assert checked > 10


@pytest.mark.parametrize("instrument", [i for i in INSTRUMENT_VOICES])
@pytest.mark.parametrize("gate_s", [0.003, 0.05, 0.4])
def test_every_note_starts_and_ends_at_zero(instrument: str, gate_s: float) -> None:
    """Every note starts from silence, its release reaches exactly zero, and its last 5 ms
    fall smoothly — whatever the gate, even shorter than the attack."""
    note = render_note(instrument, midi=57.0, n_gate=int(gate_s * SR), sample_rate=SR,
                       cutoff_scale=1.0)
    assert note[0] == 0.0 and note[-1] == 0.0
    tail = np.abs(note[-int(0.005 * SR):])
    peak = np.abs(note).max()
    assert tail.max() <= 0.5 * peak + 1e-6
    assert np.all(np.isfinite(note)) and peak < 4.0


# ------------------------------------------------------------------------------ determinism

FULL: dict[str, Any] = {"density": 6, "layers": {"bass": "walking", "pad": "drift",
                                                 "melody": "ornamental", "rhythm": "teental",
                                                 "texture": "rain", "accent": "chime"},
                        "echo": "medium", "space": "large", "human": "loose"}


def test_same_seed_same_audio_and_different_seed_different_audio() -> None:
    a = render_config(FULL, duration_s=3.0, sample_rate=SR, seed=42)
    b = render_config(FULL, duration_s=3.0, sample_rate=SR, seed=42)
    c = render_config(FULL, duration_s=3.0, sample_rate=SR, seed=43)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_changing_the_texture_leaves_the_bass_stem_identical() -> None:
    def bass(texture: str) -> np.ndarray:
        cfg = copy.deepcopy(FULL)
        cfg["layers"]["texture"] = texture
        return np.concatenate([s["bass"] for s in stream_stems(cfg, duration_s=3.0,
                                                                sample_rate=SR, seed=9)], axis=1)
    assert np.array_equal(bass("rain"), bass("glitch"))


# ------------------------------------------------------------------------------ stereo

def test_mono_gives_identical_channels() -> None:
    x = render_config({**FULL, "stereo": "mono"}, duration_s=2.0, sample_rate=SR, seed=1)
    assert np.array_equal(x[:, 0], x[:, 1])


def test_ultra_wide_is_less_correlated_than_narrow() -> None:
    corr = {}
    for label in ("narrow", "ultra_wide"):
        x = render_config({**FULL, "stereo": label}, duration_s=3.0, sample_rate=SR, seed=1)
        corr[label] = np.corrcoef(x[:, 0], x[:, 1])[0, 1]
    assert corr["ultra_wide"] < corr["narrow"] - 0.05, corr


# ------------------------------------------------------------------------------ streaming

@pytest.mark.parametrize("duration_s,block_s", [(1.2345, 0.3), (2.0, 8.0), (0.01, 0.5)])
def test_blocks_sum_to_the_duration_and_equal_the_render(duration_s: float, block_s: float) -> None:
    blocks = list(stream_config(FULL, duration_s=duration_s, sample_rate=SR, seed=4,
                                block_s=block_s))
    assert all(b.dtype == np.float32 and b.ndim == 2 and b.shape[1] == 2 for b in blocks)
    joined = np.concatenate(blocks)
    assert len(joined) == round(duration_s * SR)
    whole = render_config(FULL, duration_s=duration_s, sample_rate=SR, seed=4)
    assert np.array_equal(joined, whole)


def test_block_size_does_not_change_the_audio() -> None:
    a = np.concatenate(list(stream_config(FULL, duration_s=3.0, sample_rate=SR, seed=4,
                                          block_s=0.37)))
    b = np.concatenate(list(stream_config(FULL, duration_s=3.0, sample_rate=SR, seed=4,
                                          block_s=2.0)))
    np.testing.assert_allclose(a, b, atol=1e-6)


@pytest.mark.parametrize("jobs,block_s", [(2, 0.37), (4, 2.0), (3, 8.0)])
def test_threads_do_not_change_the_audio(jobs: int, block_s: float) -> None:
    """Layers rendered in a child process (or on worker threads), pipelined against the
    effects: the same samples as one thread, bit for bit, whatever the block size."""
    one = np.concatenate(list(stream_config(FULL, duration_s=5.0, sample_rate=SR, seed=4,
                                            block_s=1.0)))
    many = np.concatenate(list(stream_config(FULL, duration_s=5.0, sample_rate=SR, seed=4,
                                             block_s=block_s, jobs=jobs)))
    assert np.array_equal(one, many)


@pytest.mark.parametrize("jobs", [2, 3])
def test_threads_without_fork_do_not_change_the_audio(jobs: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no ``fork`` (macOS, Windows) the layers run on threads instead of a
    child process: still the samples of one thread."""
    from moodc.synth import engine

    one = np.concatenate(list(stream_config(FULL, duration_s=4.0, sample_rate=SR, seed=4)))
    monkeypatch.setattr(engine, "_can_fork", lambda: False)
    many = np.concatenate(list(stream_config(FULL, duration_s=4.0, sample_rate=SR, seed=4,
                                             block_s=0.37, jobs=jobs)))
    assert np.array_equal(one, many)


def test_a_stream_closed_early_stops_its_threads_and_processes() -> None:
    import multiprocessing
    import threading

    stream = stream_config(FULL, duration_s=10.0, sample_rate=SR, seed=4, block_s=0.5, jobs=2)
    next(stream)
    assert [p.name for p in multiprocessing.active_children()] == ["moodc-layers"]
    stream.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("moodc-")]
    assert not multiprocessing.active_children()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layer process is Linux's")
def test_the_layer_process_ends_when_its_parent_is_killed() -> None:
    """A render killed mid-stream (SIGKILL: no cleanup runs) leaves no process behind
    rendering into a pipe nobody reads."""
    import multiprocessing
    import os
    import signal
    import time

    read_fd, write_fd = os.pipe()
    parent = os.fork()
    if parent == 0:  # the render that will be killed
        try:
            stream = stream_config(FULL, duration_s=120.0, sample_rate=SR, seed=4, jobs=2)
            next(stream)
            layers = multiprocessing.active_children()[0]
            os.write(write_fd, str(layers.pid).encode())
            time.sleep(60)
        finally:
            os._exit(0)
    layers_pid = int(os.read(read_fd, 32))
    os.kill(parent, signal.SIGKILL)
    os.waitpid(parent, 0)
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{layers_pid}/stat") as stat:
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return  # ended and reaped
        if state == "Z":
            return  # ended; reaping is init's business
        time.sleep(0.1)
    os.kill(layers_pid, signal.SIGKILL)
    pytest.fail("the layer process outlived its killed parent by 10 s")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layer process is Linux's")
def test_a_stack_from_the_layer_process_stays_intact_while_it_is_read() -> None:
    """The layer process writes into a few slots of shared memory and runs ahead of the
    reader: the slot being read is reused only once the next stack is asked for, however
    slow the reader (here: each stack read twice, 20 ms apart, over more spans than
    slots)."""
    import time

    from moodc.synth import engine

    spans = [(start, 3001) for start in range(0, 4 * engine.N_STACK_SLOTS * 3001, 3001)]
    spans.append((spans[-1][0] + 3001, 17))  # a short last span reuses a longer slot
    ahead = engine.BlockRenderer(fields_to_controls(FULL), duration_s=5.0, sample_rate=SR,
                                 seed=4, jobs=2)
    here = engine.BlockRenderer(fields_to_controls(FULL), duration_s=5.0, sample_rate=SR,
                                seed=4)
    n_read = 0
    for (start, n), stack in zip(spans, engine._forked_stacks(ahead, spans)):
        first = stack.copy()
        time.sleep(0.02)  # the child renders the next spans meanwhile
        assert np.array_equal(stack, first), f"slot of sample {start} overwritten"
        assert np.array_equal(stack, here._stack(start, n))
        n_read += 1
    assert n_read == len(spans)


def test_a_failure_in_the_layer_process_is_raised_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child's exception reaches the caller (with its reason), not a hang or a short
    stream."""
    from moodc.synth import engine

    def broken(self: Any, start: int, n: int, pool: Any = None, *, out: Any = None) -> Any:
        raise ValueError(f"no layers at sample {start}")

    monkeypatch.setattr(engine.BlockRenderer, "_stack", broken)
    with pytest.raises(RuntimeError, match="no layers at sample 0"):
        list(stream_config(FULL, duration_s=3.0, sample_rate=SR, seed=4, jobs=2))


def test_zero_duration_is_empty() -> None:
    assert render_config({}, duration_s=0.0, sample_rate=SR, seed=0).shape == (0, 2)


@pytest.mark.parametrize("bad", [{"duration_s": -1.0}, {"sample_rate": 100}])
def test_bad_arguments_name_the_value(bad: dict[str, Any]) -> None:
    kwargs = {"duration_s": 1.0, "sample_rate": SR, "seed": 0, **bad}
    with pytest.raises(ValueError, match=next(iter(bad))):
        render_config({}, **kwargs)


@pytest.mark.parametrize("sample_rate", [8000, 44100, 48000])
def test_any_sample_rate_renders_exact_lengths(sample_rate: int) -> None:
    x = render_config(FULL, duration_s=1.5, sample_rate=sample_rate, seed=1)
    assert x.shape == (round(1.5 * sample_rate), 2) and np.all(np.isfinite(x))


# ------------------------------------------------------------------------------ harmony, level

@pytest.mark.parametrize("mode", list(vocab.MODE_INTERVALS))
def test_every_pitch_comes_from_the_scale(mode: str) -> None:
    cfg = {"mode": mode, "root": "e", "density": 6,
           "layers": {"bass": "walking", "pad": "cinematic", "melody": "ornamental",
                      "accent": "chime"},
           "composition": {"extensions": "ninths", "harmony": "jazz", "ornament": "florid"}}
    ctl = fields_to_controls(cfg)
    pcs = {(ctl.root_pc + s) % 12 for s in ctl.scale}
    plans = plan_piece(ctl, duration_s=30.0, seed=3)
    for layer in ("bass", "pad", "melody", "accent"):
        for note in plans[layer].notes:
            assert round(note.midi) % 12 in pcs, (layer, note)


@pytest.mark.parametrize("cfg", [
    {}, FULL, {"density": 1, "layers": {"pad": "thin_high"}, "brightness": "very_dark"},
    {"density": 6, "tempo": "very_fast", "layers": {"rhythm": "taiko", "texture": "noise_wash",
                                                     "accent": "gong", "bass": "sub"},
     "echo": "infinite", "space": "vast"},
])
def test_level_is_sane_and_never_clips(cfg: dict[str, Any]) -> None:
    import pyloudnorm

    x = render_config(cfg, duration_s=8.0, sample_rate=SR, seed=1)
    lufs = pyloudnorm.Meter(SR).integrated_loudness(x.astype(np.float64))
    assert -30.0 < lufs < -10.0
    assert np.abs(x).max() < 1.0


@pytest.mark.parametrize("instrument", ["sine", "organ", "flute", "tuba", "strings", "choir"])
def test_long_notes_hold_steady_without_seams(instrument: str) -> None:
    """Raw tones are synthesized for a few seconds and looped beyond; a 20 s note must
    neither click at the loop seams nor swell or dip there (steady voices stay within
    1 dB; ensembles keep their own gentle beating, within 6 dB)."""
    note = render_note(instrument, midi=57.0, n_gate=20 * SR, sample_rate=SR, cutoff_scale=1.0)
    assert len(find_clicks(np.stack([note, note], axis=1), SR)) == 0
    hop = SR // 10
    env = np.sqrt((note[: 20 * SR // hop * hop].reshape(-1, hop) ** 2).mean(axis=1))[30:190]
    spread_db = 20 * np.log10(env.max() / env.min())
    assert spread_db < (6.0 if instrument in ("strings", "choir") else 1.0), spread_db


def test_a_long_render_keeps_playing_to_the_end() -> None:
    """Minutes-long chords (very slow tempo, 8-bar chords) still sound at the end."""
    cfg = _cfg(tempo="very_slow", density=3, layers={"bass": "drone", "pad": "drift"},
               composition={"chord_rate": "very_slow"})
    x = render_config(cfg, duration_s=60.0, sample_rate=8000, seed=1)
    first, last = x[8000 * 5: 8000 * 15], x[-8000 * 10:]
    ratio_db = 20 * np.log10(np.sqrt(np.mean(last**2)) / np.sqrt(np.mean(first**2)))
    assert abs(ratio_db) < 6.0


def test_bpm_overrides_the_tempo_label() -> None:
    x = render_config(_cfg(tempo="slow", bpm=137.0, layers={"rhythm": "soft_four"}),
                      duration_s=6.0, sample_rate=SR, seed=1)
    assert 60.0 / _beat_period_s(x, SR) == pytest.approx(137.0, rel=0.02)


@pytest.mark.parametrize("space", ["small", "medium", "large", "vast"])
def test_reverb_decays_in_the_rt60_of_its_label(space: str) -> None:
    """Schroeder backward integration of the impulse response: the -5..-25 dB slope,
    extrapolated to 60 dB, is the label's RT60 within 25 %."""
    from moodc.synth.effects import Reverb

    rt60 = vocab.SPACE_RT60_S[space]
    reverb = Reverb(rt60_s=rt60, sample_rate=SR)
    impulse = np.zeros(int((rt60 * 1.5 + 0.5) * SR), dtype=np.float32)
    impulse[0] = 1.0
    ir = reverb.process(impulse).astype(np.float64).sum(axis=0)
    energy = np.cumsum((ir**2)[::-1])[::-1]
    db = 10 * np.log10(energy / energy[0] + 1e-30)
    t5, t25 = np.argmax(db < -5) / SR, np.argmax(db < -25) / SR
    assert 3.0 * (t25 - t5) == pytest.approx(rt60, rel=0.25)


def test_reverb_tails_are_decorrelated_between_channels() -> None:
    from moodc.synth.effects import Reverb

    impulse = np.zeros(SR * 2, dtype=np.float32)
    impulse[0] = 1.0
    ir = Reverb(rt60_s=1.4, sample_rate=SR).process(impulse)
    assert abs(np.corrcoef(ir[0], ir[1])[0, 1]) < 0.3


def test_human_labels_loosen_the_timing() -> None:
    spreads = []
    for label in vocab.ORDINAL_LABELS["human"]:
        ctl = fields_to_controls(_cfg(human=label, layers={"rhythm": "rock"}))
        hits = plan_piece(ctl, duration_s=20.0, seed=1)["rhythm"].hits
        step_s = ctl.beat_s / 4  # the sixteenth grid (fills roll in sixteenths)
        off = np.array([h.start_s for h in hits]) / step_s
        spreads.append(float(np.std(off - np.round(off))))
    assert spreads[0] < 1e-9 and spreads == sorted(spreads) and len(set(spreads)) == 5


def test_echo_labels_lengthen_the_tail_and_infinite_lasts_long() -> None:
    from moodc.synth.effects import Echo

    tails = []
    for label in vocab.ORDINAL_LABELS["echo"][1:]:
        echo = Echo(delay_s=0.3, feedback=vocab.ECHO_FEEDBACK[label], sample_rate=8000)
        impulse = np.zeros(8000 * 30, dtype=np.float32)
        impulse[:8] = 1.0
        wet = echo.process(impulse).astype(np.float64)
        level = np.abs(wet).max(axis=0)
        tails.append(np.flatnonzero(level > 1e-3 * level.max()).max() / 8000)
    assert tails == sorted(tails) and len(set(tails)) == 4
    assert tails[-1] > 10.0  # "infinite": a tail of many seconds


@pytest.mark.parametrize("layer,style", [("bass", "sustained"), ("rhythm", "rock"),
                                         ("texture", "wind"), ("accent", "bells")])
def test_motion_reaches_every_layer(layer: str, style: str) -> None:
    """Even with no pad and no melody, static and fast motion sound different."""
    def render(motion: str) -> np.ndarray:
        return render_config(_cfg(motion=motion, layers={layer: style}), duration_s=3.0,
                             sample_rate=SR, seed=1)
    a, b = render("static"), render("fast")
    assert np.sqrt(np.mean((a - b) ** 2)) > 0.01 * np.sqrt(np.mean(a**2))


@pytest.mark.parametrize("sample_rate", [8000, 48000])
@pytest.mark.parametrize("instrument", [i for i in INSTRUMENT_VOICES])
def test_extreme_pitches_render_bounded_and_alias_free(instrument: str, sample_rate: int) -> None:
    for midi in (24.0, 108.0):
        note = render_note(instrument, midi=midi, n_gate=sample_rate // 4,
                           sample_rate=sample_rate, cutoff_scale=4.0)
        assert np.all(np.isfinite(note)) and np.abs(note).max() < 8.0
        body = note[sample_rate // 50:].astype(np.float64)  # after the attack transient
        spectrum = np.abs(np.fft.rfft(body))
        freqs = np.fft.rfftfreq(len(body), 1.0 / sample_rate)
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        if f0 < 0.45 * sample_rate and spectrum.max() > 0:
            # nothing folds back far below the fundamental of a high note (a bell's hum
            # sits at half the nominal, by design)
            below = spectrum[(freqs < 0.45 * f0) & (freqs > 20)]
            # Karplus-Strong strings are linear (they cannot alias) but at C8 the tone dies
            # within milliseconds, leaving only the burst's low residue: not checked there;
            # nor is the double bass or the nylon guitar (nails or fingers), whose body
            # resonances ring at fixed frequencies below the notes they play (their knock, by
            # design: see test_double_bass, test_nylon_guitar, test_bossa_guitar), nor the
            # choked pluck, whose pick scratch is band noise below a C8 by design
            plucked = instrument in ("pluck", "koto", "oud", "sitar", "kora", "guzheng",
                                     "double_bass", "nylon_guitar", "_nylon_guitar_fingers",
                                     "_pluck_choked")
            if midi == 108.0 and len(below) and not plucked:
                share = float(np.sum(below**2) / np.sum(spectrum**2))
                assert share < 0.01, (instrument, share)  # < -20 dB of the note's energy


def test_stereo_labels_widen_step_by_step() -> None:
    """Inter-channel correlation falls with every stereo label (mono = 1 exactly)."""
    corr = []
    for label in vocab.ORDINAL_LABELS["stereo"]:
        x = render_config({**FULL, "stereo": label}, duration_s=3.0, sample_rate=SR, seed=1)
        corr.append(float(np.corrcoef(x[:, 0], x[:, 1])[0, 1]))
    assert corr[0] == pytest.approx(1.0)
    assert all(b < a - 0.01 for a, b in zip(corr, corr[1:])), corr


@pytest.mark.slow
def test_identical_audio_in_separate_processes() -> None:
    """Same fields and seed give the same samples in any process (no hash-order or global
    random state leaks in), checked in two interpreters with different hash seeds."""
    import os
    import subprocess
    import sys

    code = ("import hashlib; from moodc.synth import render_config; "
            "cfg = {'density': 6, 'mode': 'blues', 'human': 'drunk', 'echo': 'heavy', "
            "'layers': {'bass': 'walking', 'pad': 'drift', 'melody': 'call_response', "
            "'rhythm': 'bossa', 'texture': 'glitch', 'accent': 'chime'}}; "
            "x = render_config(cfg, duration_s=2.0, sample_rate=11025, seed=99); "
            "print(hashlib.sha256(x.tobytes()).hexdigest())")
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                             capture_output=True, text=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_envelope_slices_match_the_whole_envelope() -> None:
    """Notes are enveloped slice by slice (block by block); any slice must equal the same
    samples of the whole envelope, which starts and ends at exactly zero."""
    from moodc.synth.envelope import adsr

    rng = np.random.default_rng(0)
    for _ in range(300):
        gate, release = int(rng.integers(1, 5000)), int(rng.integers(1, 3000))
        kw = dict(n_gate=gate, n_release=release, attack_n=int(rng.integers(0, 3000)),
                  decay_n=int(rng.integers(0, 3000)), sustain=float(rng.random()))
        whole = adsr(**kw)
        assert whole[0] == 0.0 and whole[-1] == 0.0
        a = int(rng.integers(0, gate + release))
        b = int(rng.integers(a, gate + release + 1))
        np.testing.assert_allclose(adsr(**kw, start=a, stop=b), whole[a:b], atol=1e-6)


def test_every_density_changes_the_sound_even_with_few_layers() -> None:
    """Only a pad: the layers higher densities would add are all ``none``, yet each density
    still sounds different (the pad thickens)."""
    renders = [render_config(_cfg(density=d, layers={"pad": "warm"}), duration_s=2.0,
                             sample_rate=SR, seed=1) for d in range(1, 7)]
    for i, a in enumerate(renders):
        for b in renders[i + 1:]:
            assert np.sqrt(np.mean((a - b) ** 2)) > 0.01 * np.sqrt(np.mean(a**2))


@pytest.mark.parametrize("bad,field", [
    ({"tempo": "ludicrous"}, "tempo"), ({"layers": {"rhythm": "polka"}}, "layers.rhythm"),
    ({"instruments": {"lead": "kazoo"}}, "instruments.lead"),
    ({"composition": {"swing": "lots"}}, "composition.swing"), ({"density": 9}, "density"),
])
def test_unknown_labels_are_named_in_the_error(bad: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        render_config(bad, duration_s=0.5, sample_rate=SR, seed=0)


@pytest.mark.parametrize("instrument", ["calliope", "clarinet", "flute", "ney", "bansuri"])
def test_breathy_voices_stay_finite_near_nyquist(instrument: str) -> None:
    """A breath band that would start above the highest frequency a rate carries keeps an
    octave below it instead of an empty (NaN) filter: a fuzzed config found the calliope's
    steam hiss (three times the note) doing so at 11.025 kHz."""
    note = render_note(instrument, midi=106.0, n_gate=2000, sample_rate=11025, cutoff_scale=1.0)
    assert np.all(np.isfinite(note))


def _ignore_sigterm_and_wait() -> None:
    import signal
    import time

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    time.sleep(60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the layer process is Linux's")
def test_an_unwinding_render_kills_a_layer_process_that_ignores_sigterm(monkeypatch) -> None:
    """A render stopped by a signal ends its layer process and never waits on it forever,
    even if that process cannot run its SIGTERM handler."""
    import multiprocessing
    import time

    from moodc.synth import engine

    monkeypatch.setattr(engine, "CHILD_TERM_WAIT_S", 0.3)
    child = multiprocessing.get_context("fork").Process(target=_ignore_sigterm_and_wait,
                                                        daemon=True)
    child.start()
    time.sleep(0.3)  # let it install SIG_IGN
    started = time.monotonic()
    engine._end_child(child)
    assert not child.is_alive() and child.exitcode == -9
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("motion", ["slow", vocab.ORDINAL_LABELS["motion"][-1]])
def test_motion_gains_are_those_of_the_block_alone_across_the_cached_stretches(
        motion: str) -> None:
    """The motion curves are computed a few thousand control points at a time and sliced
    per block: every block (across a stretch's end, a short one, one that starts a new
    stretch) must get the bits it would get computed on its own, or block sizes would
    change the music."""
    from moodc.synth import engine

    ctl = fields_to_controls({**FULL, "motion": motion})
    renderer = engine.BlockRenderer(ctl, duration_s=1.0, sample_rate=SR, seed=4)
    chunk = engine.MOTION_CHUNK_POINTS
    spans = [(0, 700), (700, 3 * chunk - 710), (3 * chunk - 10, 30), (3 * chunk + 20, 5),
             (9 * chunk, 2 * chunk)]
    moving = 0
    for name in renderer.names:
        for k0, n_points in spans:
            got = renderer._motion_rows(name, k0, k0 + n_points)
            alone = renderer._motion_gains(name, k0, k0 + n_points)
            if alone is None:
                assert got is None
                continue
            moving += 1
            assert got.shape == alone.shape
            assert np.array_equal(got.view(np.uint64), alone.view(np.uint64))
    assert moving >= 3 * len(spans)  # the lead, rhythm, pad... move
