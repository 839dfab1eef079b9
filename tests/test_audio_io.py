"""PCM quantisation with seeded dither, and atomic WAV/FLAC writing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from moodc.audio_io import PcmWriter, Tags, dither_rng, pcm_to_float, quantise, read_pcm
from moodc.errors import OutputExistsError
from tests.helpers.reference import quantise_numpy, tpdf_dither

TAGS = Tags("Test Title", "moodc test", 42, "ab" * 32)


def _audio(n: int = 20000) -> np.ndarray:
    t = np.arange(n) / 44100
    return (0.5 * np.stack([np.sin(2 * np.pi * 220 * t), np.cos(2 * np.pi * 330 * t)], 1)
            ).astype(np.float32)


def test_tpdf_dither_is_triangular_in_one_lsb() -> None:
    dither = tpdf_dither(200000, 2, rng=dither_rng(1)).astype(np.float64)
    assert dither.min() > -1.0 and dither.max() < 1.0
    assert abs(dither.mean()) < 0.01
    assert dither.var() == pytest.approx(1 / 6, rel=0.02)  # two uniforms of variance 1/12
    histogram, _ = np.histogram(dither, bins=4, range=(-1, 1))
    assert histogram[1] > 2.5 * histogram[0] and histogram[2] > 2.5 * histogram[3]


def test_tpdf_dither_keeps_the_stream_every_render_was_dithered_with() -> None:
    # the dither draws raw 64-bit words for speed; they must be the very 32-bit numbers
    # Generator.integers gave before, block after block, or every rendered file changes
    fast, reference = dither_rng(3), dither_rng(3)
    for n_frames in (4096, 7, 88200):
        bits = reference.integers(0, 2**32, size=(n_frames, 2), dtype=np.uint32)
        expected = ((bits & 0xFFFF).astype(np.float32) - (bits >> 16).astype(np.float32)) \
            * np.float32(1.0 / 65536.0)
        assert np.array_equal(tpdf_dither(n_frames, 2, rng=fast), expected)


def test_quantise_is_seeded_and_deterministic() -> None:
    audio = _audio()
    first = quantise(audio, bit_depth=16, rng=dither_rng(7))
    again = quantise(audio, bit_depth=16, rng=dither_rng(7))
    other = quantise(audio, bit_depth=16, rng=dither_rng(8))
    assert first.dtype == np.int16
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    assert np.abs(first.astype(int) - np.rint(audio * 32768)).max() <= 1


@pytest.mark.parametrize("bit_depth", [16, 24])
@pytest.mark.parametrize("gain", [1.0, 0.3711, 2.9])
def test_compiled_quantise_is_the_numpy_arithmetic_bit_for_bit(bit_depth: int,
                                                                gain: float) -> None:
    """Every render's PCM goes through the compiled pass: it must be the numpy definition's
    PCM exactly, on ties (halves of an LSB), clipping, signed zeros, odd sample counts (the
    last dither word's high half unused), float64 input, and blocks in a row (the dither
    stream continues where it stopped)."""
    rng = np.random.default_rng(5)
    scale = float(2 ** (bit_depth - 1))
    music = rng.uniform(-1.2, 1.2, size=(40001, 2)).astype(np.float32)
    ties = ((np.arange(-40, 40) + 0.5) / scale).astype(np.float32)  # x.5 LSB before dither
    edges = np.array([-0.0, 0.0, 1.0, -1.0, 0.99999994, -0.99999994, 3e-8, -3e-8],
                     dtype=np.float32)
    special = np.concatenate([ties, edges]).reshape(-1, 2)
    mono = rng.uniform(-1, 1, size=(1001, 1)).astype(np.float32)  # an odd count of samples
    wide = rng.uniform(-1, 1, size=(777, 2))  # float64
    compiled, reference = dither_rng(11), dither_rng(11)
    for block in (music, special, mono, wide, music[:0], music[:1]):
        got = quantise(block, bit_depth=bit_depth, rng=compiled, gain=gain)
        want = quantise_numpy(block, bit_depth=bit_depth, rng=reference, gain=gain)
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want)


def test_quantise_clips_instead_of_wrapping() -> None:
    loud = np.array([[1.5, -1.5], [0.99999, -1.0]], dtype=np.float32)
    pcm = quantise(loud, bit_depth=16, rng=dither_rng(0))
    assert pcm[0, 0] == 32767 and pcm[0, 1] == -32768
    assert pcm[1, 0] > 32700 and pcm[1, 1] < -32700


def test_wav_and_flac_hold_identical_pcm(tmp_path: Path) -> None:
    for bit_depth in (16, 24):
        pcm = quantise(_audio(), bit_depth=bit_depth, rng=dither_rng(3))
        read_back = []
        for fmt in ("wav", "flac"):
            path = tmp_path / f"x{bit_depth}.{fmt}"
            with PcmWriter(path, sample_rate=44100, n_channels=2, fmt=fmt,
                           bit_depth=bit_depth, tags=TAGS, force=False) as writer:
                writer.write(pcm[:5000])
                writer.write(pcm[5000:])
            data, sample_rate, depth = read_pcm(path)
            assert (sample_rate, depth) == (44100, bit_depth)
            read_back.append(data)
        assert np.array_equal(read_back[0], pcm)
        assert np.array_equal(read_back[1], pcm)
        np.testing.assert_allclose(pcm_to_float(pcm, bit_depth=bit_depth), _audio(),
                                   atol=2.0 / 2 ** (bit_depth - 1))


def test_tags_are_written(tmp_path: Path) -> None:
    path = tmp_path / "tagged.flac"
    with PcmWriter(path, sample_rate=48000, n_channels=2, fmt="flac", bit_depth=16, tags=TAGS,
                   force=False) as writer:
        writer.write(np.zeros((100, 2), np.int16))
    with sf.SoundFile(str(path)) as handle:
        assert handle.title == "Test Title"
        assert "seed=42" in handle.comment and "ab" * 32 in handle.comment
        assert handle.software.startswith("moodc test")


def test_writer_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "exists.wav"
    path.write_bytes(b"keep me")
    with pytest.raises(OutputExistsError):
        PcmWriter(path, sample_rate=44100, n_channels=2, fmt="wav", bit_depth=16, tags=None,
                  force=False)
    assert path.read_bytes() == b"keep me"
    with PcmWriter(path, sample_rate=44100, n_channels=2, fmt="wav", bit_depth=16, tags=None,
                   force=True) as writer:
        writer.write(np.zeros((10, 2), np.int16))
    assert read_pcm(path)[0].shape == (10, 2)


def test_writer_leaves_nothing_behind_on_error(tmp_path: Path) -> None:
    path = tmp_path / "half.flac"
    with pytest.raises(RuntimeError):
        with PcmWriter(path, sample_rate=44100, n_channels=2, fmt="flac", bit_depth=16,
                       tags=None, force=False) as writer:
            writer.write(np.zeros((1000, 2), np.int16))
            raise RuntimeError("synth failed half-way")
    assert list(tmp_path.iterdir()) == []
