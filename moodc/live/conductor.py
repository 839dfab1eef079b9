"""The conductor: decides, block by block, which voices sound — phrases, morphs, the score.

One *main* voice plays the current mood. Every :data:`PHRASE_BARS` bars it hands over, on
its bar line, to a fresh stream of the same config with a new seed (new chords, melody and
fills) through a short equal-power crossfade (:data:`PHRASE_XFADE_S`). When the mood
source's target changes, the next bar line of the main voice starts a morph of at least one
bar (:func:`morph_bars`): the intermediate configs of :func:`moodc.tween.morph_path`
each sound for one slot, chained by equal-power crossfades, exactly as a score's morph
transition (:func:`moodc.score._morph_bridges`); every new stream starts on the main
voice's bar grid with at least :data:`PREROLL_S` of discarded pre-roll, so reverb and echo
are already running when it fades in. Only one hand-over runs at a time.

A score plays first as its timeline (sections, crossfades and morph bridges), except that
its last section never ends: it becomes the main voice and is held with new phrases.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Final

from moodc.live.moods import FixedMood, MoodSource, MoodTarget
from moodc.live.voices import LiveVoice, Ramp, VoiceMixer
from moodc.score import child_seed

#: Bars per phrase before the stream is re-seeded.
PHRASE_BARS: Final[int] = 16
#: Equal-power crossfade between phrases (capped at half a bar).
PHRASE_XFADE_S: Final[float] = 0.5
#: A morph lasts about this long, rounded up to whole bars of the outgoing mood (at least 1,
#: at most MORPH_MAX_BARS); one intermediate config per MORPH_STEP_S, at most MORPH_MAX_STEPS.
MORPH_S: Final[float] = 8.0
MORPH_MAX_BARS: Final[int] = 4
MORPH_STEP_S: Final[float] = 2.0
MORPH_MAX_STEPS: Final[int] = 4
#: Seconds rendered and dropped before a new stream sounds (whole bars, at least this).
PREROLL_S: Final[float] = 1.0
#: Fade-in of the very first voice (the synth starts from silence; this is only a guard).
START_FADE_S: Final[float] = 0.05
#: Seed path tags of the streams (phrases, morph bridges) under the session seed.
_PHRASE_TAG, _BRIDGE_TAG = 11, 12


@dataclass(frozen=True)
class Transition:
    """A hand-over on the timeline: where it starts, how long, on which bar grid."""

    kind: str  # "phrase", "morph" or "score"
    start_n: int
    n_samples: int
    grid_origin_n: int
    bar_n: int
    to_key: str
    label: str


def morph_bars(bar_s: float) -> int:
    """Bars of the outgoing mood a morph lasts: about :data:`MORPH_S`, 1..MORPH_MAX_BARS."""
    return int(min(MORPH_MAX_BARS, max(1, math.ceil(MORPH_S / bar_s - 1e-9))))


def morph_steps(overlap_s: float, *, reach: float) -> int:
    """Intermediate configs of a morph lasting ``overlap_s`` towards a mood ``reach`` away:
    one per :data:`MORPH_STEP_S` for a whole change of mood (at most MORPH_MAX_STEPS), fewer
    for a small one (a drift of 20 % is one step), never none. Each step is a full synth
    stream, so steps a listener cannot tell apart only cost CPU and memory."""
    return int(min(MORPH_MAX_STEPS, max(1, round(overlap_s / MORPH_STEP_S * reach))))


class Conductor:
    """Schedules voices into ``mixer`` ahead of each block (see the module docstring)."""

    def __init__(self, mood: MoodSource, *, mixer: VoiceMixer, sample_rate: int, seed: int,
                 score_voices: list[Any] | None = None) -> None:
        self.mood = mood
        self.mixer = mixer
        self.sample_rate = sample_rate
        self.seed = seed
        self.main: LiveVoice | None = None
        self.target: MoodTarget | None = None
        self.pending: MoodTarget | None = None
        self.phrase_end_n = 0
        self.busy_until_n = 0
        self.n_phrases = 0
        self.n_morphs = 0
        self.transitions: deque[Transition] = deque(maxlen=4096)
        self.events: deque[dict[str, Any]] = deque(maxlen=256)
        self._score = sorted(score_voices or [], key=lambda v: v.start_n)
        self._score_active = bool(self._score)

    # -- helpers ----------------------------------------------------------------------
    def _n(self, seconds: float) -> int:
        return int(round(seconds * self.sample_rate))

    def _planned_s(self, voice_start_n: int, origin_n: int, bar_s: float) -> float:
        """Events to plan for a main voice: its pre-roll, a phrase and a morph's worth."""
        return (voice_start_n - origin_n) / self.sample_rate \
            + (PHRASE_BARS + MORPH_MAX_BARS + 2) * bar_s

    def _origin_before(self, grid: LiveVoice, start_n: int) -> int:
        """The last bar line of ``grid`` at least :data:`PREROLL_S` before ``start_n``."""
        latest = start_n - self._n(PREROLL_S)
        return grid.origin_n + math.floor((latest - grid.origin_n) / grid.bar_n) * grid.bar_n

    def _event(self, kind: str, start_n: int, **data: Any) -> None:
        self.events.append({"event": kind, "t": round(start_n / self.sample_rate, 3), **data})

    # -- the block hook ---------------------------------------------------------------
    def prepare(self, start_n: int, n_samples: int) -> None:
        """Schedule every voice that starts in ``[start_n, start_n + n_samples)``."""
        stop_n = start_n + n_samples
        if self._score_prepare(start_n, stop_n):
            return
        target = self.mood.target_at(start_n / self.sample_rate)
        if self.main is None:
            self._start_first(target, start_n)
            return
        if target.key != self.target.key:
            self.pending = target
        elif self.pending is not None and target.key == self.target.key:
            self.pending = None  # the mood came back before the morph began
        if start_n < self.busy_until_n:
            return
        if self.pending is not None:
            at_n = self.main.bar_at_or_after(max(start_n, self.busy_until_n))
            if at_n < stop_n:
                self._morph(self.pending, at_n)
            return
        if self.phrase_end_n < stop_n:
            self._next_phrase(self.main.bar_at_or_after(max(start_n, self.phrase_end_n)))

    # -- the three kinds of hand-over -------------------------------------------------
    def _start_first(self, target: MoodTarget, start_n: int) -> None:
        voice = LiveVoice(target.fields, seed=child_seed(self.seed, _PHRASE_TAG, 0),
                          origin_n=start_n, start_n=start_n,
                          planned_s=self._planned_s(start_n, start_n, _bar_s(target.fields)),
                          sample_rate=self.sample_rate, label=target.label,
                          fade_in=Ramp(start_n, self._n(START_FADE_S)))
        self._become_main(voice, target, from_n=start_n)
        self._event("mood", start_n, **_describe(target, voice))

    def _become_main(self, voice: LiveVoice, target: MoodTarget, *, from_n: int) -> None:
        self.mixer.add(voice)
        self.main, self.target, self.pending = voice, target, None
        self.phrase_end_n = voice.bar_at_or_after(from_n) + PHRASE_BARS * voice.bar_n

    def _next_phrase(self, at_n: int) -> None:
        """Re-seed the main mood at bar line ``at_n`` with a short equal-power crossfade."""
        old = self.main
        self.n_phrases += 1
        xfade = Ramp(at_n, min(old.bar_n // 2, self._n(PHRASE_XFADE_S)))
        origin_n = self._origin_before(old, at_n)
        voice = LiveVoice(old.fields, seed=child_seed(self.seed, _PHRASE_TAG, self.n_phrases),
                          origin_n=origin_n, start_n=at_n,
                          planned_s=self._planned_s(at_n, origin_n, old.ctl.bar_s),
                          sample_rate=self.sample_rate, label=old.label, fade_in=xfade)
        voice.inherit_tones(old)
        old.end_with(xfade)
        self.mixer.add(voice)
        self.main = voice
        self.phrase_end_n = at_n + PHRASE_BARS * voice.bar_n
        self.busy_until_n = xfade.stop_n
        self.transitions.append(Transition("phrase", at_n, xfade.n_samples, old.origin_n,
                                           old.bar_n, self.target.key, old.label))

    def _morph(self, target: MoodTarget, at_n: int) -> None:
        """Morph from the main voice to ``target``, starting on its bar line ``at_n``."""
        from moodc.tween import morph_path

        old = self.main
        self.n_morphs += 1
        overlap_n = morph_bars(old.ctl.bar_s) * old.bar_n
        n_mid = morph_steps(overlap_n / self.sample_rate, reach=target.reach)
        seed = child_seed(self.seed, _BRIDGE_TAG, self.n_morphs)
        path = morph_path(old.fields, target.fields, n_steps=n_mid + 2, seed=seed)[1:-1]
        edges = [at_n + (overlap_n * j) // (n_mid + 1) for j in range(n_mid + 2)]
        old.end_with(Ramp(edges[0], edges[1] - edges[0]))
        for k, config in enumerate(path, start=1):
            lo, mid, hi = edges[k - 1], edges[k], edges[k + 1]
            origin_n = self._origin_before(old, lo)
            bridge = LiveVoice(config.model_dump(mode="json"), seed=child_seed(seed, k),
                               origin_n=origin_n, start_n=lo,
                               planned_s=(hi - origin_n) / self.sample_rate + 1.0,
                               sample_rate=self.sample_rate, label=f"morph {k}/{n_mid}",
                               fade_in=Ramp(lo, mid - lo))
            bridge.inherit_tones(old)
            bridge.end_with(Ramp(mid, hi - mid))
            self.mixer.add(bridge)
        lo = edges[-2]
        origin_n = self._origin_before(old, lo)
        self.n_phrases += 1
        voice = LiveVoice(target.fields, seed=child_seed(self.seed, _PHRASE_TAG, self.n_phrases),
                          origin_n=origin_n, start_n=lo,
                          planned_s=self._planned_s(edges[-1], origin_n, _bar_s(target.fields)),
                          sample_rate=self.sample_rate, label=target.label,
                          fade_in=Ramp(lo, edges[-1] - lo))
        voice.inherit_tones(old)
        self._become_main(voice, target, from_n=edges[-1])
        self.busy_until_n = edges[-1]
        self.transitions.append(Transition("morph", at_n, overlap_n, old.origin_n, old.bar_n,
                                           target.key, target.label))
        self._event("mood", at_n, morph_s=round(overlap_n / self.sample_rate, 3),
                    morph_bars=overlap_n // old.bar_n, **_describe(target, voice))

    # -- scores -----------------------------------------------------------------------
    def _score_prepare(self, start_n: int, stop_n: int) -> bool:
        """Start the score voices due in this block; True while the score is still running
        (its last section, once started, becomes the held main voice)."""
        if not self._score_active:
            return False
        while self._score and self._score[0].start_n < stop_n:
            spec = self._score.pop(0)
            last = not self._score
            origin_n = spec.start_n - spec.preroll_n
            bar_s = _bar_s(spec.fields)
            planned_s = (spec.stop_n - origin_n) / self.sample_rate + (
                PHRASE_BARS + MORPH_MAX_BARS + 2) * bar_s if last else \
                (spec.stop_n - origin_n) / self.sample_rate + 1.0
            voice = LiveVoice(spec.fields, seed=spec.seed, origin_n=origin_n,
                              start_n=spec.start_n, planned_s=planned_s,
                              sample_rate=self.sample_rate, label=spec.label,
                              fade_in=Ramp(*spec.fade_in) if spec.fade_in else
                              Ramp(spec.start_n, self._n(START_FADE_S)))
            if spec.fade_out and not last:
                voice.end_with(Ramp(*spec.fade_out))
            elif not last:
                voice.stop_n = spec.stop_n
            if last:
                self._score_active = False
                target = MoodTarget(key="base", fields=spec.fields, label=spec.label)
                self.mood = FixedMood(spec.fields, label=spec.label, seed=self.seed,
                                      drift=False)
                self._become_main(voice, target, from_n=spec.stop_n)
                self.phrase_end_n = voice.bar_at_or_after(spec.stop_n)
                self._event("mood", spec.start_n, **_describe(target, voice), held=True)
            else:
                self.mixer.add(voice)
                if not spec.label.startswith("morph"):
                    self._event("mood", spec.start_n, **_describe(
                        MoodTarget(key=spec.label, fields=spec.fields, label=spec.label),
                        voice))
            self.transitions.append(Transition("score", spec.start_n, 0, origin_n,
                                               voice.bar_n, spec.label, spec.label))
        return True

    # -- the view's questions ---------------------------------------------------------
    def next_change_n(self) -> int:
        """The earliest timeline sample a hand-over can start (the next phrase or bar)."""
        if self.main is None:
            return 0
        if self.pending is not None:
            return self.main.bar_at_or_after(self.busy_until_n)
        return max(self.phrase_end_n, self.busy_until_n)


def _bar_s(fields: dict[str, Any]) -> float:
    from moodc.synth.controls import fields_to_controls

    return fields_to_controls(fields).bar_s


def _describe(target: MoodTarget, voice: LiveVoice) -> dict[str, Any]:
    """What is playing, for events and the view: key, mode, tempo, meter, instruments."""
    f = target.fields
    return {"key": target.key, "label": target.label, "phase": target.phase,
            "root": f.get("root"), "mode": f.get("mode"),
            "bpm": round(float(voice.ctl.bpm), 1), "meter": f.get("meter"),
            "instruments": dict(f.get("instruments") or {}),
            "layers": {k: v for k, v in (f.get("layers") or {}).items() if v != "none"},
            "evidence": target.evidence}
