"""``moodc train``: rebuild the tuned head (``moodc/data/model/``) from the committed data.

Steps, each deterministic:

1. read ``moodc/data/train/{train,valid}.jsonl`` and turn each row's config into one label per
   decoded field (:func:`load_split`);
2. compute the base model's features of every prompt once, cached in the user cache directory
   by (model sha256, recipe, prompt) so re-training costs seconds (:func:`cached_features`);
3. for every field, fit a multinomial logistic regression (L-BFGS, L2) on the train split for
   each strength in :data:`L2_GRID`, keep the one with the best validation log-loss, and refit
   on train + valid (:func:`fit_fields`); each field is fitted and scored only on the rows
   whose label's sources *named* it (the row's ``given``, :func:`field_weights`), so a
   default nobody chose ("medium" brightness of a concept that said nothing of it) is
   not a target — except brightness, whose unnamed rows keep a small weight in the fit
   (:data:`UNNAMED_WEIGHTS`: there "medium" is a real answer the named rows under-tell);
4. round the weights to float16, measure the rounded head on the validation split, and write
   ``head.npz`` + ``head.json`` (:func:`train_head`).

Randomness: L-BFGS from zero weights is deterministic; ``seed`` only picks the subset when a
``limit`` is given. Two runs on the same data write identical files (the float16 rounding
absorbs the last-bit noise of multi-threaded BLAS in the features).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from moodc.errors import UsageError
from moodc.gen.artifact import DEFAULT_MODEL_DIR
from moodc.gen.head import (Encoder, FeatureRecipe, FieldHead, Head, concept_features,
                            extract_features, rounded, save_head)

#: The committed training data.
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "train"
SPLITS: tuple[str, ...] = ("train", "valid", "test")
#: L2 strengths tried per field (penalty = l2 / 2 * ||W||^2 added to the mean log-loss).
#: Chosen on the validation split; the range spans "almost free" to "strongly shrunk".
L2_GRID: tuple[float, ...] = (1e-2, 1e-1)
#: Extra L2 on the model's hidden-state features relative to the concept evidence. On the
#: validation split x1 / x10 / x100 gave mean field accuracy 89.5% / 90.3% / 90.3%; the
#: held-out controllability was 91.1% / 95.4% / 94.6% (the hidden states overfit the
#: concepts seen in training unless shrunk). Fixed rather than searched: each value costs
#: a full set of fits.
MODEL_FEATURE_L2_SCALE = 10.0
#: Features with a spread below this are treated as constant (no division blow-up).
MIN_SCALE = 1e-6
MAX_ITER = 300
#: L2 on the biases: tiny, but it keeps the bias of a value absent from the data finite,
#: so the optimiser converges instead of pushing it towards minus infinity.
BIAS_L2 = 1e-3
#: Loss weight of a field in an example whose label's sources did not name it (a row's
#: ``given``): its value there is a default nobody chose ("medium" brightness for a
#: concept that said nothing about brightness), so it teaches the field nothing. Zero:
#: such a row does not move that field's head at all.
UNNAMED_WEIGHT = 0.0
#: Fields whose unnamed rows keep a small weight instead (field -> weight): the middle
#: value is a real answer there, but the rows that *name* a brightness are mostly the dark
#: or bright ones (medium in 13 % of the named valid rows), so fitted on those alone the
#: head answered medium on 1 % of the valid prompts it routes. Chosen on the valid split
#: (``tools/unnamed_study.py``, train-only fits; ``moodc/data/README.md``, "After a weight
#: for unnamed rows"): 0.2 keeps brightness' named accuracy (53.4 -> 53.7 %) and answers
#: medium on 7 %; 0.3 costs 2.4 points. Space and rhythm lost accuracy at every weight > 0.
UNNAMED_WEIGHTS: Mapping[str, float] = MappingProxyType({"brightness": 0.2})
#: Fields always fitted on every row, named or not: their default is the plain absence a
#: concept means by leaving them out (no texture, no accent, no echo, no swing, 4/4). The
#: library adds a texture or an odd meter only where the word calls for one, so rows that
#: name them are nearly all non-default; fitted on those alone, the head would put rain,
#: bells or 7/8 under every prompt.
ABSENCE_DEFAULT_FIELDS: frozenset[str] = frozenset(
    {"meter", "echo", "layers.texture", "layers.accent", "composition.swing"})
#: A field named on fewer than this share of the training rows is fitted on every row:
#: too few named labels to learn from (the root, phrase length and register are almost
#: never named; their defaults are what every concept carries).
MIN_NAMED_SHARE = 0.05

Progress = Callable[[str, int, int], None]  # (stage, n_done, n_total)


@dataclass(frozen=True)
class Split:
    """One data split: prompts, their field labels (by dotted key) and the raw rows.

    ``given`` holds, per row, the fields its label's sources named (the row's ``"given"``
    mask, :func:`moodc.tween.given_mask`), or None for a row without one (every field
    counts as named).
    """

    name: str
    prompts: tuple[str, ...]
    labels: tuple[dict[str, Any], ...]
    rows: tuple[dict[str, Any], ...]

    @property
    def given(self) -> tuple[frozenset[str] | None, ...]:
        from moodc.tween import given_from_mask

        return tuple(given_from_mask(r["given"]) if "given" in r else None for r in self.rows)


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------

def config_labels(config: Any) -> dict[str, Any]:
    """Every decoded field's value in ``config`` (a Config or a plain dict), by dotted key.

    Raises
    ------
    pydantic.ValidationError
        When a dict is not a valid config.
    """
    from moodc.config.model import Config
    from moodc.gen.fields import config_fields

    if not isinstance(config, Config):
        config = Config.model_validate({"version": 2, **dict(config)})
    dump = config.model_dump()
    labels = {}
    for spec in config_fields():
        node: Any = dump
        for part in spec.path:
            node = node[part]
        labels[spec.key] = node
    return labels


def read_jsonl(path: Path, *, missing: UsageError, bad_line_hint: str) -> list[dict[str, Any]]:
    """The JSON objects of ``path``, one a line (blank lines skipped); ``missing`` is raised
    when there is no such file, a line that is not JSON names itself with ``bad_line_hint``."""
    if not path.is_file():
        raise missing
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            raise UsageError(f"{path}:{number}: not JSON ({exc})", hint=bad_line_hint) from None
    return rows


def seeded_subset(rows: list[Any], *, limit: int | None, seed: int) -> list[Any]:
    """A seeded subset of ``limit`` rows in file order (all of them without ``limit``): the
    one draw every split and the blind set use, so a ``--limit`` run is reproducible."""
    if limit is None or limit >= len(rows):
        return rows
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    return [rows[i] for i in np.sort(rng.choice(len(rows), size=limit, replace=False))]


def load_split(name: str, *, data_dir: Path = DATA_DIR, limit: int | None = None,
               seed: int = 0) -> Split:
    """Read ``data_dir/<name>.jsonl``; with ``limit``, a seeded subset of that many rows.

    Raises
    ------
    UsageError
        When the file is missing, a line is not JSON, or a row's config is invalid.
    """
    path = data_dir / f"{name}.jsonl"
    rows = seeded_subset(read_jsonl(path, missing=UsageError(
        f"no data split {name!r} at {path}",
        hint=f"splits are {', '.join(SPLITS)}; the data ships in moodc/data/train/"),
        bad_line_hint="fix or regenerate the data"), limit=limit, seed=seed)
    labels = []
    for number, row in enumerate(rows, start=1):
        try:
            labels.append(config_labels(row["config"]))
        except Exception as exc:  # pydantic.ValidationError, KeyError, TypeError
            raise UsageError(f"{path}: row {number} ({row.get('prompt', '?')!r}) has no valid "
                             f"config: {str(exc).splitlines()[0]}",
                             hint="fix or regenerate the data") from None
    return Split(name, tuple(str(r["prompt"]) for r in rows), tuple(labels), tuple(rows))


def data_sha256(paths: Sequence[Path]) -> str:
    """sha256 over the given files' bytes (in order): identifies the data a head was trained on."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------
# Feature cache
# --------------------------------------------------------------------------------------

def _prompt_key(prompt: str) -> str:
    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:24]


def feature_cache_path(*, encoder_sha256: str, recipe: FeatureRecipe,
                       root: Path | None = None) -> Path:
    """Cache file of features for one (model, recipe) pair, in the user cache directory."""
    from moodc.gen.convert import cache_root

    base = cache_root() if root is None else root
    return base / "features" / f"{encoder_sha256[:16]}-{recipe.digest()}.npz"


def cached_features(prompts: Sequence[str], *, encoder: Encoder, recipe: FeatureRecipe,
                    cache_path: Path | None = None,
                    progress: Progress | None = None) -> np.ndarray:
    """Features of ``prompts``, computing (and caching) only the ones not cached yet.

    The cache maps a prompt's sha256 to its feature row, so adding data re-uses the rest.
    """
    path = cache_path or feature_cache_path(encoder_sha256=encoder.model_sha256, recipe=recipe)
    return cached_rows(prompts, path=path, progress=progress, compute=lambda todo, report:
                       extract_features(todo, encoder=encoder, recipe=recipe, progress=report))


def cached_answers(prompts: Sequence[str], *, encoder: Encoder, root: Path | None = None,
                   progress: Progress | None = None) -> np.ndarray:
    """The model's answers (:func:`moodc.gen.cloze.cloze_features`) of ``prompts``, cached
    beside the features by (model, questions)."""
    from moodc.gen.cloze import CLOZE_QUESTIONS, cloze_features, questions_digest
    from moodc.gen.convert import cache_root

    base = cache_root() / "features" if root is None else root
    path = base / f"{encoder.model_sha256[:16]}-answers-{questions_digest(CLOZE_QUESTIONS)}.npz"
    return cached_rows(prompts, path=path, progress=progress, stage="answers",
                       compute=lambda todo, report: cloze_features(todo, encoder=encoder,
                                                                   progress=report))


def cached_rows(prompts: Sequence[str], *, path: Path,
                compute: Callable[[list[str], Callable[[int], None] | None], np.ndarray],
                progress: Progress | None = None, stage: str = "features") -> np.ndarray:
    """Rows of ``prompts`` from the cache file ``path``, computing (``compute(prompts,
    report)``, reported as ``stage``) and caching only the ones not cached yet."""
    cache: dict[str, np.ndarray] = {}
    if path.is_file():
        try:
            with np.load(path) as saved:
                cache = dict(zip(saved["keys"].tolist(), saved["features"]))
        except (OSError, ValueError, KeyError):
            cache = {}
    keys = [_prompt_key(p) for p in prompts]
    missing = sorted({k: p for k, p in zip(keys, prompts) if k not in cache}.items())
    if missing:
        total = len(missing)
        report = (lambda done: progress(stage, done, total)) if progress else None
        fresh = compute([p for _, p in missing], report)
        cache.update({k: row for (k, _), row in zip(missing, fresh)})
        _save_cache(path, cache)
    return np.stack([cache[k] for k in keys]).astype(np.float32)


def _save_cache(path: Path, cache: dict[str, np.ndarray]) -> None:
    """Write the cache atomically; a read-only cache directory only costs recomputation."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.npz")
        keys = sorted(cache)
        np.savez(tmp, keys=np.array(keys), features=np.stack([cache[k] for k in keys]))
        os.replace(tmp, path)
    except OSError:
        pass


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------

#: Thread-count setters of the OpenBLAS builds numpy wheels bundle (scipy-openblas), newest first.
NUMPY_BLAS_SETTERS: tuple[str, ...] = ("scipy_openblas_set_num_threads64_",
                                       "scipy_openblas_set_num_threads",
                                       "openblas_set_num_threads64_", "openblas_set_num_threads")


@contextlib.contextmanager
def single_threaded_numpy_blas() -> Iterator[None]:
    """Run numpy's own OpenBLAS on one thread inside the block (best effort, then restore).

    Why: the fit is many small, memory-bound products. On a busy 2-core machine OpenBLAS's
    spinning worker threads made it 7-10x slower than one thread (measured: 62 s vs 8 s for
    one L-BFGS fit). MLX uses a different BLAS (the system OpenBLAS), which is untouched.
    Does nothing where numpy's BLAS cannot be found (e.g. Accelerate on macOS).
    """
    setter, getter = _numpy_blas_thread_functions()
    if setter is None or getter is None:
        yield
        return
    before = int(getter())
    setter(1)
    try:
        yield
    finally:
        setter(before)


def _numpy_blas_thread_functions() -> tuple[Any, Any]:
    """(set, get) thread-count functions of numpy's bundled OpenBLAS, or (None, None)."""
    import ctypes
    import glob

    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(glob.glob(str(libs / "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in NUMPY_BLAS_SETTERS:
            getter_name = name.replace("set_num_threads", "get_num_threads")
            if hasattr(lib, name) and hasattr(lib, getter_name):
                setter, getter = getattr(lib, name), getattr(lib, getter_name)
                setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                return setter, getter
    return None, None


def standardiser(features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature mean and spread (floored at :data:`MIN_SCALE`) of a (n, d) array."""
    x = np.asarray(features, dtype=np.float64)
    return x.mean(axis=0), np.maximum(x.std(axis=0), MIN_SCALE)


def fit_softmaxes(z: np.ndarray, targets: Sequence[np.ndarray], *, n_classes: Sequence[int],
                  l2: Sequence[float], feature_l2_scale: np.ndarray | None = None,
                  sample_weights: Sequence[np.ndarray] | None = None,
                  max_iter: int = MAX_ITER) -> list[tuple[np.ndarray, np.ndarray]]:
    """Multinomial logistic regressions of several fields on the same features, jointly.

    Field ``f`` minimises ``mean_w(-log p(y_f | z)) + l2[f] / 2 * ||W_f||^2`` (biases are
    not penalised), where ``mean_w`` is the mean weighted by ``sample_weights[f]`` (the rows
    whose label names the field; a zero-weight row does not move that field at all). The
    fields do not interact, so one L-BFGS run over all of them (from zero
    weights: deterministic) gives the same optimum as separate runs, but each iteration is
    a single (n, d) x (d, sum of classes) matrix product instead of one small one per field.

    Parameters
    ----------
    z : ndarray, shape (n, d)
        Standardised features.
    targets : sequence of int ndarrays, shape (n,) each
        Class indices per field, in ``[0, n_classes[f])``; absent classes get low scores.
    feature_l2_scale : ndarray, shape (d,), optional
        Multiplies the L2 of each feature's weights (default 1): a group of features that
        overfits (the model's hidden states next to the concept evidence) can be shrunk more.
    sample_weights : sequence of float ndarrays, shape (n,) each, optional
        Per field, each row's loss weight (default 1 everywhere). Normalised per field, so a
        field fitted on a third of the rows meets the same L2 as one fitted on all.

    Returns
    -------
    list of (weight (d, n_classes[f]), bias (n_classes[f],)) per field
    """
    z = np.asarray(z, dtype=np.float64)
    n, d = z.shape
    bounds = np.concatenate([[0], np.cumsum(n_classes)])
    width = int(bounds[-1])
    onehot = np.zeros((n, width))
    penalty = np.zeros(width)
    row_weight = np.zeros((n, width))  # each row's weight in each field's mean, / its total
    for f, y in enumerate(targets):
        onehot[np.arange(n), bounds[f] + np.asarray(y)] = 1.0
        penalty[bounds[f]:bounds[f + 1]] = l2[f]
        w = np.ones(n) if sample_weights is None else np.asarray(sample_weights[f], float)
        row_weight[:, bounds[f]:bounds[f + 1]] = (w / max(float(w.sum()), 1e-12))[:, None]
    target = onehot * row_weight
    scale = np.ones(d) if feature_l2_scale is None else np.asarray(feature_l2_scale, float)
    penalty = scale[:, None] * penalty[None, :]  # (d, width)

    def loss_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weight, bias = theta[:d * width].reshape(d, width), theta[d * width:]
        logits = z @ weight + bias
        probs = np.empty_like(logits)
        loss = 0.5 * float((penalty * weight ** 2).sum()) + 0.5 * BIAS_L2 * float(bias @ bias)
        for f in range(len(targets)):
            block = logits[:, bounds[f]:bounds[f + 1]]
            block = block - block.max(axis=1, keepdims=True)
            log_p = block - np.log(np.exp(block).sum(axis=1, keepdims=True))
            loss -= float((target[:, bounds[f]:bounds[f + 1]] * log_p).sum())
            probs[:, bounds[f]:bounds[f + 1]] = np.exp(log_p)
        delta = probs * row_weight - target
        grad_w = z.T @ delta + penalty * weight
        return loss, np.concatenate([grad_w.ravel(), delta.sum(axis=0) + BIAS_L2 * bias])

    theta = lbfgs(loss_and_grad, np.zeros(d * width + width), max_iter=max_iter)
    weight, bias = theta[:d * width].reshape(d, width), theta[d * width:]
    return [(weight[:, bounds[f]:bounds[f + 1]].copy(), bias[bounds[f]:bounds[f + 1]].copy())
            for f in range(len(targets))]


def lbfgs(loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]], x0: np.ndarray, *,
          max_iter: int = MAX_ITER, n_memory: int = 10, grad_tol: float = 1e-5,
          loss_tol: float = 1e-9) -> np.ndarray:
    """Minimise a smooth function with L-BFGS (two-loop recursion, backtracking Armijo).

    Why not ``scipy.optimize``'s L-BFGS-B: its bound handling costs ~15 ms per iteration at
    the ~130k parameters of the joint fit, more than the loss itself; this unbounded loop
    costs a few vector operations. Deterministic: no randomness, fixed iteration order.
    Stops when the largest gradient entry is below ``grad_tol``, when a step lowers the loss
    by less than ``loss_tol`` (relative), or after ``max_iter`` steps.
    """
    x = x0.astype(np.float64)
    loss, grad = loss_and_grad(x)
    history: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(max_iter):
        if np.abs(grad).max() < grad_tol:
            break
        direction = _two_loop(grad, history)
        slope = float(grad @ direction)
        if slope >= 0:  # not a descent direction: restart from steepest descent
            history.clear()
            direction, slope = -grad, -float(grad @ grad)
        step = 1.0 if history else min(1.0, 1.0 / max(np.abs(grad).sum(), 1e-12))
        for _ in range(30):  # backtracking line search (Armijo, c = 1e-4)
            x_new = x + step * direction
            loss_new, grad_new = loss_and_grad(x_new)
            if loss_new <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        else:
            break
        s_vec, y_vec = x_new - x, grad_new - grad
        curvature = float(s_vec @ y_vec)
        if curvature > 1e-12:
            history.append((s_vec, y_vec, 1.0 / curvature))
            del history[:-n_memory]
        converged = loss - loss_new <= loss_tol * max(1.0, abs(loss))
        x, loss, grad = x_new, loss_new, grad_new
        if converged:
            break
    return x


def _two_loop(grad: np.ndarray, history: Sequence[tuple[np.ndarray, np.ndarray, float]]
              ) -> np.ndarray:
    """The L-BFGS search direction: minus the inverse-Hessian estimate times ``grad``."""
    q = grad.copy()
    alphas = []
    for s_vec, y_vec, rho in reversed(history):
        alpha = rho * float(s_vec @ q)
        q -= alpha * y_vec
        alphas.append(alpha)
    if history:
        s_vec, y_vec, _ = history[-1]
        q *= float(s_vec @ y_vec) / float(y_vec @ y_vec)
    for (s_vec, y_vec, rho), alpha in zip(history, reversed(alphas)):
        q += (alpha - rho * float(y_vec @ q)) * s_vec
    return -q


def log_loss(z: np.ndarray, y: np.ndarray, weight: np.ndarray, bias: np.ndarray, *,
             sample_weight: np.ndarray | None = None) -> float:
    """Mean negative log-likelihood of classes ``y`` under the softmax ``z @ weight + bias``
    (weighted by ``sample_weight`` when given: the mean over the rows that count)."""
    logits = np.asarray(z, dtype=np.float64) @ weight + bias
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    losses = -log_p[np.arange(len(y)), y]
    if sample_weight is None:
        return float(losses.mean())
    return float((sample_weight * losses).sum() / max(float(sample_weight.sum()), 1e-12))


def named_weights(given: Sequence[frozenset[str] | None], *, key: str,
                  unnamed_weight: float = UNNAMED_WEIGHT) -> np.ndarray:
    """Per row, the loss weight of field ``key``: 1 where the row's sources named it (or the
    row has no ``given``), ``unnamed_weight`` where its label is a default nobody chose."""
    return np.array([1.0 if g is None or key in g else unnamed_weight for g in given])


def field_weights(keys: Sequence[str], *, given: Sequence[frozenset[str] | None],
                  train_given: Sequence[frozenset[str] | None] | None = None,
                  unnamed_weight: float | None = None) -> list[np.ndarray]:
    """Per field, the rows' loss weights (:func:`named_weights`), except for the fields
    fitted on every row: :data:`ABSENCE_DEFAULT_FIELDS` and those named on fewer than
    :data:`MIN_NAMED_SHARE` of ``train_given`` (default ``given``) — the same fields are
    masked in every split, decided on the training rows.

    An unnamed row weighs ``unnamed_weight`` in every masked field, or by default the
    field's :data:`UNNAMED_WEIGHTS` entry, else :data:`UNNAMED_WEIGHT` (0 scores a field on
    its named rows alone)."""
    reference = given if train_given is None else train_given
    out = []
    for key in keys:
        share = float(named_weights(reference, key=key, unnamed_weight=0.0).mean()) \
            if reference else 1.0
        if key in ABSENCE_DEFAULT_FIELDS or share < MIN_NAMED_SHARE:
            out.append(np.ones(len(given)))
            continue
        weight = UNNAMED_WEIGHTS.get(key, UNNAMED_WEIGHT) if unnamed_weight is None \
            else unnamed_weight
        out.append(named_weights(given, key=key, unnamed_weight=weight))
    return out


def class_indices(labels: Sequence[dict[str, Any]], *, key: str,
                  values: tuple[Any, ...]) -> np.ndarray:
    """Each row's value of field ``key`` as an index into ``values``."""
    index = {v: i for i, v in enumerate(values)}
    return np.array([index[row[key]] for row in labels], dtype=np.int64)


@dataclass(frozen=True)
class FieldFit:
    """The outcome of fitting one field: the chosen L2, its validation scores, the weights."""

    key: str
    l2: float
    valid_log_loss: float
    valid_accuracy: float
    head: FieldHead
    train_only: FieldHead  # fitted on train alone at the chosen L2 (LoRA training starts here)


def fit_fields(specs: Sequence[Any], *, z_train: np.ndarray, train_labels: Sequence[dict[str, Any]],
               z_valid: np.ndarray, valid_labels: Sequence[dict[str, Any]],
               l2_grid: Sequence[float] = L2_GRID, feature_l2_scale: np.ndarray | None = None,
               train_given: Sequence[frozenset[str] | None] | None = None,
               valid_given: Sequence[frozenset[str] | None] | None = None,
               refit: bool = True, progress: Progress | None = None) -> list[FieldFit]:
    """Per field, pick the L2 with the best validation log-loss, then refit on train + valid.

    With ``train_given`` / ``valid_given`` (per row, the fields its label's sources named)
    each field is fitted on the rows that named it, its unnamed rows at the field's
    :data:`UNNAMED_WEIGHTS` (default 0), and scored and chosen on the named valid rows
    alone (:func:`field_weights`): a label's unnamed default is not an answer to score.
    Without them every row counts for every field.

    ``specs`` are :class:`moodc.gen.fields.FieldSpec` values (``key`` and ``values``). The
    fields do not interact, so the grid's fit at a field's chosen L2 *is* its train-only fit
    (kept as ``train_only``); without ``refit`` the final train + valid fit is skipped and
    ``head`` is that train-only fit too.
    """
    n_classes = [len(s.values) for s in specs]
    y_train = [class_indices(train_labels, key=s.key, values=s.values) for s in specs]
    y_valid = [class_indices(valid_labels, key=s.key, values=s.values) for s in specs]
    keys = [s.key for s in specs]
    w_train = w_valid = w_score = None
    if train_given is not None and valid_given is not None:
        w_train = field_weights(keys, given=train_given)
        w_valid = field_weights(keys, given=valid_given, train_given=train_given)
        # scored on the named valid rows alone: an unnamed row's default is no answer
        w_score = field_weights(keys, given=valid_given, train_given=train_given,
                                unnamed_weight=0.0)
    best: list[tuple[float, float, float]] = [(np.inf, 0.0, 0.0)] * len(specs)
    train_only: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0), np.zeros(0))] * len(specs)
    n_steps = len(l2_grid) + int(refit)
    for step, l2 in enumerate(l2_grid):
        fits = fit_softmaxes(z_train, y_train, n_classes=n_classes, l2=[l2] * len(specs),
                             feature_l2_scale=feature_l2_scale, sample_weights=w_train)
        for f, (weight, bias) in enumerate(fits):
            counts = None if w_score is None else w_score[f]
            loss = log_loss(z_valid, y_valid[f], weight, bias, sample_weight=counts)
            if loss < best[f][0] - 1e-9:
                hits = np.argmax(z_valid @ weight + bias, axis=1) == y_valid[f]
                accuracy = float(np.average(hits, weights=counts)
                                 if counts is not None and counts.sum() > 0 else hits.mean())
                best[f] = (loss, l2, accuracy)
                train_only[f] = (weight, bias)
        if progress:
            progress("fit", step + 1, n_steps)
    final = train_only
    if refit:
        final = fit_softmaxes(np.concatenate([z_train, z_valid]),
                              [np.concatenate([a, b]) for a, b in zip(y_train, y_valid)],
                              n_classes=n_classes, l2=[b[1] for b in best],
                              feature_l2_scale=feature_l2_scale,
                              sample_weights=None if w_train is None or w_valid is None else
                              [np.concatenate([a, b]) for a, b in zip(w_train, w_valid)])
        if progress:
            progress("fit", n_steps, n_steps)
    return [FieldFit(s.key, b[1], b[0], b[2], FieldHead(s.key, s.values, w, c),
                     FieldHead(s.key, s.values, *t))
            for s, b, (w, c), t in zip(specs, best, final, train_only)]


# --------------------------------------------------------------------------------------
# The whole run
# --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrainResult:
    """What ``moodc train`` made and measured."""

    head: Head
    fits: tuple[FieldFit, ...]
    n_train: int
    n_valid: int
    features_s: float
    fit_s: float
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Prepared:
    """The splits and their full head input (model features, then concept evidence)."""

    train: Split
    valid: Split
    encoder: Encoder
    x_all: np.ndarray  # (n_train + n_valid, n_features), train rows first
    n_model_features: int
    features_s: float
    mean: np.ndarray  # the train rows' standardiser (:func:`standardiser`), computed once
    scale: np.ndarray

    def feature_l2_scale(self) -> np.ndarray:
        """Per feature, the L2 multiplier: :data:`MODEL_FEATURE_L2_SCALE` on the model's."""
        scale = np.ones(self.x_all.shape[1])
        if self.x_all.shape[1] > self.n_model_features:
            scale[:self.n_model_features] = MODEL_FEATURE_L2_SCALE
        return scale

    def fit(self, *, l2_grid: Sequence[float], refit: bool,
            progress: Progress | None) -> list[FieldFit]:
        """:func:`fit_fields` on the standardised train and valid features."""
        from moodc.gen.fields import config_fields

        z_train = (self.x_all[:len(self.train.prompts)] - self.mean) / self.scale
        z_valid = (self.x_all[len(self.train.prompts):] - self.mean) / self.scale
        with single_threaded_numpy_blas():
            return fit_fields(config_fields(), z_train=z_train, train_labels=self.train.labels,
                              z_valid=z_valid, valid_labels=self.valid.labels, l2_grid=l2_grid,
                              feature_l2_scale=self.feature_l2_scale(),
                              train_given=self.train.given, valid_given=self.valid.given,
                              refit=refit, progress=progress)


def prepare(*, data_dir: Path, recipe: FeatureRecipe, seed: int, limit: int | None,
            encoder: Encoder | None, cache_path: Path | None,
            progress: Progress | None) -> Prepared:
    """Read the splits, load the encoder and compute (or read cached) every prompt's input.

    Raises
    ------
    UsageError, MoodcError
        Missing or invalid data; missing model package.
    """
    from moodc.gen.head import load_encoder

    train = load_split("train", data_dir=data_dir, limit=limit, seed=seed)
    valid = load_split("valid", data_dir=data_dir, limit=limit, seed=seed)
    if not train.prompts or not valid.prompts:
        raise UsageError(f"{data_dir}: the train and valid splits must not be empty")
    encoder = encoder or load_encoder()
    start = time.perf_counter()
    x_all = cached_features(train.prompts + valid.prompts, encoder=encoder, recipe=recipe,
                            cache_path=cache_path, progress=progress)
    n_model_features = x_all.shape[1]
    if recipe.concepts:
        x_all = np.concatenate([x_all, concept_features(train.prompts + valid.prompts)], axis=1)
    features_s = time.perf_counter() - start
    mean, scale = standardiser(x_all[:len(train.prompts)])
    return Prepared(train, valid, encoder, x_all, n_model_features, features_s, mean, scale)


def train_head(*, data_dir: Path = DATA_DIR, out_dir: Path | None = DEFAULT_MODEL_DIR,
               recipe: FeatureRecipe | None = None, seed: int = 0, limit: int | None = None,
               encoder: Encoder | None = None, cache_path: Path | None = None,
               l2_grid: Sequence[float] = L2_GRID, fuse: bool = True,
               progress: Progress | None = None) -> TrainResult:
    """Train the per-field heads on ``data_dir`` and (unless ``out_dir`` is None) save them.

    With ``fuse``, the model's answers about tempo and brightness are then fitted on top of
    the heads (:func:`fit_answer_fusion`); that asks every validation prompt the questions
    of :mod:`moodc.gen.cloze` once (cached, ~0.1-0.3 s a prompt on 2 cores).

    Parameters
    ----------
    limit : int, optional
        Use a seeded subset of this many train rows (and as many valid rows, at most) —
        for quick checks; the shipped artifact uses all rows.
    encoder : Encoder, optional
        The loaded base model; default :func:`moodc.gen.head.load_encoder`.
    progress : callable(stage, n_done, n_total), optional
        Called as features are computed ("features") and fields fitted ("fit").

    Raises
    ------
    UsageError, MoodcError
        Missing or invalid data; missing model package.
    """
    recipe = recipe or FeatureRecipe()
    prepared = prepare(data_dir=data_dir, recipe=recipe, seed=seed, limit=limit,
                       encoder=encoder, cache_path=cache_path, progress=progress)
    start = time.perf_counter()
    fits = prepared.fit(l2_grid=l2_grid, refit=True, progress=progress)
    fusion, fusion_meta = (fit_answer_fusion(prepared, fits, progress=progress,
                                             cache_root=cache_path and cache_path.parent)
                           if fuse else (None, None))
    fit_s = time.perf_counter() - start
    train, valid, features_s = prepared.train, prepared.valid, prepared.features_s
    head = rounded(Head(recipe, prepared.mean, prepared.scale, tuple(f.head for f in fits),
                        fusion=fusion))
    meta = _meta(head, fits, data_dir=data_dir, seed=seed, limit=limit,
                 n_train=len(train.prompts), n_valid=len(valid.prompts))
    if fusion_meta is not None:
        meta["fusion"] = fusion_meta
    head = dataclasses.replace(head, meta=meta)
    files: tuple[Path, ...] = ()
    if out_dir is not None:
        files = save_head(head, out_dir)
    return TrainResult(head, tuple(fits), len(train.prompts), len(valid.prompts),
                       features_s, fit_s, files)


def fit_answer_fusion(prepared: Prepared, fits: Sequence[FieldFit], *,
                      progress: Progress | None = None,
                      cache_root: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """The fusion of :mod:`moodc.gen.fusion`, fitted on the validation split against the
    heads' train-only fits (out-of-sample there, as on a new prompt), and its figures.

    The validation rows are weighted as the heads score them (named rows only), so a
    label's unnamed default teaches the fusion nothing either.
    """
    from moodc.gen.fields import config_fields
    from moodc.gen.fusion import FUSED_FIELDS, FUSION_L2, fit_fusion, rounded_fusion
    from moodc.gen.head import log_softmax

    valid, train = prepared.valid, prepared.train
    answers = cached_answers(valid.prompts, encoder=prepared.encoder, progress=progress,
                             root=cache_root)
    z_valid = (prepared.x_all[len(train.prompts):] - prepared.mean) / prepared.scale
    specs = {s.key: s for s in config_fields()}
    by_key = {f.key: f for f in fits}
    named = dict(zip(FUSED_FIELDS, field_weights(FUSED_FIELDS, given=valid.given,
                                                 train_given=train.given, unnamed_weight=0.0)))
    log_probs, targets = {}, {}
    for key in FUSED_FIELDS:
        only = by_key[key].train_only
        logits = z_valid @ only.weight.astype(np.float64) + only.bias.astype(np.float64)
        log_probs[key] = log_softmax(logits)
        targets[key] = class_indices(valid.labels, key=key, values=specs[key].values)
    fusion = rounded_fusion(fit_fusion(log_probs, answers, targets=targets, weights=named))
    fused = fusion.adjust(log_probs, answers)
    accuracy = {key: {"head": _weighted_hits(log_probs[key], targets[key], named[key]),
                      "fused_in_sample": _weighted_hits(fused[key], targets[key], named[key])}
                for key in FUSED_FIELDS}
    return fusion, {"fields": list(FUSED_FIELDS), "l2": FUSION_L2,
                    "questions": _questions_digest(), "valid_accuracy": accuracy}


def _weighted_hits(log_probs: np.ndarray, targets: np.ndarray, weight: np.ndarray) -> float:
    hits = np.argmax(log_probs, axis=1) == targets
    return round(float(np.average(hits, weights=weight)), 4) if weight.sum() > 0 else 0.0


def _questions_digest() -> str:
    from moodc.gen.cloze import CLOZE_QUESTIONS, questions_digest

    return questions_digest(CLOZE_QUESTIONS)


def _meta(head: Head, fits: Sequence[FieldFit], *, data_dir: Path, seed: int,
          limit: int | None, n_train: int, n_valid: int) -> dict[str, Any]:
    """The provenance and validation metrics written into ``head.json``."""
    data_files = [data_dir / f"{name}.jsonl" for name in ("train", "valid")]
    weights = b"".join(f.weight.astype(np.float16).tobytes() + f.bias.astype(np.float16).tobytes()
                       for f in head.fields)
    return {
        "data_sha256": data_sha256(data_files),
        "artifact_sha256": hashlib.sha256(weights + head.mean.tobytes()).hexdigest()[:16],
        "seed": seed, "limit": limit, "n_train": n_train, "n_valid": n_valid,
        "fit": "multinomial logistic regression per field, L-BFGS, L2 chosen on valid "
               "(lowest log-loss), refit on train+valid, weights float16; each field fitted "
               "and scored only on the rows whose label's sources named it (unnamed rows "
               "weighted by unnamed_weights where listed)",
        "unnamed_weights": dict(UNNAMED_WEIGHTS),
        "model_feature_l2_scale": MODEL_FEATURE_L2_SCALE if head.recipe.concepts else 1.0,
        "l2": {f.key: f.l2 for f in fits},
        "valid_accuracy": {f.key: round(f.valid_accuracy, 4) for f in fits},
        "valid_log_loss": {f.key: round(f.valid_log_loss, 4) for f in fits},
    }


# --------------------------------------------------------------------------------------
# LoRA: adapt the encoder's first blocks for the heads (tools/lora_study.py --train)
# --------------------------------------------------------------------------------------

def default_checkpoint_dir() -> Path:
    """Where :func:`train_lora_head` keeps its checkpoint (the user cache directory)."""
    from moodc.gen.convert import cache_root

    return cache_root() / "lora-checkpoint"


def head_init(prepared: Prepared, fits: Sequence[FieldFit]) -> Any:
    """The train-only heads at their chosen L2, as the block matrix LoRA training starts from
    (same standardiser; the penalty is the fit's per-field L2 times the feature scale)."""
    from moodc.gen.lora import HeadInit

    sizes = [len(f.train_only.values) for f in fits]
    bounds = tuple(int(b) for b in np.concatenate([[0], np.cumsum(sizes)]))
    l2 = np.concatenate([[f.l2] * n for f, n in zip(fits, sizes)])
    penalty = prepared.feature_l2_scale()[:, None] * l2[None, :]
    return HeadInit(prepared.mean.astype(np.float32), prepared.scale.astype(np.float32),
                    np.concatenate([f.train_only.weight for f in fits], axis=1).astype(np.float32),
                    np.concatenate([f.train_only.bias for f in fits]).astype(np.float32),
                    bounds, penalty.astype(np.float32), BIAS_L2)


def _valid_accuracy(head: Head, x_valid: np.ndarray, valid: Split) -> dict[str, float]:
    """Per field, the share of valid rows where the head's argmax is the label."""
    log_probs = head.log_probs(x_valid)
    out = {}
    for field in head.fields:
        y = class_indices(valid.labels, key=field.key, values=field.values)
        out[field.key] = round(float((log_probs[field.key].argmax(axis=1) == y).mean()), 4)
    return out


def train_lora_head(*, data_dir: Path = DATA_DIR, out_dir: Path | None = DEFAULT_MODEL_DIR,
                    lora_recipe: Any = None, seed: int = 0, limit: int | None = None,
                    encoder: Encoder | None = None, cache_path: Path | None = None,
                    checkpoint_dir: Path | None = None, resume: bool = False,
                    l2_grid: Sequence[float] = L2_GRID, progress: Progress | None = None,
                    step_progress: Callable[[int, int, float, float], None] | None = None
                    ) -> TrainResult:
    """The heads and LoRA adapters of the encoder's first blocks, trained jointly; saved.

    Steps: the frozen features and the per-field L2 on valid as in :func:`train_head` (no
    train + valid refit); the train-only heads at that L2 are the start; adapters and heads
    are trained on the **train** split only (:func:`moodc.gen.lora.train_adapters`,
    checkpointed; ``resume`` continues a killed run); the adapters are rounded to float16
    and merged, and the valid accuracy written to ``head.json`` is a held-out figure.
    About 30 min on this 2-core machine at the default recipe (450 steps of 16 prompts).
    Not the shipped recipe: on the valid split it did not beat the frozen head
    (``moodc/data/README.md``, "What we tried: adapting the encoder"); ``tools/lora_study.py``
    runs it.
    """
    from moodc.gen.artifact import LORA_WEIGHTS
    from moodc.gen.head import encode_prompt
    from moodc.gen.lora import (
        LoraRecipe,
        merged_llama,
        rounded_adapters,
        save_adapters,
        train_adapters,
    )

    lora_recipe = lora_recipe or LoraRecipe()
    recipe = FeatureRecipe()
    prepared = prepare(data_dir=data_dir, recipe=recipe, seed=seed, limit=limit, encoder=encoder,
                       cache_path=cache_path, progress=progress)
    start = time.perf_counter()
    fits = prepared.fit(l2_grid=l2_grid, refit=False, progress=progress)
    init = head_init(prepared, fits)
    train, valid, n_train = prepared.train, prepared.valid, len(prepared.train.prompts)
    encoded = [encode_prompt(prepared.encoder.tokenizer, p, recipe=recipe) for p in train.prompts]
    targets = np.stack([class_indices(train.labels, key=f.key, values=f.head.values)
                        for f in fits], axis=1)
    state = train_adapters(llama=prepared.encoder.llama, encoded=encoded,
                           concepts=prepared.x_all[:n_train, prepared.n_model_features:],
                           targets=targets, init=init, recipe=lora_recipe,
                           checkpoint_dir=checkpoint_dir or default_checkpoint_dir(),
                           resume=resume, progress=step_progress)
    adapters = rounded_adapters(state.adapters)
    weight, bias = np.array(state.head["weight"]), np.array(state.head["bias"])
    fields = tuple(FieldHead(f.key, f.head.values, weight[:, a:b], bias[a:b])
                   for f, a, b in zip(fits, init.bounds[:-1], init.bounds[1:]))
    head = rounded(Head(recipe, init.mean, init.scale, fields))
    tuned = Encoder(merged_llama(prepared.encoder.llama, adapters, recipe=lora_recipe),
                    prepared.encoder.tokenizer, prepared.encoder.model_sha256)
    x_valid = np.concatenate([extract_features(list(valid.prompts), encoder=tuned, recipe=recipe),
                              prepared.x_all[n_train:, prepared.n_model_features:]], axis=1)
    fit_s = time.perf_counter() - start
    meta = _meta(head, fits, data_dir=data_dir, seed=seed, limit=limit, n_train=n_train,
                 n_valid=len(valid.prompts))
    frozen = {f.key: round(f.valid_accuracy, 4) for f in fits}
    digest = hashlib.sha256(meta["artifact_sha256"].encode())
    for key in sorted(adapters):
        digest.update(np.array(adapters[key]).astype(np.float16).tobytes())
    meta.update({
        "artifact_sha256": digest.hexdigest()[:16],
        "fit": "per-field softmax heads (train-only fit at the L2 chosen on valid) trained "
               "jointly with LoRA adapters of the encoder's first blocks on the train split "
               "(Adam, summed cross-entropy + the heads' L2); adapters and weights float16",
        "valid_accuracy": _valid_accuracy(head, x_valid, valid),
        "valid_accuracy_frozen": frozen,
        "lora": {"recipe": lora_recipe.to_json(), "weights": LORA_WEIGHTS,
                 "final_loss": round(float(np.mean(state.losses[-25:])), 4)},
    })
    head = Head(head.recipe, head.mean, head.scale, head.fields, meta)
    files: tuple[Path, ...] = ()
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        save_adapters(adapters, out_dir / LORA_WEIGHTS)
        files = (*save_head(head, out_dir), out_dir / LORA_WEIGHTS)
    return TrainResult(head, tuple(fits), n_train, len(valid.prompts), prepared.features_s,
                       fit_s, files)
