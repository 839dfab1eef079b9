"""Audio features for checking what a render sounds like: timbre, rhythm, pitch content.

Used by the palette classifier (which proves the genre palettes are measurably distinct)
and by the palette pictures in ``docs/palettes.md``. Pure numpy: arrays in, arrays out.
"""

from __future__ import annotations

import numpy as np

#: STFT frame and hop (samples at 44.1 kHz: 46 ms frames, 11.6 ms hops) — the usual MIR
#: trade-off between pitch resolution (chroma) and onset timing.
N_FFT = 2048
HOP = 512
N_MELS = 32
N_MFCC = 13


def to_mono(audio: np.ndarray) -> np.ndarray:
    """(n,) or (n, channels) → (n,) float64 mean of the channels."""
    audio = np.asarray(audio, dtype=np.float64)
    return audio if audio.ndim == 1 else audio.mean(axis=1)


def stft_magnitude(mono: np.ndarray) -> np.ndarray:
    """Magnitude spectrogram, shape (n_frames, N_FFT // 2 + 1), Hann window."""
    n_frames = 1 + max(0, (len(mono) - N_FFT) // HOP)
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n_frames)[:, None]
    frames = mono[np.minimum(idx, len(mono) - 1)] * np.hanning(N_FFT)
    return np.abs(np.fft.rfft(frames, axis=1))


def hz_to_mel(freq_hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + np.asarray(freq_hz) / 700.0)


def mel_to_hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (np.asarray(mel) / 2595.0) - 1.0)


def mel_filterbank(*, sample_rate: int, n_mels: int = N_MELS) -> np.ndarray:
    """Triangular mel filters, shape (n_mels, N_FFT // 2 + 1), 30 Hz – 16 kHz."""
    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate)
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(30.0), hz_to_mel(min(16000.0, sample_rate / 2)),
                                     n_mels + 2))
    low, mid, high = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bin_hz[None, :] - low) / (mid - low)
    falling = (high - bin_hz[None, :]) / (high - mid)
    return np.clip(np.minimum(rising, falling), 0.0, None)


def chroma(magnitude: np.ndarray, *, sample_rate: int) -> np.ndarray:
    """Mean pitch-class energy profile (12,), C = 0, from bins between 60 Hz and 2 kHz."""
    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate)
    usable = (bin_hz > 60.0) & (bin_hz < 2000.0)
    pitch_class = np.round(12.0 * np.log2(bin_hz[usable] / 440.0) + 9.0).astype(int) % 12
    energy = (magnitude[:, usable] ** 2).sum(axis=0)
    profile = np.bincount(pitch_class, weights=energy, minlength=12)
    return profile / max(profile.sum(), 1e-12)


def onset_envelope(magnitude: np.ndarray) -> np.ndarray:
    """Half-wave-rectified spectral flux of the log spectrum, one value per hop."""
    log_mag = np.log1p(100.0 * magnitude)
    flux = np.maximum(np.diff(log_mag, axis=0), 0.0).sum(axis=1)
    return np.concatenate([[0.0], flux])


def onset_rate_hz(envelope: np.ndarray, *, sample_rate: int) -> float:
    """Onsets per second: local maxima of the flux above its median + 1.5 × MAD."""
    if len(envelope) < 3:
        return 0.0
    threshold = np.median(envelope) + 1.5 * np.median(np.abs(envelope - np.median(envelope)))
    peaks = (envelope[1:-1] > envelope[:-2]) & (envelope[1:-1] >= envelope[2:]) \
        & (envelope[1:-1] > threshold)
    return float(peaks.sum() / (len(envelope) * HOP / sample_rate))


def spectral_centroid_hz(magnitude: np.ndarray, *, sample_rate: int) -> float:
    """Energy-weighted mean frequency over the whole signal."""
    bin_hz = np.fft.rfftfreq(N_FFT, 1.0 / sample_rate)
    power = magnitude ** 2
    return float((power * bin_hz).sum() / max(power.sum(), 1e-20))


def feature_vector(audio: np.ndarray, *, sample_rate: int) -> np.ndarray:
    """A compact description of a render: MFCC mean/std, chroma, rhythm and brightness.

    Returns
    -------
    np.ndarray [shape=(2 * N_MFCC + 12 + 6,)]
        MFCC means and standard deviations (timbre), the chroma profile (scale and key),
        onset rate, flux mean and variability (rhythm), log spectral centroid, spectral
        flatness and inter-channel correlation (stereo image).
    """
    mono = to_mono(audio)
    magnitude = stft_magnitude(mono)
    mel = np.log(magnitude ** 2 @ mel_filterbank(sample_rate=sample_rate).T + 1e-10)
    k = np.arange(N_MELS)
    dct = np.cos(np.pi / N_MELS * (k[None, :] + 0.5) * np.arange(N_MFCC)[:, None])
    mfcc = mel @ dct.T
    envelope = onset_envelope(magnitude)
    flatness = np.exp(np.mean(np.log(magnitude + 1e-10))) / (np.mean(magnitude) + 1e-10)
    stereo = np.asarray(audio, dtype=np.float64)
    correlation = (float(np.corrcoef(stereo[:, 0], stereo[:, 1])[0, 1])
                   if stereo.ndim == 2 and stereo.shape[1] == 2 and stereo.std() > 0 else 1.0)
    rhythm = [onset_rate_hz(envelope, sample_rate=sample_rate), float(envelope.mean()),
              float(envelope.std() / (envelope.mean() + 1e-10))]
    return np.concatenate([mfcc.mean(axis=0), mfcc.std(axis=0),
                           chroma(magnitude, sample_rate=sample_rate), rhythm,
                           [np.log(spectral_centroid_hz(magnitude, sample_rate=sample_rate) + 1.0),
                            float(flatness), correlation]])


def nearest_centroid_confusion(train: dict[str, list[np.ndarray]],
                               test: dict[str, list[np.ndarray]]) -> tuple[list[str], np.ndarray]:
    """Fit class centroids on z-scored ``train`` features, classify ``test``.

    Returns
    -------
    (labels, confusion)
        ``confusion[i, j]`` counts test items of class ``labels[i]`` predicted as ``labels[j]``.
    """
    labels = sorted(train)
    stacked = np.array([f for name in labels for f in train[name]])
    mean, std = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    centroids = np.array([((np.array(train[name]) - mean) / std).mean(axis=0) for name in labels])
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for i, name in enumerate(labels):
        for feature in test.get(name, []):
            distances = np.linalg.norm(centroids - (feature - mean) / std, axis=1)
            confusion[i, int(np.argmin(distances))] += 1
    return labels, confusion


def click_ratios(audio: np.ndarray, *, sample_rate: int, window_ms: float = 2.0) -> np.ndarray:
    """How much each sample's second difference stands out from its neighbourhood.

    A click (a step or a kink in the waveform) is a one-sample spike in the second
    difference; band-limited music, even a drum hit, spreads its energy over many samples.
    Each sample's |second difference| is divided by the mean |second difference| of the
    surrounding ``window_ms`` (excluding itself) plus a floor at -90 dBFS, so silence
    followed by a soft note does not count.

    Returns
    -------
    np.ndarray [shape=(n - 2,)]
        Ratios ≥ 0; a clean render stays below ~10, a hard discontinuity scores far higher.
    """
    mono = to_mono(audio)
    d2 = np.abs(np.diff(mono, n=2))
    half = max(1, int(window_ms * 1e-3 * sample_rate / 2))
    cumulative = np.concatenate([[0.0], np.cumsum(d2)])
    idx = np.arange(len(d2))
    lo, hi = np.maximum(idx - half, 0), np.minimum(idx + half + 1, len(d2))
    neighbourhood = (cumulative[hi] - cumulative[lo] - d2) / np.maximum(hi - lo - 1, 1)
    return d2 / (neighbourhood + 10 ** (-90 / 20))
