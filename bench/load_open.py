"""Load bench, open loop: how many learners who read before they click one worker serves.

    .venv/bin/python bench/load_open.py                          # SQLite, search from 100 learners
    .venv/bin/python bench/load_open.py --from 200 --max 3200 --seconds 30 --think 10
    .venv/bin/python bench/load_open.py --db postgres --json open.json

The closed loop of bench/load.py (every learner clicks again the moment a page arrives) only
measures saturation. Real learners read: here each one is a new guest that arrives at a set
rate (a Poisson process), opens the course, starts, and then plays: GET the scene, read it
for a think time drawn around --think seconds (lognormal, or exponential), POST a choice,
follow the 303, and so on, for --actions choices or to the end of the course; then leaves.
The arrival rate is set so that, by Little's law, `learners` are in the course at once
(rate = learners / visit length). The level starts with that population arriving over the
warm-up (each with a random part of a visit left) and new arrivals from half way through it,
so the measured window is in the steady state; each level prints how many learners were in
the course on average in the window, measured.

Each level is judged on every request answered in the measured window (course pages,
starts, scene pages, choices), as the learners saw them: it passes with a p99 under 50 ms
and no error at all (also none in the warm-up). Each level also prints the p99 the server
itself measured (its access log): when the two differ much, the time went to waiting for a
CPU, the client's or the server's, which on a shared machine is other people's work. A
learner who read longer than uvicorn keeps an idle connection (5 s) clicks on a new
connection, as a browser does; every learner comes from an address of its own (sent as
X-Forwarded-For, as the reverse proxy does), since the app limits new attempts per address. The search doubles the number of learners until a level fails, then
halves the gap --refine times, and prints the largest passing number: the figure an operator
plans with (concurrent learners per worker, with this think time). Traffic goes to
127.0.0.1 only; every level is bounded in time (warm-up + --seconds + a drain) and the search
in levels (--max learners).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from load import (
    LATENCY_TARGET_MS,
    Server,
    Stats,
    contextmanager_for,
    cpu_seconds,
    prepare_courses,
    rss_mb,
    run_learners,
    server_side,
    serving_stack,
    start_server,
)

from elearning.testing.learners import (
    FINISHED,
    Learner,
    TransportError,
    http_client,
    learner_address,
    run,
)

DRAIN = 35.0  # seconds after the window for requests in flight (the client's timeout is 30 s)
# uvicorn closes a keep-alive connection after 5 s without a request. A browser that finds its
# idle connection closed opens another; so does a learner here after reading longer than this
# (else the click races the server's close and meets a reset connection).
IDLE_REUSE = 4.0


@dataclass
class Visit:
    """One learner's visit: what it asked and what went wrong."""

    learner: Learner
    started: float = 0.0
    left: float = 0.0


def think_time(rng: random.Random, mean: float, shape: str) -> float:
    """Seconds a learner reads a scene before clicking: lognormal (sigma 0.6) or exponential, both with this mean."""
    if shape == "exponential":
        return rng.expovariate(1 / mean)
    sigma = 0.6
    return rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)


async def visit(base_url: str, rng: random.Random, actions: int, think: Callable[[], float], stop_at: float,
                address: str) -> Visit:
    """A new guest plays `actions` choices (or to the end of the course), reading before each click."""
    learner = Learner(base_url, rng=rng, address=address)
    learner.client = http_client(base_url, address)
    found = Visit(learner, started=time.monotonic())
    try:
        if not await learner.start():
            return found
        for _ in range(actions):
            if time.monotonic() >= stop_at:
                break
            html = await learner.scene()
            if html is None:
                break
            form = learner.pick(html)
            if form is None:
                if FINISHED not in html:
                    learner.errors.append(f"attempt {learner.attempt}: a page without a form")
                break
            reading = think()
            await asyncio.sleep(min(reading, max(0.0, stop_at - time.monotonic())))
            if reading > IDLE_REUSE:
                learner.client.close()  # the next click opens a new connection
            if time.monotonic() >= stop_at or not await learner.choose(form):
                break
    except TransportError as exc:
        learner.errors.append(f"attempt {learner.attempt}: {exc}")
    finally:
        found.left = time.monotonic()
        await learner.close()
    return found


@dataclass
class OpenLevel:
    learners: int
    arrivals_per_second: float
    seconds: float
    requests_per_second: float
    everything: Stats
    scene: Stats
    choice: Stats
    errors: list[str]
    mean_in_course: float  # learners with a visit under way, averaged over the window
    server_cpu_ms: float  # worker CPU per request in the window
    server_busy: float  # worker CPU seconds per second in the window (1.0 = one core)
    rss_mb: float
    server_scene: Stats  # scene pages and choices as the server timed them (its access log)
    server_choice: Stats

    @property
    def passed(self) -> bool:
        return not self.errors and self.everything.p99_ms < LATENCY_TARGET_MS

    def row(self) -> str:
        verdict = "ok" if self.passed else "FAIL"
        return (f"  {self.learners:6d} learners ({self.mean_in_course:6.0f} in the course)  "
                f"{self.arrivals_per_second:5.1f} arrive/s  {self.requests_per_second:6.0f} req/s  "
                f"p50 {self.everything.p50_ms:5.1f}  p99 {self.everything.p99_ms:6.1f} ms "
                f"(scene {self.scene.p99_ms:5.1f}, choice {self.choice.p99_ms:5.1f})  "
                f"in the server p99 {self.server_scene.p99_ms:4.1f}/{self.server_choice.p99_ms:4.1f} ms  "
                f"errors {len(self.errors)}  CPU {self.server_cpu_ms:.2f} ms/req, {self.server_busy:4.0%} of a core  "
                f"RSS {self.rss_mb:.0f} MB  {verdict}")


def measure_open(server: Server, learners: int, *, seconds: float, warmup: float, think_mean: float,
                 think_shape: str, actions: int, seed: int) -> OpenLevel:
    """One level: `learners` in the course at once, measured for `seconds` after `warmup`."""
    pid = server.workers()[0]
    rng = random.Random(seed)
    visit_seconds = actions * think_mean
    rate = learners / visit_seconds

    def reader(r: random.Random) -> Callable[[], float]:
        return lambda: think_time(r, think_mean, think_shape)

    async def level() -> tuple[list[Visit], float, float, float, int, tuple[float, float]]:
        t0 = time.monotonic()
        window_start, stop_at = t0 + warmup, t0 + warmup + seconds
        tasks: list[asyncio.Task[Visit]] = []

        async def later(delay: float, left: int, n: int) -> Visit:
            r = random.Random(seed * 1_000_003 + n)
            await asyncio.sleep(delay)
            return await visit(server.url, r, left, reader(r), stop_at, learner_address(n))

        for i in range(learners):  # the population, arriving over the warm-up, each part-way through a visit
            tasks.append(asyncio.create_task(later(rng.uniform(0, warmup), rng.randint(1, actions), i)))
        # New learners at the steady rate, from half way through the warm-up: the population that
        # arrived by then has already begun to leave at that rate, so the window starts at `learners`.
        at, n = warmup / 2, learners
        while True:
            at += rng.expovariate(rate)
            if at >= warmup + seconds:
                break
            tasks.append(asyncio.create_task(later(at, actions, n)))
            n += 1
        await asyncio.sleep(max(0.0, window_start - time.monotonic()))
        cpu_before, wall_start = cpu_seconds(pid), time.time()
        await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
        cpu, wall = cpu_seconds(pid) - cpu_before, (wall_start, time.time())
        done, pending = await asyncio.wait(tasks, timeout=DRAIN)
        for task in pending:
            task.cancel()
        visits = [task.result() for task in done if task.exception() is None]
        lost = len(pending) + sum(1 for task in done if task.exception() is not None)
        return visits, window_start, stop_at, cpu, lost, wall

    visits, window_start, stop_at, cpu, lost, wall = run(level())
    samples = [s for v in visits for s in v.learner.samples if window_start <= s.at <= stop_at]
    errors = [e for v in visits for e in v.learner.errors]
    errors += [f"HTTP {s.status} on a {s.kind} request" for v in visits for s in v.learner.samples
               if s.status >= 500]
    if lost:
        errors.append(f"{lost} visit(s) did not end within {DRAIN:.0f} s of the window, or failed")
    unanswered = sum(v.learner.unanswered for v in visits)
    if unanswered:
        errors.append(f"{unanswered} choice(s) without a 303 in reply")
    overlap = sum(max(0.0, min(v.left, stop_at) - max(v.started, window_start)) for v in visits)
    return OpenLevel(
        learners, rate, seconds, len(samples) / seconds,
        Stats.of(samples, seconds),
        Stats.of([s for s in samples if s.kind == "scene"], seconds),
        Stats.of([s for s in samples if s.kind == "choice"], seconds),
        errors, overlap / seconds, cpu * 1000 / max(1, len(samples)), cpu / seconds, rss_mb(pid),
        *server_side(server.log, *wall),
    )


def search(server: Server, args: argparse.Namespace) -> list[OpenLevel]:
    """Double until a level fails, then halve the gap `refine` times."""
    levels: list[OpenLevel] = []

    def at(learners: int) -> OpenLevel:
        level = measure_open(server, learners, seconds=args.seconds, warmup=args.warmup, think_mean=args.think,
                             think_shape=args.think_shape, actions=args.actions, seed=len(levels) + 1)
        levels.append(level)
        print(level.row(), file=sys.stderr)
        time.sleep(2)  # let the last connections close
        return level

    good, bad = 0, 0
    learners = args.start
    while learners <= args.max:
        if at(learners).passed:
            good = learners
            learners *= 2
        else:
            bad = learners
            break
    for _ in range(args.refine if bad else 0):
        middle = (good + bad) // 2
        if middle in (good, bad) or middle == 0:
            break
        if at(middle).passed:
            good = middle
        else:
            bad = middle
    return levels


def raise_file_limit() -> int:
    """One connection per learner: lift the soft limit on open files to the hard one (the server inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--from", dest="start", type=int, default=100, help="learners in the first level")
    parser.add_argument("--max", type=int, default=6400, help="never more learners than this")
    parser.add_argument("--refine", type=int, default=2, help="bisection steps after the first failing level")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured time per level")
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds in which the population arrives")
    parser.add_argument("--think", type=float, default=10.0, help="mean think time in seconds")
    parser.add_argument("--think-shape", choices=["lognormal", "exponential"], default="lognormal")
    parser.add_argument("--actions", type=int, default=30, help="choices per visit (fewer when the course ends)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    files = raise_file_limit()
    if args.max + 100 > files:
        parser.error(f"--max {args.max} learners need more open files than the limit ({files})")

    with tempfile.TemporaryDirectory(prefix="elearning-open-") as tmp, contextmanager_for(args.db) as url:
        root = Path(tmp)
        prepare_courses(root / args.db)
        server = start_server(root / args.db, url, workers=1)
        try:
            run(run_learners(server.url, 10, 2))  # warm up: caches, connections
            stack = serving_stack(server.workers()[0])
            levels = search(server, args)
        finally:
            server.stop()

    passing = [level for level in levels if level.passed]
    best = max(passing, key=lambda level: level.learners) if passing else None
    print(f"\nOpen-loop load bench: polarisation course, {args.db}, 1 worker ({stack}), think time "
          f"{args.think_shape} around {args.think:.0f} s, up to {args.actions} choices per visit, "
          f"{args.seconds:.0f} s measured per level after {args.warmup:.0f} s of arrivals, client and server on "
          f"this {os.cpu_count()}-core machine (load average {os.getloadavg()[0]:.1f}).")
    for level in levels:
        print(level.row())
        for error in level.errors[:3]:
            print(f"      {error}")
    if best is None:
        print(f"\nNo level passed (p99 < {LATENCY_TARGET_MS} ms, no errors): try a lower --from.")
    else:
        print(f"\nOne worker serves {best.learners} concurrent learners ({best.mean_in_course:.0f} in the course on "
              f"average, measured) with a p99 of {best.everything.p99_ms:.1f} ms and no errors "
              f"({best.requests_per_second:.0f} req/s, {best.server_busy:.0%} of a core).")
        if best.learners * 2 > args.max and best is levels[-1]:
            print(f"  (--max {args.max} reached: the worker may serve more)")
    if args.json:
        args.json.write_text(json.dumps({
            "db": args.db, "think": args.think, "think_shape": args.think_shape, "actions": args.actions,
            "seconds": args.seconds, "warmup": args.warmup, "stack": stack,
            "levels": [{**asdict(level), "errors": level.errors[:20], "passed": level.passed} for level in levels],
            "learners_served": best.learners if best else 0,
        }, indent=2))
    return 0 if best is not None else 1


if __name__ == "__main__":
    sys.exit(main())
