"""Render many documents in one go: plan, skip what is up to date, run on an executor.

``moodc render FILE|DIR ... -o OUTDIR`` is a batch. Each document becomes one
:class:`BatchJob` whose output mirrors the document's place under its input folder, so two
``intro.yaml`` in different folders never collide. A job is *up to date* when its output
already holds what this render would write — the same document sha256, seed, sample rate,
length and moodc version, read from the file's own tags — so an interrupted batch resumes
where it stopped and a finished one costs only the checks (``force`` re-renders).

Jobs run on an executor: ``local`` (a process pool on this machine) or ``dask[://ADDRESS]``
(a Dask cluster; a local two-worker cluster when no address is given). Every job is the same
deterministic :func:`moodc.render.render_file` call wherever it runs, so the files are
byte-identical whichever executor and however many workers. A failing document never stops
the others: its error is collected in its :class:`BatchOutcome`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from moodc import __version__
from moodc.errors import MoodcError, UsageError

#: Suffixes of the documents a folder contributes to a batch.
DOCUMENT_SUFFIXES: Final[tuple[str, ...]] = (".yaml", ".yml", ".json")
#: Executors a batch can run on (``dask`` may carry ``://ADDRESS``).
EXECUTORS: Final[tuple[str, ...]] = ("local", "dask")

Status = Literal["rendered", "up-to-date", "failed"]


@dataclass(frozen=True)
class RenderOptions:
    """The render settings shared by every job of a batch (see ``render_file``)."""

    fmt: str = "flac"
    sample_rate: int = 44100
    bit_depth: int | None = None  # wav/flac only (render_file's default: 16)
    duration_s: float | None = None
    seed: int | None = None
    target_lufs: float = -14.0
    bitrate: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {"fmt": self.fmt, "sample_rate": self.sample_rate, "bit_depth": self.bit_depth,
                "duration_s": self.duration_s, "seed": self.seed,
                "target_lufs": self.target_lufs, "bitrate": self.bitrate}


@dataclass(frozen=True)
class BatchJob:
    """One document and the file it renders to."""

    source: Path
    out: Path


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one job: rendered, skipped as up to date, or failed (with why)."""

    source: Path
    out: Path
    status: Status
    message: str = ""
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": str(self.source), "out": str(self.out), "status": self.status,
                "message": self.message, "seconds": round(self.seconds, 3), **self.details}


# --------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------

def collect_documents(inputs: Sequence[Path]) -> list[tuple[Path, Path]]:
    """``(document, its path relative to the input it came from)`` for files and folders.

    A file stands for itself (relative name: its file name); a folder contributes every
    document below it (sorted, hidden files and folders left out).

    Raises
    ------
    UsageError
        An input that does not exist, or inputs that hold no document at all.
    """
    found: list[tuple[Path, Path]] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found += [(p, p.relative_to(path)) for p in _documents_below(path)]
        elif path.is_file():
            found.append((path, Path(path.name)))
        else:
            raise UsageError(f"{path} does not exist", hint="give config/score files or folders",
                             param="files")
    if not found:
        raise UsageError("no documents to render in " + ", ".join(str(p) for p in inputs),
                         hint=f"a folder contributes its {', '.join(DOCUMENT_SUFFIXES)} files",
                         param="files")
    return found


def _documents_below(folder: Path) -> list[Path]:
    """Document files under ``folder``, sorted, skipping hidden names at any depth."""
    return sorted(p for p in folder.rglob("*")
                  if p.suffix.lower() in DOCUMENT_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def plan_batch(inputs: Sequence[Path], *, out_dir: Path, options: RenderOptions) -> list[BatchJob]:
    """One job per document, its output at ``out_dir/<relative path>.<options.fmt>``.

    Raises
    ------
    UsageError
        Two inputs would write the same output (e.g. ``a/x.yaml`` and ``b/x.yaml`` given as
        files): name their folders instead.
    """
    jobs: list[BatchJob] = []
    seen: dict[Path, Path] = {}
    for source, relative in collect_documents(inputs):
        out = Path(out_dir) / relative.with_suffix(f".{options.fmt}")
        if out in seen and seen[out].resolve() != source.resolve():
            raise UsageError(f"{seen[out]} and {source} would both render to {out}",
                             hint="give their folders instead, so the outputs keep the "
                                  "folder structure", param="files")
        if out not in seen:
            seen[out] = source
            jobs.append(BatchJob(source, out))
    return jobs


# --------------------------------------------------------------------------------------
# Up to date?
# --------------------------------------------------------------------------------------

def expected_tags(job: BatchJob, options: RenderOptions) -> dict[str, Any]:
    """What the output's tags must say for ``job`` to be up to date (no rendering).

    Raises
    ------
    MoodcError
        When the document does not load (the job will then fail with the same error).
    """
    from moodc.config.load import load_render_document
    from moodc.render import build_timeline

    timeline = build_timeline(load_render_document(job.source), base_dir=job.source.parent,
                              duration_s=options.duration_s, seed=options.seed,
                              sample_rate=options.sample_rate, title=job.source.stem)
    return {"software": f"moodc {__version__}", "seed": timeline.seed,
            "document_sha256": timeline.document_sha256, "sample_rate": options.sample_rate,
            "n_samples": timeline.n_samples}


def read_tags(path: Path) -> dict[str, Any] | None:
    """The moodc tags of a rendered file (software, seed, document hash, rate, length).

    None when the file is missing, unreadable or not one of ours: it will be rendered.
    """
    if not Path(path).is_file():
        return None
    try:
        import soundfile as sf

        with sf.SoundFile(str(path)) as handle:
            meta = handle.copy_metadata()
            # libsndfile appends its own version: "moodc 0.1.0 (libsndfile-1.2.2)"
            software = meta.get("software", "").split(" (")[0]
            tags: dict[str, Any] = {"software": software,
                                    "sample_rate": handle.samplerate, "n_samples": handle.frames}
    except Exception:  # libsndfile cannot read it (mp3 here, or a damaged file): re-render
        return None
    fields = dict(part.split("=", 1) for part in meta.get("comment", "").split() if "=" in part)
    try:
        tags["seed"] = int(fields["seed"])
        tags["document_sha256"] = fields["document_sha256"]
    except (KeyError, ValueError):
        return None
    return tags


def is_up_to_date(job: BatchJob, options: RenderOptions) -> bool:
    """True when ``job.out`` already holds this render (compared by its tags, not its bytes)."""
    found = read_tags(job.out)
    if found is None:
        return False
    try:
        expected = expected_tags(job, options)
    except MoodcError:
        return False
    return all(found.get(key) == value for key, value in expected.items())


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------

def render_job(job: BatchJob, options: RenderOptions, *, force: bool,
               jobs: int = 1) -> BatchOutcome:
    """Render one job (in whatever process runs it) on ``jobs`` threads
    (:func:`document_jobs`); every error becomes a failed outcome."""
    import time

    from moodc.errors import DocumentError
    from moodc.render import render_file

    started = time.perf_counter()
    if not force and is_up_to_date(job, options):
        return BatchOutcome(job.source, job.out, "up-to-date")
    try:
        result = render_file(job.source, out=job.out, force=True, jobs=jobs,
                             **options.as_kwargs())
    except DocumentError as exc:
        first = f": {exc.diagnostics[0].message}" if exc.diagnostics else ""
        return BatchOutcome(job.source, job.out, "failed", f"{exc.message}{first}",
                            time.perf_counter() - started)
    except MoodcError as exc:
        return BatchOutcome(job.source, job.out, "failed", exc.message,
                            time.perf_counter() - started)
    except Exception as exc:  # a bug below us must not stop the other documents
        return BatchOutcome(job.source, job.out, "failed",
                            f"internal error: {type(exc).__name__}: {exc}",
                            time.perf_counter() - started)
    return BatchOutcome(job.source, job.out, "rendered", "", time.perf_counter() - started,
                        {"loudness_lufs": round(result.loudness_lufs, 2),
                         "true_peak_dbtp": round(result.true_peak_dbtp, 2)})


def parse_executor(text: str) -> tuple[str, str | None]:
    """``"local"`` / ``"dask"`` / ``"dask://tcp://host:8786"`` → (name, address or None).

    Raises
    ------
    UsageError
        An executor moodc does not know.
    """
    name, _, address = text.partition("://")
    if name not in EXECUTORS or (name == "local" and address):
        raise UsageError(f"unknown executor {text!r}",
                         hint="use local, dask (a local cluster) or dask://SCHEDULER_ADDRESS",
                         param="executor")
    return name, address or None


def run_batch(jobs: Sequence[BatchJob], options: RenderOptions, *, n_workers: int,
              executor: str = "local", force: bool = False,
              on_done: Callable[[BatchOutcome], None] | None = None) -> list[BatchOutcome]:
    """Run every job; outcomes come back in job order, ``on_done`` is called as each ends.

    Parameters
    ----------
    n_workers : int >= 1
        Processes (local) or workers of the local Dask cluster; 1 runs in this process.
    executor : str
        ``local``, ``dask`` or ``dask://ADDRESS`` (see :func:`parse_executor`).
    """
    if n_workers < 1:
        raise UsageError(f"{n_workers} workers is not a number of workers",
                         hint="use 1 or more", param="jobs")
    name, address = parse_executor(executor)
    run = _run_dask if name == "dask" else _run_local
    by_job: dict[BatchJob, BatchOutcome] = {}
    for outcome_job, outcome in run(jobs, options, n_workers=n_workers, force=force,
                                    address=address):
        by_job[outcome_job] = outcome
        if on_done is not None:
            on_done(outcome)
    return [by_job[job] for job in jobs]


def _run_local(jobs: Sequence[BatchJob], options: RenderOptions, *, n_workers: int,
               force: bool, address: str | None) -> Iterator[tuple[BatchJob, BatchOutcome]]:
    """In this process (one worker) or a pool of processes, each rendering whole documents."""
    task = functools.partial(render_job, options=options, force=force,
                             jobs=document_jobs(n_workers=n_workers, n_documents=len(jobs)))
    for index, outcome in map_in_processes(task, jobs, n_workers=n_workers):
        yield jobs[index], outcome


def document_jobs(*, n_workers: int, n_documents: int) -> int:
    """Threads one document's render uses in a local batch of ``n_workers`` processes: the
    workers' cores shared among the documents running at once, so ``--jobs N`` keeps the
    batch on N cores (one each for many documents; all N for a batch of one)."""
    return max(1, n_workers // max(1, min(n_workers, n_documents)))


def map_in_processes(fn: Callable[[Any], Any], items: Sequence[Any], *,
                     n_workers: int) -> Iterator[tuple[int, Any]]:
    """``(index, fn(item))`` for every item, as they finish, on up to ``n_workers`` processes.

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one).
    One worker (or one item) runs here, in order. With more, this process is one of the
    workers: it works on items while ``n_workers - 1`` spawned processes start (each must
    import moodc first, ~0.3 s) and take others, every worker claiming the next item in
    order when it is free (:class:`_Claims`); a spawned worker's results are handed over
    between this process's own items. A stop signal (Ctrl-C, SIGTERM, SIGHUP) ends the
    pool's workers too: each removes its half-written temp file, and what finished stays.
    Used by batches and by ``golden check|update``.
    """
    if n_workers <= 1 or len(items) <= 1:
        for index, item in enumerate(items):
            yield index, fn(item)
        return
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no forked BLAS or thread state
    with _stop_signals_raise():
        n_spawned = min(n_workers, len(items)) - 1
        pool = context.Pool(processes=n_spawned)
        try:
            feeder = _Feeder(pool, fn=fn, items=items, n_spawned=n_spawned)
            yield from feeder.run_here()
            pool.close()
        finally:
            pool.terminate()  # no-op after close(); on a stop or error, workers end now
            pool.join()


class _Claims:
    """The next unclaimed item index, shared by this process and the pool's result thread."""

    def __init__(self, n_items: int) -> None:
        self._lock = threading.Lock()
        self._next = 0
        self._n_items = n_items

    def take(self) -> int | None:
        with self._lock:
            if self._next >= self._n_items:
                return None
            self._next += 1
            return self._next - 1


class _Feeder:
    """Keeps each spawned worker of ``pool`` on one claimed item at a time, and works on the
    others in this process (:func:`map_in_processes`)."""

    def __init__(self, pool: Any, *, fn: Callable[[Any], Any], items: Sequence[Any],
                 n_spawned: int) -> None:
        import queue

        self._pool, self._fn, self._items = pool, fn, items
        self._n_spawned = n_spawned
        self._claims = _Claims(len(items))
        self._finished: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def run_here(self) -> Iterator[tuple[int, Any]]:
        """Every ``(index, result)``: this process's own as each ends, the pool's between."""
        import queue

        for _ in range(self._n_spawned):
            self._feed()
        remaining = len(self._items)
        while (index := self._claims.take()) is not None:
            yield index, self._fn(self._items[index])
            remaining -= 1
            with contextlib.suppress(queue.Empty):
                while True:
                    yield self._result(self._finished.get_nowait())
                    remaining -= 1
        for _ in range(remaining):
            yield self._result(self._finished.get())

    def _feed(self) -> None:
        """Send the next unclaimed item to the pool (from here, or from the pool's result
        thread when a worker finishes), if any is left and the pool still runs."""
        index = self._claims.take()
        if index is None:
            return
        try:
            self._pool.apply_async(_indexed_call, ((self._fn, index, self._items[index]),),
                                   callback=self._done, error_callback=self._finished.put)
        except ValueError:  # the pool was stopped (a signal or an error here): no more work
            pass

    def _done(self, pair: tuple[int, Any]) -> None:
        self._finished.put(pair)
        self._feed()

    @staticmethod
    def _result(finished: Any) -> tuple[int, Any]:
        if isinstance(finished, BaseException):  # a spawned worker's call raised it
            raise finished
        return finished


def _indexed_call(task: tuple[Callable[[Any], Any], int, Any]) -> tuple[int, Any]:
    """A pool worker's call; a stop signal ends the worker quietly (its temp file is gone)."""
    fn, index, item = task
    try:
        return index, fn(item)
    except KeyboardInterrupt as exc:  # Ctrl-C, or the pool's terminate() (SIGTERM)
        os._exit(128 + int(getattr(exc, "signum", signal.SIGINT)))


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`~moodc.errors.Interrupted` here, like Ctrl-C does,
    so the pool is terminated in ``finally`` instead of leaving orphan workers rendering."""
    from moodc.errors import Interrupted

    def stop(signum: int, frame: Any) -> None:
        raise Interrupted(signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_dask(jobs: Sequence[BatchJob], options: RenderOptions, *, n_workers: int,
              force: bool, address: str | None) -> Iterator[tuple[BatchJob, BatchOutcome]]:
    """On a Dask cluster: ``address`` to join one, else a local cluster of ``n_workers``."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise MoodcError(f"the dask executor needs dask.distributed ({exc})",
                         hint="pip install 'moodc[cluster]'") from None
    cluster = None
    if address is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(address or cluster) as client:
            futures = [client.submit(render_job, job, options, force=force, pure=False)
                       for job in jobs]
            owner = {future.key: job for future, job in zip(futures, jobs)}
            for future in as_completed(futures):
                yield owner[future.key], _outcome_of(future, owner[future.key])
    finally:
        if cluster is not None:
            cluster.close()


def _outcome_of(future: Any, job: BatchJob) -> BatchOutcome:
    """A finished future's outcome; a worker that died (killed, out of memory) fails its job."""
    try:
        return future.result()
    except Exception as exc:
        return BatchOutcome(job.source, job.out, "failed",
                            f"the worker rendering it stopped: {type(exc).__name__}: {exc}")


def summarise(outcomes: Iterable[BatchOutcome]) -> dict[str, int]:
    """Counts per status, e.g. ``{"rendered": 3, "up-to-date": 10, "failed": 1}``."""
    counts = {"rendered": 0, "up-to-date": 0, "failed": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts


def default_workers() -> int:
    """Processes to use when the user did not say: one per core this process may use."""
    from moodc.cores import available_cores

    return available_cores()
