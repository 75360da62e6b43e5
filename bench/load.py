"""Load bench: simulated learners play the polarisation course over HTTP against a real server.

    .venv/bin/python bench/load.py                         # SQLite and PostgreSQL, 10/50/200 learners
    .venv/bin/python bench/load.py --db sqlite --learners 50 --seconds 15
    .venv/bin/python bench/load.py --workers 2 --json result.json

Each learner is a guest with its own session cookie that plays the course from start to finish the
way a browser does, without think time: GET the scene page, read its form (CSRF token, step
token, the offered choices or answers), POST one of them, follow the 303, and so on until the
course is finished; then a new guest starts. The server is `elearning serve` in a subprocess
(uvicorn, 127.0.0.1, a free port); the ceiling is a minimal Starlette app returning a fixed page
of the same size, measured in the same run with the same client and the same concurrency. Both
run on uvloop and httptools (the output says so).

The client shares this 2-core machine with the server, so it is a minimal HTTP/1.1 keep-alive
client on an asyncio Protocol (uvloop), one connection per learner. With httpx the client cost
1.3-1.9 ms of CPU per request, more than the server, and measured itself: the ceiling came out
at 700-850 req/s. Against the ceiling app this client costs 0.08 ms per request (aiohttp 0.3 ms,
httpx 1.6 ms, in the same run) and the ceiling reaches 4,000-8,500 req/s, depending on what
else the machine is doing; a learner costs it 0.2-0.3 ms per request, reading the HTML.

Every learner connects (GET /health) before the clock starts, as an open browser tab has its
connection: a busy uvicorn on uvloop accepts one new connection per turn of its event loop
(libuv >= 1.45 accepts one at a time), and with 50 learners playing a turn takes about 150 ms,
so 150 learners arriving at once waited up to 20 s for their first page.

Latency and Little's law: in a closed loop without think time, the mean time per request is
learners / requests per second. A p99 under 50 ms at 50 learners needs a mean well below 50 ms,
so well over 1,000 requests/s in all. The ceiling does that here (p99 11-20 ms at 50
connections; at 200 connections its own p99 is 40-140 ms, and the output says so); the app, at
about 1.5 ms of server CPU per request (~550-650 req/s on one core), cannot: its mean at 50
learners is about 90 ms. Each level prints the numbers.

Targets (one worker, SQLite, 50 learners): scene pages >= 35% of the ceiling's requests/s,
choice submissions >= 15%, p99 < 50 ms for both; no errors at 200 learners; worker RSS < 150 MB.
Traffic goes to 127.0.0.1 only; every loop is bounded by a step limit and a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from elearning.testing import free_port, server_env
from elearning.testing.learners import Client, Learner, Sample, http_client, learner_address, run

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "courses" / "polarisatie"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
LATENCY_TARGET_MS = 50


async def run_learners(base_url: str, learners: int, seconds: float, *, seed: int = 1,
                       finish_within: float = 0.0, started: asyncio.Future[float] | None = None) -> list[Learner]:
    """`learners` concurrent guests playing playthrough after playthrough for `seconds` (from `started`,
    once every one is connected); with `finish_within`, whoever is mid-course then plays on to the end
    of the course (for at most that long)."""
    players = [Learner(base_url, rng=random.Random(seed * 100_003 + i), address=learner_address(i))
               for i in range(learners)]
    # Connections first, while the server is idle: a busy uvicorn on uvloop accepts one new
    # connection per turn of its event loop (libuv >= 1.45), and a turn takes every request in hand.
    await asyncio.gather(*(player.connect() for player in players))
    now = time.monotonic()
    if started is not None:
        started.set_result(now)
    deadline = now + seconds

    async def one(learner: Learner) -> Learner:
        try:
            while time.monotonic() < deadline:
                if not await learner.play(deadline + finish_within):
                    break
        finally:
            await learner.close()
        return learner

    return list(await asyncio.gather(*(one(player) for player in players)))


async def run_fixed_page(base_url: str, connections: int, seconds: float) -> list[Sample]:
    """The ceiling: the same client, `connections` of them (connected first, as the learners are),
    GET / as fast as it answers."""
    clients = [http_client(base_url) for _ in range(connections)]
    samples: list[Sample] = []

    async def one(client: Client) -> None:
        async with client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await client.get("/")
                samples.append(Sample("scene", time.perf_counter() - started, response.status_code))

    await asyncio.gather(*(client.get("/health") for client in clients))
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(one(client) for client in clients))
    return samples


# -- servers -------------------------------------------------------------------------------------
def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=1)
        try:
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"the server at {url} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def serving_stack(pid: int) -> str:
    """The event loop and HTTP parser a uvicorn process runs on (it takes uvloop and httptools when installed)."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    loop = "uvloop" if "/uvloop/" in maps else "asyncio"
    parser = "httptools" if "/httptools/" in maps else "h11"
    return f"{loop} + {parser}"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(pid: int) -> list[int]:
    """The processes that serve requests: uvicorn's children with --workers > 1, else `pid` itself."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(c) for c in text)
    # With several workers uvicorn also starts a small multiprocessing helper; serving workers are big.
    big = [c for c in children if rss_mb(c) > 30]
    return big or [pid]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[int]:
        return worker_pids(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def bench_env(root: Path, database_url: str | None, port: int) -> dict[str, str]:
    database = {"DATABASE_URL": database_url} if database_url else {}
    return server_env(root, port, LOG_LEVEL="INFO", LOG_FORMAT="json", **database)


def prepare_courses(root: Path, course: Path = COURSE) -> None:
    (root / "courses").mkdir(parents=True, exist_ok=True)
    target = root / "courses" / course.name
    if not target.exists():
        shutil.copytree(course, target)


def start_server(root: Path, database_url: str | None, *, workers: int = 1,
                 port: int | None = None, extra_env: dict[str, str] | None = None) -> Server:
    port = port or free_port()
    env = bench_env(root, database_url, port)
    env.update(extra_env or {})
    log = root / f"server-{port}.log"
    elearning = Path(sys.executable).parent / "elearning"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [str(elearning), "serve", "--migrate", "--port", str(port), "--workers", str(workers)],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, log)
    except BaseException:
        proc.kill()
        raise
    return Server(url, proc, log)


CEILING_APP = textwrap.dedent("""
    import sys
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    PAGE = "<!doctype html><title>x</title>" + "<p>" + "x" * int(sys.argv[2]) + "</p>"

    async def page(request):
        return HTMLResponse(PAGE)

    async def health(request):
        return HTMLResponse("ok")

    app = Starlette(routes=[Route("/", page), Route("/health", health)])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
                server_header=False)
""")


@contextmanager
def ceiling_server(root: Path, page_bytes: int) -> Iterator[Server]:
    port = free_port()
    log = root / "ceiling.log"
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, "-c", CEILING_APP, str(port), str(page_bytes)],
                                stdout=out, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_until_up(server.url, proc, log)
        yield server
    finally:
        server.stop()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{PG_SERVER}/postgres", timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def postgres_database(pool: int | None = None) -> Iterator[str]:
    """A throw-away database; `pool` sets the app's connection pool size (Tortoise's default is 5)."""
    name = f"elearning_bench_{secrets.token_hex(5)}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}" + (f"?maxsize={pool}" if pool else "")
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# -- numbers -------------------------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Stats:
    requests: int
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @classmethod
    def of(cls, samples: list[Sample], seconds: float) -> Stats:
        times = [s.seconds * 1000 for s in samples]
        return cls(len(samples), len(samples) / seconds, percentile(times, 50), percentile(times, 95),
                   percentile(times, 99))

    def row(self, label: str) -> str:
        return (f"  {label:<18} {self.per_second:8.0f} req/s   p50 {self.p50_ms:6.1f} ms   "
                f"p95 {self.p95_ms:6.1f} ms   p99 {self.p99_ms:6.1f} ms   ({self.requests} requests)")


@dataclass
class Level:
    database: str
    learners: int
    seconds: float
    scene: Stats
    choice: Stats
    errors: list[str]
    playthroughs: int
    rss_mb: list[float]
    server_cpu_ms: float  # CPU time of the worker(s) per request
    client_cpu_ms: float  # CPU time of this client per request
    server_scene: Stats  # the same requests timed inside the server (its access log)
    server_choice: Stats
    total_per_second: float  # every request of the learners: also course pages and starts

    @property
    def mean_round_trip_ms(self) -> float:
        """Little's law for a closed loop without think time: each learner always has one request out."""
        return self.learners / self.total_per_second * 1000 if self.total_per_second else float("nan")


def server_side(log: Path, start: float, end: float) -> tuple[Stats, Stats]:
    """Scene pages and choices as the server timed them (its JSON access log), between two wall-clock times."""
    times: dict[str, list[float]] = {"GET": [], "POST": []}
    with log.open("rb") as fh:
        for line in fh:
            if b'"elearning.access"' not in line or b'"/play/{attempt_id}"' not in line:
                continue
            entry = json.loads(line)
            at = datetime.fromisoformat(entry["time"]).timestamp()
            if start <= at <= end and entry["method"] in times:
                times[entry["method"]].append(entry["ms"] / 1000)
    scene = [Sample("scene", t, 200) for t in times["GET"]]
    choice = [Sample("choice", t, 303) for t in times["POST"]]
    return Stats.of(scene, end - start), Stats.of(choice, end - start)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(server: Server, database: str, learners: int, seconds: float, finish_within: float = 0.0) -> Level:
    """One level: `seconds` of steady load are measured; with `finish_within`, every learner then
    plays its course to the end (errors still count, numbers do not)."""
    pids = server.workers()

    async def level() -> tuple[list[Learner], float, float, float, float, float]:
        started: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        playing = asyncio.create_task(run_learners(server.url, learners, seconds, finish_within=finish_within,
                                                   started=started))
        await asyncio.wait([started, playing], return_when=asyncio.FIRST_COMPLETED)
        if not started.done():
            return await playing, 0.0, 0.0, 0.0, 0.0, 0.0  # it failed to connect: raises
        server_before, client_before = sum(cpu_seconds(pid) for pid in pids), time.process_time()
        wall_start = time.time()
        await asyncio.sleep(seconds - (time.monotonic() - started.result()))
        server_cpu = sum(cpu_seconds(pid) for pid in pids) - server_before
        client_cpu = time.process_time() - client_before
        wall_end = time.time()
        return await playing, server_cpu, client_cpu, wall_start, wall_end, started.result()

    found, server_cpu, client_cpu, wall_start, wall_end, started = run(level())
    window = started + seconds
    everything = [s for learner in found for s in learner.samples]
    samples = [s for s in everything if s.at <= window]
    errors = [e for learner in found for e in learner.errors]
    errors += [f"HTTP {s.status} on a {s.kind} request" for s in everything if s.status >= 500]
    done = sum(learner.completed for learner in found)
    unfinished = sum(1 for learner in found if not learner.finished) if finish_within else 0
    if unfinished:
        errors.append(f"{unfinished} learner(s) did not reach the end of the course within {finish_within:.0f} s")
    return Level(
        database, learners, seconds,
        Stats.of([s for s in samples if s.kind == "scene"], seconds),
        Stats.of([s for s in samples if s.kind == "choice"], seconds),
        errors, done, [rss_mb(pid) for pid in pids],
        server_cpu * 1000 / max(1, len(samples)), client_cpu * 1000 / max(1, len(samples)),
        *server_side(server.log, wall_start, wall_end),
        len(samples) / seconds,
    )


def scene_page_size(server: Server, steps: int = 40) -> int:
    """The mean size of the scene pages along a playthrough: the ceiling serves a page this big."""
    async def fetch() -> int:
        learner = Learner(server.url, rng=random.Random(0))
        learner.client = http_client(server.url)
        sizes = []
        try:
            await learner.start()
            for _ in range(steps):
                html = await learner.scene()
                sizes.append(len((html or "").encode()))
                form = learner.pick(html or "")
                if form is None or not await learner.choose(form):
                    break
            return round(sum(sizes) / len(sizes))
        finally:
            await learner.close()

    return run(fetch())


def report_level(level: Level, ceiling: Ceiling) -> None:
    top = ceiling.stats.per_second
    print(f"\n{level.database}, {level.learners} learners:")
    print(ceiling.stats.row("ceiling") + f"   CPU/request: server {ceiling.server_cpu_ms:.2f} ms, "
                                         f"client {ceiling.client_cpu_ms:.2f} ms")
    print(level.scene.row("scene pages") + f"   {level.scene.per_second / top:5.0%} of the ceiling")
    print(level.choice.row("choices") + f"   {level.choice.per_second / top:5.0%} of the ceiling")
    print(f"  {'CPU/request':<18} server {level.server_cpu_ms:.2f} ms, client {level.client_cpu_ms:.2f} ms")
    print("  timed inside the server (its access log; a choice's time includes waiting for the client's body):")
    print(level.server_scene.row("  scene pages"))
    print(level.server_choice.row("  choices"))
    rss = ", ".join(f"{m:.0f}" for m in level.rss_mb)
    print(f"  errors: {len(level.errors)}   playthroughs finished: {level.playthroughs}   worker RSS: {rss} MB")
    print(f"  closed loop (Little's law): {level.learners} learners / {level.total_per_second:.0f} req/s in all = "
          f"{level.mean_round_trip_ms:.0f} ms per request on average (the ceiling: "
          f"{level.learners / top * 1000:.1f} ms); a mean under 50 ms takes over {level.learners / 0.05:.0f} req/s, "
          f"a p99 under 50 ms more")
    if ceiling.stats.p99_ms >= LATENCY_TARGET_MS:
        print(f"  the ceiling itself has a p99 of {ceiling.stats.p99_ms:.0f} ms at {level.learners} connections: "
              f"no server meets a {LATENCY_TARGET_MS} ms p99 here at this concurrency")
    for error in level.errors[:5]:
        print(f"    {error}")


def check_targets(levels: list[tuple[Level, Ceiling]], workers: int) -> list[str]:
    failures = []
    for level, ceiling in levels:
        if level.database == "sqlite" and level.learners == 50 and workers == 1:
            top = ceiling.stats.per_second
            if level.scene.per_second < 0.35 * top:
                failures.append(f"scene pages at 50 learners: {level.scene.per_second:.0f} req/s "
                                f"< 35% of the ceiling ({top:.0f})")
            if level.choice.per_second < 0.15 * top:
                failures.append(f"choices at 50 learners: {level.choice.per_second:.0f} req/s "
                                f"< 15% of the ceiling ({top:.0f})")
            for name, stats in (("scene pages", level.scene), ("choices", level.choice)):
                if stats.p99_ms >= LATENCY_TARGET_MS:
                    failures.append(f"{name} p99 at 50 learners: {stats.p99_ms:.1f} ms >= {LATENCY_TARGET_MS} ms "
                                    f"(the ceiling's: {ceiling.stats.p99_ms:.1f} ms; Little's law: "
                                    f"{level.mean_round_trip_ms:.0f} ms on average at {level.total_per_second:.0f} req/s)")
        if level.learners == 200 and level.errors:
            failures.append(f"{level.database}, 200 learners: {len(level.errors)} error(s)")
        if level.rss_mb and max(level.rss_mb) >= 150:
            failures.append(f"{level.database}, {level.learners} learners: worker RSS {max(level.rss_mb):.0f} MB")
    return failures


@dataclass
class Ceiling:
    stats: Stats
    server_cpu_ms: float
    client_cpu_ms: float


def measure_ceiling(ceiling: Server, connections: int, seconds: float) -> Ceiling:
    server_before, client_before = cpu_seconds(ceiling.proc.pid), time.process_time()
    samples = run(run_fixed_page(ceiling.url, connections, seconds))
    return Ceiling(Stats.of(samples, seconds),
                   (cpu_seconds(ceiling.proc.pid) - server_before) * 1000 / len(samples),
                   (time.process_time() - client_before) * 1000 / len(samples))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per level")
    parser.add_argument("--finish-within", type=float, default=600.0,
                        help="after the measured time, learners play on to the end of the course for at most "
                             "this long (0: stop at once)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    levels: list[tuple[Level, Ceiling]] = []
    stacks: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="elearning-load-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        page_bytes = 0
        ceiling: Server | None = None
        for database in databases:
            with contextmanager_for(database) as url:
                prepare_courses(root / database)
                server = start_server(root / database, url, workers=args.workers)
                try:
                    if ceiling is None:
                        page_bytes = scene_page_size(server)
                        ceiling = stack.enter_context(ceiling_server(root, page_bytes))
                        run(run_fixed_page(ceiling.url, 10, 2))
                        stacks["the ceiling"] = serving_stack(ceiling.proc.pid)
                    run(run_learners(server.url, 10, 2))  # warm up: caches, connections
                    stacks[f"ours on {database}"] = serving_stack(server.workers()[0])
                    for learners in args.learners:
                        # The ceiling right before each level: the same client, the same moment.
                        paired = measure_ceiling(ceiling, learners, args.seconds)
                        level = measure(server, database, learners, args.seconds, args.finish_within)
                        levels.append((level, paired))
                        print(f"measured {database}, {learners} learners", file=sys.stderr)
                finally:
                    server.stop()

    print(f"\nLoad bench: polarisation course, {args.workers} worker(s), no think time, {args.seconds:.0f} s "
          f"measured per level, client and server on this {os.cpu_count()}-core machine.")
    print(f"Each level is paired with the ceiling measured just before it: a minimal Starlette app returning "
          f"a fixed {page_bytes}-byte page (the mean scene page), driven by the same client at the same "
          f"concurrency.")
    print("Event loop and HTTP parser: " + "; ".join(f"{name} {stack}" for name, stack in stacks.items()) + ".")
    for level, paired in levels:
        report_level(level, paired)
    failures = check_targets(levels, args.workers)
    print("\nTargets: " + ("all met" if not failures else "MISSED"))
    if args.workers != 1 or "sqlite" not in databases or 50 not in args.learners:
        print("  (the throughput and latency targets are for one worker, SQLite, 50 learners: not all checked)")
    for failure in failures:
        print(f"  - {failure}")
    if args.json:
        args.json.write_text(json.dumps({
            "workers": args.workers, "seconds": args.seconds, "page_bytes": page_bytes, "stacks": stacks,
            "levels": [{**asdict(level), "errors": level.errors[:20], "ceiling": asdict(paired)}
                       for level, paired in levels],
            "failures": failures,
        }, indent=2))
    return 1 if failures else 0


@contextmanager
def contextmanager_for(database: str) -> Iterator[str | None]:
    if database == "postgres":
        with postgres_database(pool=20) as url:
            yield url
    else:
        yield None


if __name__ == "__main__":
    sys.exit(main())
