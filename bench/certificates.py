"""Certificate benchmarks (printed, not asserted). Run: .venv/bin/python bench/certificates.py [-n 9]

1. First render of a certificate (a new code each time, nothing cached) against a bare
   WeasyPrint render of the same HTML in the same run. Target: at most 1.5 times.
2. Repeat download time: GET /certificates/ID.pdf of an already rendered certificate, served
   from storage by a real `elearning serve` process (one uvicorn worker, SQLite, 127.0.0.1,
   a free port), many sequential requests. Target: under 10 ms.
3. Scene-page p99 latency: one learner GETs their scene page in a loop, first with the server
   idle, then while 20 other learners download a not yet rendered certificate at the same
   moment (20 renders at once). Target: at most 2 times the idle p99.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from weasyprint import HTML

from elearning.certificates.codes import generate_code, verify_url
from elearning.certificates.data import sample_certificate
from elearning.certificates.render import PDF_OPTIONS, render_html, render_pdf
from elearning.certificates.templates import template_dir
from elearning.testing import free_port, running_server, server_env, take_link

ROOT = Path(__file__).resolve().parent.parent


def _timed(fn: Callable[..., object], *args: object, **kwargs: object) -> float:
    started = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - started


def _bare(html: str, base_url: str, **options: object) -> None:
    HTML(string=html, base_url=base_url).write_pdf(**options)


def first_render(template: Path, repetitions: int) -> None:
    def certificate() -> tuple[float, str]:
        code = generate_code()
        data = sample_certificate(code=code, verify_url=verify_url("https://leren.example.nl", code))
        started = time.perf_counter()
        render_pdf(data, template)
        took = time.perf_counter() - started
        return took, render_html(data, template)

    base_url = f"{template.resolve().as_uri()}/"
    certificate()  # the first render in a process pays WeasyPrint's set-up: see cold_start
    ours: list[float] = []
    bare: list[float] = []
    bare_pdfa: list[float] = []
    for _ in range(repetitions):
        took, html = certificate()
        ours.append(took)
        bare.append(_timed(_bare, html, base_url))
        bare_pdfa.append(_timed(_bare, html, base_url, **PDF_OPTIONS))
    ms = statistics.median(ours) * 1000
    bare_ms = statistics.median(bare) * 1000
    bare_pdfa_ms = statistics.median(bare_pdfa) * 1000
    ratio = ms / bare_ms
    print(f"template {template.name}, {repetitions} repetitions, medians:")
    print(f"  certificate render_pdf (new code each time)  {ms:7.1f} ms")
    print(f"  bare WeasyPrint write_pdf() of the same HTML {bare_ms:7.1f} ms")
    print(f"  bare WeasyPrint, same options (PDF/A, tags)  {bare_pdfa_ms:7.1f} ms")
    print(f"  ratio to bare: {ratio:.2f}x (target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}); "
          f"to bare with the same options: {ms / bare_pdfa_ms:.2f}x")


def _cold(kind: str, template: Path) -> float:
    """One render in this fresh process, in ms (run by cold_start in a subprocess)."""
    data = sample_certificate()
    if kind == "ours":
        return _timed(render_pdf, data, template) * 1000
    return _timed(_bare, render_html(data, template), f"{template.resolve().as_uri()}/") * 1000


def cold_start(template: Path, repetitions: int = 5) -> None:
    """The very first render in a new process (imports excluded), each in its own process."""
    runs: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(repetitions):
        for kind in runs:  # interleaved, so a busy moment hits both
            out = subprocess.run(
                [sys.executable, __file__, "--cold", kind, "--template", template.name],
                capture_output=True, text=True, check=True,
            )
            runs[kind].append(float(out.stdout))
    ours, bare = statistics.median(runs["ours"]), statistics.median(runs["bare"])
    print(f"  first render in a fresh process ({repetitions} processes each, median): "
          f"ours {ours:.0f} ms, bare {bare:.0f} ms, ratio {ours / bare:.2f}x")


# -- the web app: repeat downloads and scene latency while certificates render ---------------------------
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_STEP = re.compile(r'name="step" value="(\d+)"')
_PDF = re.compile(r'href="/certificates/(\d+)\.pdf"')
FIXTURE_COURSE = ROOT / "tests" / "fixtures" / "web-course"
# The fixture course from start to a pass (tests/conftest.py PASSING_PATH).
PASSING = [("choice", "c1"), ("choice", "loc-bakkerij"), ("choice", "c1"), ("choice", "loc-buurthuis"),
           ("choice", "c1"), ("choice", "c1"), ("choice", "next"), ("answer", "groeten"),
           ("answer", "bakker,voorzitter")]
PASSWORD = "een goed wachtwoord"  # noqa: S105 - a bench account


@contextmanager
def _server(root: Path, rendering: str) -> Iterator[str]:
    """`elearning serve` (one uvicorn worker) on a free port of 127.0.0.1, on a fresh SQLite database."""
    shutil.copytree(FIXTURE_COURSE, root / "courses" / "buurtronde")
    port = free_port()
    env = server_env(root, port, CERTIFICATE_RENDERING=rendering)
    with running_server(root, port=port, env=env, startup=60) as server:
        yield server.url


def _post(client: httpx.Client, path: str, data: dict[str, Any], form_page: str | None = None) -> httpx.Response:
    token = _CSRF.search(client.get(form_page or path).text)
    assert token, f"no CSRF token on {form_page or path}"  # noqa: S101 - bench set-up
    return client.post(path, data={"csrf": token.group(1), **data})


def _learner(url: str, root: Path, n: int, *, finish: bool = True) -> tuple[httpx.Client, int]:
    """A registered learner (its own cookies) and an attempt: passed, or just started."""
    # Each learner comes from their own address (uvicorn trusts X-Forwarded-For from 127.0.0.1),
    # as real learners do: the limit on new accounts per address stays out of the way.
    client = httpx.Client(base_url=url, timeout=60, follow_redirects=True,
                          headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"})
    _post(client, "/account/register", {"name": f"Leerling {n}", "email": f"bench-{n}@example.org",
                                        "password": PASSWORD, "registration_number": "4610123456"})
    link = take_link(root / "data" / "outbox", f"bench-{n}@example.org", "/account/confirm/")
    _post(client, link, {})
    started = _post(client, "/courses/buurtronde/start", {}, form_page="/courses/buurtronde")
    attempt = int(started.url.path.rsplit("/", 1)[1])
    for kind, value in PASSING if finish else PASSING[:1]:
        page = client.get(f"/play/{attempt}").text
        form: dict[str, Any] = {"csrf": _CSRF.search(page).group(1), "step": _STEP.search(page).group(1)}  # type: ignore[union-attr]
        form[kind] = value if kind == "choice" else value.split(",")
        client.post(f"/play/{attempt}", data=form)
    return client, attempt


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _forget_pdfs(root: Path) -> None:
    """Bench set-up: drop the stored PDFs, so the next downloads render again."""
    with sqlite3.connect(root / "data" / "elearning.sqlite3") as conn:
        conn.execute("UPDATE certificate SET pdf = NULL")


def web_benchmarks(requests: int, rendering: str) -> None:
    print(f"-- the web app, CERTIFICATE_RENDERING={rendering}")
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as tmp, _server(Path(tmp), rendering) as url:
        root = Path(tmp)
        owner, _ = _learner(url, root, 0)
        certificate = _PDF.search(owner.get("/certificates").text)
        assert certificate, "the learner has no certificate"  # noqa: S101 - bench set-up
        path = f"/certificates/{certificate.group(1)}.pdf"
        _forget_pdfs(root)
        started = time.perf_counter()
        first = owner.get(path)
        first_ms = (time.perf_counter() - started) * 1000
        assert first.status_code == 200 and first.content.startswith(b"%PDF")
        times: list[float] = []
        floor: list[float] = []  # /health, the same server and client: what any request costs here
        for _ in range(requests):
            started = time.perf_counter()
            again = owner.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert again.content == first.content  # noqa: S101 - served from storage
            started = time.perf_counter()
            owner.get("/health")
            floor.append((time.perf_counter() - started) * 1000)
        median, p99 = statistics.median(times), _percentile(times, 99)
        print(f"repeat download ({requests} sequential GETs of a stored {len(first.content) // 1024} KB PDF, "
              f"one uvicorn worker): first {first_ms:.0f} ms (renders), then median {median:.1f} ms, "
              f"p99 {p99:.1f} ms (target < 10 ms: {'met' if median < 10 else 'NOT met'}); "
              f"GET /health in the same loop: median {statistics.median(floor):.1f} ms, "
              f"p99 {_percentile(floor, 99):.1f} ms")
        scene_latency_under_load(url, root, requests)


def scene_latency_under_load(url: str, root: Path, requests: int, renders: int = 20) -> None:
    """p99 of scene-page GETs while idle, then while `renders` certificates render at once."""
    learners = [_learner(url, root, n) for n in range(1, renders + 1)]
    paths = []
    for client, _ in learners:
        found = _PDF.search(client.get("/certificates").text)
        assert found  # noqa: S101 - bench set-up
        paths.append(f"/certificates/{found.group(1)}.pdf")
    player, attempt = _learner(url, root, renders + 1, finish=False)
    cookies = dict(player.cookies)
    _forget_pdfs(root)

    async def measure(load: bool) -> tuple[list[float], float]:
        async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=120) as scenes:
            for _ in range(20):
                await scenes.get(f"/play/{attempt}")  # warm up
            done = asyncio.Event()
            render_time = 0.0

            async def download_all() -> None:
                nonlocal render_time
                started = time.perf_counter()
                clients = [httpx.AsyncClient(base_url=url, cookies=dict(c.cookies), timeout=120) for c, _ in learners]
                try:
                    answers = await asyncio.gather(*(c.get(p) for c, p in zip(clients, paths, strict=True)))
                finally:
                    for c in clients:
                        await c.aclose()
                assert all(a.status_code == 200 for a in answers)
                render_time = time.perf_counter() - started
                done.set()

            task = asyncio.create_task(download_all()) if load else None
            if task:
                await asyncio.sleep(0.05)  # let the renders begin
            times: list[float] = []
            for _ in range(requests * 4 if load else requests):  # bounded either way
                if load and done.is_set():
                    break
                started = time.perf_counter()
                response = await scenes.get(f"/play/{attempt}")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            if task:
                await task
            return times, render_time

    before, _ = asyncio.run(measure(load=False))
    busy, render_time = asyncio.run(measure(load=True))
    after, _ = asyncio.run(measure(load=False))
    idle = before + after  # idle before and after the renders, so a passing disturbance counts less
    idle_p99, busy_p99 = _percentile(idle, 99), _percentile(busy, 99)
    ratio = busy_p99 / idle_p99
    print(f"scene page p99: idle {idle_p99:.1f} ms (median {statistics.median(idle):.1f}, {len(idle)} GETs); "
          f"while {renders} certificates render at once {busy_p99:.1f} ms (median {statistics.median(busy):.1f}, "
          f"{len(busy)} GETs; the {renders} renders took {render_time:.1f} s)")
    print(f"  ratio {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repetitions", type=int, default=9)
    parser.add_argument("--template", default="standaard")
    parser.add_argument("--requests", type=int, default=500, help="Requests per timed loop of the web part.")
    parser.add_argument("--rendering", choices=["process", "thread", "both"], default="both",
                        help="CERTIFICATE_RENDERING of the server(s) to measure.")
    parser.add_argument("--no-web", action="store_true", help="Only the render timings.")
    parser.add_argument("--web-only", action="store_true", help="Only the web app's timings.")
    parser.add_argument("--cold", choices=["ours", "bare"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    template = template_dir(args.template)
    if args.cold:
        print(_cold(args.cold, template))
        return
    if not args.web_only:
        first_render(template, args.repetitions)
        cold_start(template)
    if not args.no_web:
        for rendering in ("process", "thread") if args.rendering == "both" else (args.rendering,):
            web_benchmarks(args.requests, rendering)


if __name__ == "__main__":
    main()
