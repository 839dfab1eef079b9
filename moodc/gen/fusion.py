"""The model's own answers about tempo and brightness, weighed into the head's reading.

Why: the head reads tempo and brightness from mean-pooled hidden states, which blur what a
prompt implies; asked outright (:mod:`moodc.gen.cloze`: "The tempo is", "The sound is",
"The mood is" …) the same model answers "slow" for a funeral and "upbeat" for a carnival.
A late fusion adds, per fused field, a linear term of the standardised answers to the
head's log-probabilities: ``logits = log p_head + z_cloze @ W + b``. It is fitted on the
validation split against the head's **train-only** fit (whose validation answers are
out-of-sample, as a new prompt's are for the shipped head), by ``moodc train``.

Measured before shipping (``tools/fusion_study.py``; ``moodc/data/README.md``, "The model's
answers about tempo and brightness"): with folds that never share a label config, tempo
exact on the model-routed valid rows 48.9 → 51.5 %, brightness 51.4 → 53.1 %; mode gained
less than a point and is not fused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from moodc.gen.head import log_softmax

#: The fields whose head log-probabilities the model's answers adjust.
FUSED_FIELDS: tuple[str, ...] = ("tempo", "brightness")
#: L2 on the fusion weights (standardised answers), chosen with config-disjoint folds on
#: valid among 0.01-3 (tempo and brightness both best at 1).
FUSION_L2 = 1.0
#: Iterations of the optimiser (it converges in ~100 on the validation split).
MAX_ITER = 300
#: An answer feature with a spread below this is treated as constant.
MIN_SCALE = 1e-6


@dataclass(frozen=True)
class Fusion:
    """Per fused field, the weights that add the model's answers to the head's logits."""

    mean: np.ndarray  # (n_answers,) of the validation rows' answers
    scale: np.ndarray  # (n_answers,)
    weights: Mapping[str, tuple[np.ndarray, np.ndarray]]  # key -> (W (n_answers, k), b (k,))

    def adjust(self, log_probs: Mapping[str, np.ndarray], answers: np.ndarray
               ) -> dict[str, np.ndarray]:
        """``log_probs`` (per field, (k,) or (n, k)) with the fused fields adjusted by
        ``answers`` (one prompt's (n_answers,) or (n, n_answers)), renormalised."""
        z = (np.asarray(answers, dtype=np.float64) - self.mean) / self.scale
        out = dict(log_probs)
        for key, (weight, bias) in self.weights.items():
            logits = np.asarray(log_probs[key], dtype=np.float64) + z @ weight + bias
            out[key] = log_softmax(logits)
        return out


def fit_offset_softmax(offset: np.ndarray, z: np.ndarray, y: np.ndarray, weight: np.ndarray, *,
                       l2: float = FUSION_L2) -> tuple[np.ndarray, np.ndarray]:
    """``W, b`` minimising the weighted mean cross-entropy of ``offset + z @ W + b`` plus
    ``l2 / 2 * ||W||²`` (L-BFGS; deterministic from zeros)."""
    from scipy.optimize import minimize

    n, d = z.shape
    k = offset.shape[1]
    share = weight / weight.sum()
    rows = np.arange(n)

    def loss_and_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:d * k].reshape(d, k), theta[d * k:]
        logits = offset + z @ w + b
        log_p = log_softmax(logits)
        grad = np.exp(log_p)
        grad[rows, y] -= 1.0
        grad *= share[:, None]
        loss = -float(share @ log_p[rows, y]) + 0.5 * l2 * float((w * w).sum())
        return loss, np.concatenate([(z.T @ grad + l2 * w).ravel(), grad.sum(axis=0)])

    result = minimize(loss_and_grad, np.zeros(d * k + k), jac=True, method="L-BFGS-B",
                      options={"maxiter": MAX_ITER})
    return result.x[:d * k].reshape(d, k), result.x[d * k:]


def fit_fusion(log_probs: Mapping[str, np.ndarray], answers: np.ndarray, *,
               targets: Mapping[str, np.ndarray], weights: Mapping[str, np.ndarray],
               l2: float = FUSION_L2) -> Fusion:
    """Fit the fusion of every field in ``log_probs`` (the head's out-of-sample
    log-probabilities, (n, k) each) on the rows whose weight is positive."""
    mean = answers.mean(axis=0)
    scale = np.maximum(answers.std(axis=0), MIN_SCALE)
    z = (answers - mean) / scale
    fitted: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key, offset in log_probs.items():
        rows = weights[key] > 0
        fitted[key] = fit_offset_softmax(offset[rows], z[rows], targets[key][rows],
                                         weights[key][rows], l2=l2)
    return Fusion(mean, scale, fitted)


def fusion_arrays(fusion: Fusion) -> dict[str, np.ndarray]:
    """The arrays :func:`moodc.gen.head.save_head` stores (float32)."""
    arrays = {"fusion/mean": fusion.mean.astype(np.float32),
              "fusion/scale": fusion.scale.astype(np.float32)}
    for key, (weight, bias) in fusion.weights.items():
        arrays[f"fusion/weight/{key}"] = weight.astype(np.float32)
        arrays[f"fusion/bias/{key}"] = bias.astype(np.float32)
    return arrays


def fusion_from_arrays(arrays: Any, *, fields: tuple[str, ...]) -> Fusion | None:
    """The fusion stored in an artifact's arrays, or None when it has none."""
    if "fusion/mean" not in arrays:
        return None
    return Fusion(arrays["fusion/mean"].astype(np.float64),
                  arrays["fusion/scale"].astype(np.float64),
                  {key: (arrays[f"fusion/weight/{key}"].astype(np.float64),
                         arrays[f"fusion/bias/{key}"].astype(np.float64)) for key in fields})


def rounded_fusion(fusion: Fusion) -> Fusion:
    """``fusion`` as :func:`fusion_arrays` stores it (float32), so a fresh fit and a loaded
    artifact answer alike."""
    stored = fusion_from_arrays(fusion_arrays(fusion), fields=tuple(fusion.weights))
    assert stored is not None  # fusion_arrays always writes the mean
    return stored
