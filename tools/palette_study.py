"""Render every palette with several seeds, classify them, and draw their spectrograms.

    python tools/palette_study.py [--seeds 5] [--duration 8] [--pictures docs/palettes]
                                  [--draw NAME ...]

Prints the nearest-centroid confusion matrix (train on the first seeds, test on the rest)
and, with --pictures, writes one spectrogram PNG per palette for docs/palettes.md (only
the palettes named by --draw, when given, so re-drawing one palette leaves the others'
pictures as they are).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from moodc.analysis import feature_vector, nearest_centroid_confusion
from moodc.config.load import load_document
from moodc.render import render_document

ROOT = Path(__file__).resolve().parent.parent
PALETTES = ROOT / "examples" / "palettes"
SAMPLE_RATE = 44100


def render_palette(path: Path, *, seed: int, duration_s: float) -> np.ndarray:
    return render_document(load_document(path), base_dir=path.parent, duration_s=duration_s,
                           seed=seed, sample_rate=SAMPLE_RATE)


def spectrogram_png(audio: np.ndarray, *, title: str, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mono = audio.mean(axis=1)
    fig, ax = plt.subplots(figsize=(8, 2.6), dpi=90)
    ax.specgram(mono, NFFT=2048, Fs=SAMPLE_RATE, noverlap=1536, cmap="magma", vmin=-130)
    ax.set_ylim(0, 8000)
    ax.set_title(title)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("Hz")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--train-seeds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--pictures", type=Path)
    parser.add_argument("--draw", nargs="+", metavar="NAME",
                        help="draw only these palettes (file stems); default all")
    args = parser.parse_args()
    draw = set(args.draw) if args.draw else None
    train: dict[str, list[np.ndarray]] = {}
    test: dict[str, list[np.ndarray]] = {}
    for path in sorted(PALETTES.glob("*.yaml")):
        for seed in range(1, args.seeds + 1):
            audio = render_palette(path, seed=seed, duration_s=args.duration)
            target = train if seed <= args.train_seeds else test
            target.setdefault(path.stem, []).append(feature_vector(audio,
                                                                   sample_rate=SAMPLE_RATE))
            if args.pictures and seed == 1 and (draw is None or path.stem in draw):
                args.pictures.mkdir(parents=True, exist_ok=True)
                spectrogram_png(audio, title=path.stem, out=args.pictures / f"{path.stem}.png")
    labels, confusion = nearest_centroid_confusion(train, test)
    width = max(len(n) for n in labels)
    print(" " * width + "  " + " ".join(f"{i:>2}" for i in range(len(labels))))
    for i, name in enumerate(labels):
        print(f"{name:>{width}}  " + " ".join(f"{c:>2}" for c in confusion[i]))
    print(f"accuracy {np.trace(confusion) / confusion.sum():.2%} "
          f"(chance {1 / len(labels):.1%})")


if __name__ == "__main__":
    main()
