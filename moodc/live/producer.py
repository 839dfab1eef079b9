"""The audio producer: conductor → voice mix → live master, in fixed blocks, on a thread.

:class:`LiveEngine` is the whole signal path as a pull: each :meth:`~LiveEngine.next_block`
returns the next :data:`BLOCK_HOPS` × 100 ms of mastered float32 stereo. It reads no clock
(activity replay runs on music time), so the same inputs give the same samples however fast
it is pulled.

:class:`Producer` runs an engine ahead of playback on a daemon thread into a bounded queue
(:data:`BUFFER_S`), so a slow moment of the synth (a morph starts three streams at once) is
absorbed by the buffer instead of heard; its errors are re-raised in the consumer.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Final

import numpy as np

from moodc.live.conductor import Conductor
from moodc.live.master import LiveMaster
from moodc.live.voices import VoiceMixer

#: Engine block: two 100 ms loudness hops (8820 samples at 44.1 kHz).
BLOCK_HOPS: Final[int] = 2
#: The voices are mixed (synthesized) two seconds at a time and handed out in blocks: the
#: synth's cost per call (a Python loop over the sounding notes, the effects' set-up) is
#: paid once per two seconds instead of ten times (live CPU 2.6 % → 1.7 % of a core, lo-fi,
#: going to 1 s steps; 1.86–1.94 % → 1.72–1.74 %, calm-ambient, going to 2 s: in real time
#: the producer works in short bursts between idle waits, and fewer, longer bursts run on
#: warmer caches). A mood change is seen at the next step, then waits for a bar line anyway.
#: The producer's 3 s lead absorbs the larger step; until it has built up (the first
#: SMALL_STEPS_S of the timeline, while the first tones are synthesized cold) the mix goes
#: a block at a time, so a slow first second never outruns the short pre-fill.
MIX_HOPS: Final[int] = 20
SMALL_STEPS_S: Final[float] = 4.0
#: Audio the producer may run ahead of playback (the 2–4 s the design allows).
BUFFER_S: Final[float] = 3.0


class LiveEngine:
    """Mix and master the conductor's voices; fixed-size blocks out."""

    def __init__(self, conductor: Conductor, *, mixer: VoiceMixer, sample_rate: int,
                 target_lufs: float) -> None:
        self.conductor = conductor
        self.mixer = mixer
        self.sample_rate = sample_rate
        self.master = LiveMaster(sample_rate=sample_rate, target_lufs=target_lufs)
        self.block_n = BLOCK_HOPS * self.master.hop_n
        self.mix_chunk_n = MIX_HOPS * self.master.hop_n
        self.small_steps_n = int(SMALL_STEPS_S * sample_rate)
        self.mix_n = 0  # timeline samples mixed so far
        self.out_n = 0  # mastered samples handed out so far
        self._ready: list[np.ndarray] = []
        self._ready_n = 0

    @property
    def delay_n(self) -> int:
        """Samples between the mix and the mastered output (look-ahead + limiter context)."""
        return self.mix_n - self._ready_n - self.out_n

    def next_block(self) -> np.ndarray:
        """The next ``block_n`` mastered samples, float32 (n, 2)."""
        while self._ready_n < self.block_n:
            step_n = self.block_n if self.mix_n < self.small_steps_n else self.mix_chunk_n
            self.conductor.prepare(self.mix_n, step_n)
            mix = self.mixer.mix(self.mix_n, step_n)
            self.mix_n += step_n
            out = self.master.process(mix)
            if out.shape[0]:
                self._ready.append(out)
                self._ready_n += out.shape[0]
        joined = self._ready[0] if len(self._ready) == 1 else np.concatenate(self._ready)
        block, rest = joined[:self.block_n], joined[self.block_n:]
        self._ready = [rest] if rest.shape[0] else []
        self._ready_n = rest.shape[0]
        self.out_n += self.block_n
        return block


class Producer:
    """Runs ``engine`` on a thread, at most ``capacity`` blocks ahead of :meth:`get`."""

    def __init__(self, engine: LiveEngine, *, buffer_s: float = BUFFER_S) -> None:
        self.engine = engine
        block_s = engine.block_n / engine.sample_rate
        self.capacity = max(2, int(round(buffer_s / block_s)))
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=self.capacity)
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self.busy_s = 0.0  # thread CPU seconds spent producing
        self._thread = threading.Thread(target=self._run, name="moodc-live-producer",
                                        daemon=True)

    def start(self) -> "Producer":
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                t0 = time.thread_time()
                block = self.engine.next_block()
                self.busy_s += time.thread_time() - t0
                while not self._stop.is_set():
                    try:
                        self._queue.put(block, timeout=0.1)
                        break
                    except queue.Full:
                        continue
        except BaseException as exc:  # re-raised by get() in the consumer's thread
            self._error = exc

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def buffered_s(self) -> float:
        """Seconds of audio waiting in the queue."""
        return self._queue.qsize() * self.engine.block_n / self.engine.sample_rate

    def get(self, *, timeout_s: float | None) -> np.ndarray | None:
        """The next block, or None when none arrives within ``timeout_s`` (an underrun)."""
        if self._error is not None:
            raise self._error
        try:
            return self._queue.get(timeout=timeout_s)
        except queue.Empty:
            if self._error is not None:
                raise self._error from None
            return None

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)
