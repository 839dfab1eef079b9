"""A live session: build the mood source, the engine and the sinks; play until told to stop.

:func:`build` turns a :class:`LiveRequest` (the parsed flags) into a :class:`Session`;
:meth:`Session.run` starts the producer, then plays block by block: in real time it paces
the null and file sinks by the clock (the sound card paces itself) and counts an underrun
whenever a block is due and the producer has none ready; with ``realtime=False`` it pulls as
fast as the synth goes. Every block is dithered once (seeded TPDF,
:func:`moodc.audio_io.quantise`) and the same PCM goes to every sink, so the file holds
exactly what played. SIGINT/SIGTERM fade the output out over :data:`STOP_FADE_S` and close
every sink properly (the file is complete, correctly sized and renamed into place).
"""

from __future__ import annotations

import json
import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

from moodc.errors import MoodcError, UsageError

#: Fade-out on a stop request (Ctrl-C, SIGTERM) and at the end of --duration.
STOP_FADE_S: Final[float] = 0.5
#: In real time the null and file sinks act like a card with this much buffer: a block is
#: due this long before its play time.
DEVICE_LEAD_S: Final[float] = 0.2
#: In real time, playback starts once the producer is this far ahead (costs ~20 ms of
#: synth time, and saves an underrun on the second block).
PREFILL_S: Final[float] = 0.6
#: Largest --speed (a whole day in ~2 minutes).
MAX_SPEED: Final[float] = 1000.0

OUT_STDOUT: Final[str] = "-"


@dataclass(frozen=True)
class LiveRequest:
    """The parsed flags of ``moodc live``."""

    source: str | None = None
    replay: Path | None = None
    speed: float = 1.0
    out: str | None = None
    sink: Literal["auto", "device", "null"] = "auto"
    realtime: bool = True
    duration_s: float | None = None
    seed: int | None = None
    fmt: Literal["text", "json"] = "text"
    quiet: bool = False
    target_lufs: float = -14.0
    sample_rate: int = 44100
    engine: str = "default"
    dwell_s: float = 120.0
    force: bool = False


@dataclass
class LiveStats:
    """What a run did: played seconds, underruns, first-sound latency, CPU."""

    played_s: float = 0.0
    underruns: int = 0
    first_sound_s: float | None = None
    wall_s: float = 0.0
    cpu_s: float = 0.0
    stopped_by: str = "duration"
    n_morphs: int = 0
    n_phrases: int = 0

    @property
    def cpu_percent(self) -> float:
        """Process CPU time over wall time while playing, % of one core."""
        return 100.0 * self.cpu_s / self.wall_s if self.wall_s > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"event": "stop", "played_s": round(self.played_s, 3),
                "underruns": self.underruns,
                "first_sound_s": None if self.first_sound_s is None
                else round(self.first_sound_s, 3),
                "cpu_percent": round(self.cpu_percent, 2), "wall_s": round(self.wall_s, 3),
                "stopped_by": self.stopped_by, "morphs": self.n_morphs,
                "phrases": self.n_phrases}


# --------------------------------------------------------------------------------------
# Building a session
# --------------------------------------------------------------------------------------
def _check(request: LiveRequest) -> None:
    from moodc import vocab
    from moodc.render import check_loudness_target
    from moodc.score import check_duration

    if request.sample_rate not in vocab.SAMPLE_RATES_HZ:
        raise UsageError(f"sample rate {request.sample_rate} Hz is not supported",
                         hint=f"use one of {', '.join(map(str, vocab.SAMPLE_RATES_HZ))}",
                         param="sample_rate")
    if request.duration_s is not None:
        check_duration(request.duration_s)
    if not 0 < request.speed <= MAX_SPEED:
        raise UsageError(f"speed {request.speed:g} is out of range",
                         hint=f"use more than 0 and at most {MAX_SPEED:g}", param="speed")
    if request.replay is None and request.speed != 1.0:
        raise UsageError(f"a speed ({request.speed:g}) applies to a replayed log only",
                         hint="add --replay LOG, or drop --speed", param="speed")
    if request.seed is not None and not 0 <= request.seed < 2**63:
        raise UsageError(f"seed {request.seed} is out of range", hint="use 0 <= seed < 2**63",
                         param="seed")
    check_loudness_target(request.target_lufs)
    if request.out == OUT_STDOUT and request.fmt == "json":
        raise UsageError("-o - writes audio to stdout, so JSON events cannot go there too",
                         hint="use --format text (the view goes to stderr) or -o FILE",
                         param="fmt")
    if request.replay is not None and request.source is not None:
        raise UsageError("a replayed log drives the music; a prompt or file cannot drive it too",
                         hint="drop PROMPT/FILE, or drop --replay", param="replay")
    if request.sink == "device" and not request.realtime:
        raise UsageError("the sound card plays in real time only",
                         hint="drop --no-realtime, or use --sink null -o FILE", param="sink")


@dataclass
class Plan:
    """What to play: a mood source (and a score's voices), the seed, a title."""

    mood: Any
    seed: int
    title: str
    document_sha256: str
    score_voices: list[Any] = field(default_factory=list)
    feed: Any = None


def _is_document(source: str) -> bool:
    path = Path(source)
    return path.suffix.lower() in (".yaml", ".yml", ".json") or path.is_file()


def plan_for(request: LiveRequest) -> Plan:
    """The mood source for the request: activity (replayed or captured), a file or a prompt."""
    if request.replay is not None or request.source is None:
        return _activity_plan(request)
    if _is_document(request.source):
        return _document_plan(Path(request.source), request)
    return _prompt_plan(request.source, request)


def _activity_plan(request: LiveRequest) -> Plan:
    from moodc.live.moods import ActivityMood
    from moodc.live.phase_tracker import PhaseTracker

    if request.replay is not None:
        from moodc.activity.logfile import load_log
        from moodc.activity.phases import utc_offset_of
        from moodc.live.moods import ReplayFeed

        loaded = load_log(request.replay)
        feed: Any = ReplayFeed(loaded.buckets, speed=request.speed,
                               utc_offset_s=utc_offset_of(loaded.buckets))
        title = f"moodc live: replay of {request.replay.name}"
    else:
        feed = _capture_feed()
        title = "moodc live: activity"
    mood = ActivityMood(feed, PhaseTracker(dwell_s=request.dwell_s))
    seed = request.seed if request.seed is not None else 0
    return Plan(mood=mood, seed=seed, title=title, document_sha256="", feed=feed)


def _capture_feed() -> Any:
    from datetime import datetime

    from moodc.activity.backends import default_backend_name, load_backend
    from moodc.activity.backends.base import BackendUnavailable
    from moodc.live.moods import CaptureFeed

    name = default_backend_name()
    hint = ("run `moodc record --check` for details; or play a log: --replay LOG, "
            "or a mood: moodc live \"rainy night\"")
    try:
        backend = load_backend(name)
        capabilities = backend.probe()
        if not capabilities.any_ok:
            raise BackendUnavailable(f"the {name} backend can observe nothing here")
        backend.start()
    except BackendUnavailable as exc:
        raise MoodcError(f"cannot follow activity here: {exc}", hint=hint) from None
    unavailable = capabilities.bucket_fields_unavailable()
    if "titles" in unavailable:
        unavailable.remove("titles")
    offset = datetime.now().astimezone().utcoffset()
    return CaptureFeed(backend, unavailable=unavailable,
                       utc_offset_s=offset.total_seconds() if offset else 0.0)


def _document_plan(path: Path, request: LiveRequest) -> Plan:
    from moodc.config.load import load_document
    from moodc.config.model import Score
    from moodc.live.moods import FixedMood
    from moodc.score import resolve_score, seed_from_document

    doc = load_document(path)
    if isinstance(doc, Score):
        timeline = resolve_score(doc, base_dir=path.parent, sample_rate=request.sample_rate,
                                 seed=request.seed, duration_s=None, title=path.stem,
                                 loader=load_document)
        first = timeline.voices[0]
        mood = FixedMood(first.fields, label=first.label, seed=timeline.seed, drift=False)
        return Plan(mood=mood, seed=timeline.seed, title=timeline.title,
                    document_sha256=timeline.document_sha256,
                    score_voices=list(timeline.voices))
    fields = doc.model_dump(mode="json")
    seed = request.seed if request.seed is not None else (
        doc.seed if doc.seed is not None else seed_from_document(fields))
    return _fixed_plan(fields, label=doc.title or path.stem, seed=seed)


def _prompt_plan(prompt: str, request: LiveRequest) -> Plan:
    from moodc.gen.pipeline import generate

    seed = request.seed if request.seed is not None else 0
    config = generate(prompt, seed=seed, engine=request.engine)
    return _fixed_plan(config.model_dump(mode="json"), label=prompt, seed=seed)


def _fixed_plan(fields: dict[str, Any], *, label: str, seed: int) -> Plan:
    from moodc.live.moods import FixedMood
    from moodc.score import document_sha256

    return Plan(mood=FixedMood(fields, label=label, seed=seed), seed=seed, title=label,
                document_sha256=document_sha256(fields))


def _sinks(request: LiveRequest, plan: Plan) -> tuple[Any, Any]:
    """(playback sink, keeping sink or None) for the request."""
    from moodc.live.sinks import FileSink, NullSink, WavStreamSink, choose_sink

    keep: Any = None
    if request.out == OUT_STDOUT:
        keep = WavStreamSink(sample_rate=request.sample_rate)
    elif request.out is not None:
        from moodc import __version__
        from moodc.audio_io import Tags

        keep = FileSink(Path(request.out), sample_rate=request.sample_rate,
                        tags=Tags(title=plan.title, software=f"moodc {__version__} live",
                                  seed=plan.seed, document_sha256=plan.document_sha256),
                        force=request.force)
    if not request.realtime and request.sink != "device":
        return NullSink(), keep
    try:
        playback = choose_sink(request.sink, has_output=keep is not None,
                               sample_rate=request.sample_rate)
    except BaseException as exc:
        if hasattr(keep, "abort"):
            keep.abort(exc)
        raise
    return playback, keep


def build(request: LiveRequest) -> "Session":
    """Check the request, make the mood source, the engine and the sinks.

    Raises
    ------
    UsageError
        Bad flag values, or no sound card (the message says how to pipe instead).
    MoodcError
        An unreadable log or document, or activity that cannot be captured here.
    """
    from moodc.live.conductor import Conductor
    from moodc.live.producer import LiveEngine
    from moodc.live.voices import VoiceMixer

    _check(request)
    plan = plan_for(request)
    mixer = VoiceMixer()
    conductor = Conductor(plan.mood, mixer=mixer, sample_rate=request.sample_rate,
                          seed=plan.seed, score_voices=plan.score_voices)
    engine = LiveEngine(conductor, mixer=mixer, sample_rate=request.sample_rate,
                        target_lufs=request.target_lufs)
    try:
        playback, keep = _sinks(request, plan)
    except BaseException:
        if plan.feed is not None:
            plan.feed.close()
        raise
    return Session(request, plan=plan, engine=engine, playback=playback, keep=keep)


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------
class StopFlag:
    """SIGINT/SIGTERM → a flag (handlers installed only in the main thread)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.reason = ""
        self._old: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        self.reason = signal.Signals(signum).name
        self.event.set()

    def __enter__(self) -> "StopFlag":
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._old[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._old.items():
            signal.signal(signum, handler)


class Session:
    """A built live session; :meth:`run` plays it."""

    def __init__(self, request: LiveRequest, *, plan: Plan, engine: Any, playback: Any,
                 keep: Any) -> None:
        self.request = request
        self.plan = plan
        self.engine = engine
        self.playback = playback
        self.keep = keep
        self.stats = LiveStats()
        self.played_n = 0
        self.producer: Any = None
        self._events: list[dict[str, Any]] = []

    @property
    def sample_rate(self) -> int:
        return self.request.sample_rate

    def run(self, *, started_s: float | None = None,
            on_event: Callable[[dict[str, Any]], None] | None = None,
            on_tick: Callable[["Session"], None] | None = None) -> LiveStats:
        """Play until the duration ends, a signal arrives or the stdout reader goes away.

        ``started_s`` (``time.perf_counter()`` at command start) dates the first sound;
        ``on_event`` gets each mood change as it is heard; ``on_tick`` runs after each block.
        """
        from moodc.live.producer import Producer

        started_s = time.perf_counter() if started_s is None else started_s
        self.producer = Producer(self.engine).start()
        error: BaseException | None = None
        try:
            with StopFlag() as stop:
                self._play(stop, started_s=started_s, on_event=on_event, on_tick=on_tick)
        except BaseException as exc:
            error = exc
            raise
        finally:
            self.producer.stop()
            self._close(error)
            self.stats.n_morphs = self.engine.conductor.n_morphs
            self.stats.n_phrases = self.engine.conductor.n_phrases
        return self.stats

    def _close(self, error: BaseException | None) -> None:
        try:
            self.playback.close()
        finally:
            if self.plan.feed is not None:
                self.plan.feed.close()
            if self.keep is not None:
                if error is None or isinstance(error, KeyboardInterrupt):
                    self.keep.close()
                elif hasattr(self.keep, "abort"):
                    self.keep.abort(error)

    def _play(self, stop: StopFlag, *, started_s: float,
              on_event: Callable[[dict[str, Any]], None] | None,
              on_tick: Callable[["Session"], None] | None) -> None:
        from moodc.audio_io import dither_rng, quantise

        sr = self.sample_rate
        rng = dither_rng(self.plan.seed)
        fade_n = int(STOP_FADE_S * sr)
        end_n = None if self.request.duration_s is None else int(round(
            self.request.duration_s * sr))
        paced = self.request.realtime and not getattr(self.playback, "paces", False)
        # integer PCM (and its dither) only for a sink that writes integers
        wants_pcm = self.playback.wants_pcm or self.keep is not None
        clock0 = cpu0 = 0.0
        while end_n is None or self.played_n < end_n:
            if end_n is None or end_n - self.played_n > fade_n:
                if stop.event.is_set() or getattr(self.keep, "closed_by_reader", False):
                    self.stats.stopped_by = stop.reason or "reader closed"
                    end_n = self.played_n + fade_n
            block = self._next(paced=paced, clock0=clock0)
            if self.played_n == 0:
                self.stats.first_sound_s = time.perf_counter() - started_s
                clock0, cpu0 = time.perf_counter(), time.process_time()
            if end_n is not None:
                block = _end_fade(block, start_n=self.played_n, end_n=end_n, fade_n=fade_n)
            pcm = quantise(block, bit_depth=16, rng=rng) if wants_pcm else None
            if self.playback.write(pcm if self.playback.wants_pcm else block):
                self.stats.underruns += 1
            if self.keep is not None:
                self.keep.write(pcm)
            self.played_n += block.shape[0]
            self._emit_heard(on_event)
            if on_tick is not None:
                on_tick(self)
        self.stats.played_s = self.played_n / sr
        self.stats.wall_s = time.perf_counter() - clock0
        self.stats.cpu_s = time.process_time() - cpu0

    def _next(self, *, paced: bool, clock0: float) -> np.ndarray:
        """The next block; in real time, wait until it is due and count it late if absent."""
        if self.played_n == 0 and self.request.realtime:
            block = self.producer.get(timeout_s=None)
            while self.producer.buffered_s < PREFILL_S and self.producer.running:
                time.sleep(0.005)
            return block
        if not self.request.realtime:
            return self.producer.get(timeout_s=None)
        if paced:
            due = clock0 + self.played_n / self.sample_rate - DEVICE_LEAD_S
            wait_s = due - time.perf_counter()
            if wait_s > 0:
                time.sleep(wait_s)
        block = self.producer.get(timeout_s=0.0 if paced else 0.05)
        if block is None:
            self.stats.underruns += 1
            block = self.producer.get(timeout_s=None)
        return block

    def _emit_heard(self, on_event: Callable[[dict[str, Any]], None] | None) -> None:
        """Hand over the conductor's events whose time has been played."""
        events = self.engine.conductor.events
        while events:
            self._events.append(events.popleft())
        heard_s = self.played_n / self.sample_rate
        while self._events and self._events[0]["t"] <= heard_s:
            event = self._events.pop(0)
            if on_event is not None:
                on_event(event)


def _end_fade(block: np.ndarray, *, start_n: int, end_n: int, fade_n: int) -> np.ndarray:
    """``block`` (at ``start_n``) cut at ``end_n`` and faded out over the ``fade_n`` before."""
    block = block[:max(0, end_n - start_n)]
    if start_n + block.shape[0] <= end_n - fade_n:  # the fade has not begun: no work
        return block
    index = np.arange(start_n, start_n + block.shape[0])
    position = (index - (end_n - fade_n) + 0.5) / fade_n
    gain = np.where(position <= 0, 1.0, 0.5 + 0.5 * np.cos(np.pi * np.clip(position, 0, 1)))
    return block * gain[:, None].astype(np.float32)


def event_json(event: dict[str, Any]) -> str:
    """One event as a JSON line (NaN-free)."""
    return json.dumps({k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                       for k, v in event.items()}, ensure_ascii=False)
