"""Benchmark: the portal under gunicorn on PostgreSQL with the demo data, measured with wrk.

1. Cached ranking, profile and chart against a static file of the same bytes served by
   WhiteNoise from the same server in the same run: requests/s, p50, p99 and the ratio
   (budget: cached ÷ static ≥ 1.0, ../shared/DESIGN.md, issue 17).
2. Load test: 200 concurrent connections for 60 s on a mix of public pages; zero errors,
   p99 reported.
3. Cache busting (issue 17): 200 connections for 30 s on the same pages, each request with a
   query string of its own (`?x=<random>`), which the page cache redirects to the page's own
   address: a 3xx counts as an answer (wrk does not follow it). Budgets: no timeouts (no answer
   within wrk's 10 s), p99 under 2 s; answers other than 2xx/3xx and socket errors printed.
Each budget line says the budget and the ratio to it (bench/budgets.py).

Builds a throw-away database `<DATABASE_URL's name>_bench` on the same server (dropped at the
end), copies the three pages into the collected static files, starts gunicorn on 127.0.0.1
only. Figures only, never assertions. Usage: `make bench` (needs wrk).
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg2
from budgets import check

PROJECT = Path(__file__).resolve().parent.parent
PAGES = {
    "ranking": "/vi/rankings/2019/province/",
    "profile": "/vi/units/ha-noi/",
    "chart": "/vi/charts/ranking/2019/province.svg",
}
MIX = [
    "/vi/",
    "/en/",
    "/vi/rankings/2019/province/",
    "/en/rankings/2019/ministry/",
    "/vi/units/ha-noi/",
    "/en/units/ho-chi-minh-city-2004-2025/",
    "/en/units/moj/",
    "/vi/regions/2019/",
    "/vi/criteria/2019/province/1/",
    "/vi/methodology/2019/province/",
    "/vi/map/2019/",
    "/vi/charts/ranking/2019/province.svg",
    "/en/api/editions/2019/province.json",
]
SECONDS, CONNECTIONS, ROUNDS = 5, 50, 3
LOAD_SECONDS, LOAD_CONNECTIONS = 60, 200
BUSTING_SECONDS, BUSTING_CONNECTIONS, BUSTING_P99_MS = 30, 200, 2000.0
TIMEOUT = "10s"


def _database(url: str) -> tuple[str, str]:
    base, _, name = url.rpartition("/")
    return f"{base}/postgres", f"{base}/{name}_bench"


def _admin(url: str, sql: str) -> None:
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def latency_max(output: str) -> float:
    """The slowest answer in ms: the Max column of wrk's Latency line."""
    value, scale = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[scale]


def _wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    # A 10 s timeout: wrk's 2 s default would count a slow answer as an error.
    command = ["wrk", f"-t{os.cpu_count() or 2}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", TIMEOUT]
    command += ["-s", str(script)] if script else []
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}

    def latency(percent: str) -> float:
        value, scale = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * unit[scale]

    sockets = dict(re.findall(r"(connect|read|write|timeout) (\d+)", output))
    errors = sum(int(n) for n in sockets.values())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "timeouts": int(sockets.get("timeout", 0)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
        "detail": ", ".join(f"{kind} {n}" for kind, n in sockets.items() if n != "0")
        + (f", non-2xx {non_2xx.group(1)}" if non_2xx else ""),
        "max": latency_max(output),
    }


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database (the bench makes <name>_bench)")
    admin_url, bench_url = _database(url)
    LOG.write_text("")
    name = bench_url.rpartition("/")[2]
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": bench_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # The request log line of each request would measure the terminal.
        "PARINDEX_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    server = None
    try:
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["seed_demo"],
            ["collectstatic", "--no-input", "-v0"],
        ):
            subprocess.run(
                [*manage, *command], cwd=PROJECT, env=env, check=True, capture_output=True
            )
        server = _start(env, port)
        copies = PROJECT / "staticfiles" / "bench"
        copies.mkdir(parents=True, exist_ok=True)
        sizes = {}
        for page, path in PAGES.items():
            body = urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
            (copies / f"{page}{Path(path).suffix or '.html'}").write_bytes(body)
            sizes[page] = len(body)
        # WhiteNoise lists the static files when the app starts: restart to serve the copies.
        # Workers are not recycled while the ratio is measured: a new worker starts with an
        # empty local cache, and when that happens would decide which side pays for it.
        _stop(server)
        server = _start({**env, "GUNICORN_MAX_REQUESTS": "100000000"}, port)
        _cached_against_static(port, sizes)
        # The load tests on gunicorn.conf.py's own settings, worker recycling included.
        _stop(server)
        server = _start(env, port)
        _load(port, copies.parent.parent)
        _busting(port, copies.parent.parent)
    finally:
        if server:
            _stop(server)
        shutil.rmtree(PROJECT / "staticfiles" / "bench", ignore_errors=True)
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


def _cached_against_static(port: int, sizes: dict[str, int]) -> None:
    print(
        f"gunicorn on 127.0.0.1:{port}, PostgreSQL, demo data; wrk {CONNECTIONS} "
        f"connections, best of {ROUNDS} × {SECONDS} s each, workers not recycled meanwhile"
    )
    print(
        f"{'cached page':<10} {'bytes':>7} {'req/s':>9} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'static req/s':>13} {'cached÷static':>13}  budget (ratio = budget ÷ figure)"
    )
    for page, path in PAGES.items():
        copy = f"/static/bench/{page}{Path(path).suffix or '.html'}"
        # Every worker's own cache filled and its first requests served before measuring.
        _wrk(f"http://127.0.0.1:{port}{path}", 2, CONNECTIONS)
        _wrk(f"http://127.0.0.1:{port}{copy}", 2, CONNECTIONS)
        # Alternated and the best of each kept: the machine's other work hits both alike.
        cached, static = {"rps": 0.0}, {"rps": 0.0}
        for _round in range(ROUNDS):
            cached = max(
                cached,
                _wrk(f"http://127.0.0.1:{port}{path}", SECONDS, CONNECTIONS),
                key=lambda run: run["rps"],
            )
            static = max(
                static,
                _wrk(f"http://127.0.0.1:{port}{copy}", SECONDS, CONNECTIONS),
                key=lambda run: run["rps"],
            )
        ratio = cached["rps"] / static["rps"]
        verdict = check(
            f"cached {page} ÷ static file ({sizes[page]:,} bytes), gunicorn",
            ratio,
            1.0,
            "×",
            higher_is_better=True,
            decimals=2,
        )
        print(
            f"{page:<10} {sizes[page]:>7} {cached['rps']:>9.0f} {cached['p50']:>7.1f} "
            f"{cached['p99']:>7.1f} {static['rps']:>13.0f} {ratio:>13.2f}  {verdict}"
        )


def _script(folder: Path, name: str, query: str) -> Path:
    """A wrk script going round MIX, each thread from a place of its own; `query` (Lua) is
    appended to each path."""
    script = folder / name
    paths_lua = ", ".join(f'"{path}"' for path in MIX)
    script.write_text(
        f"local paths = {{{paths_lua}}}\nlocal i = 0\nlocal threads = 0\n"
        # setup runs in wrk's main state, once per thread: each thread gets its number, so
        # the threads neither start on the same page nor draw the same random numbers.
        "function setup(thread)\n  threads = threads + 1\n  thread:set('id', threads)\nend\n"
        "function init(args)\n  i = id\n  math.randomseed(os.time() * 1000 + id)\nend\n"
        "request = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i]{query})\nend\n'
    )
    return script


def _load(port: int, folder: Path) -> None:
    for path in MIX:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").read()
        except OSError as error:
            print(f"load mix: {path} does not answer 200 ({error}); see {LOG}")
    script = _script(folder, "bench-mix.lua", "")
    try:
        _wrk(f"http://127.0.0.1:{port}", 5, CONNECTIONS, script)  # every worker's cache filled
        load = _wrk(f"http://127.0.0.1:{port}", LOAD_SECONDS, LOAD_CONNECTIONS, script)
    finally:
        script.unlink()
    detail = f" ({load['detail']})" if load["detail"] else ""
    print(
        f"load test: {LOAD_CONNECTIONS} connections × {LOAD_SECONDS} s on {len(MIX)} public "
        f"pages: {load['requests']} requests, {load['rps']:.0f} req/s, "
        f"p50 {load['p50']:.1f} ms, p99 {load['p99']:.1f} ms, slowest {load['max']:.0f} ms; "
        f"errors {load['errors']}{detail}: "
        + check(
            f"load test, {LOAD_CONNECTIONS} connections × {LOAD_SECONDS} s: errors",
            load["errors"],
            0,
            "",
            decimals=0,
        )
    )


def _busting(port: int, folder: Path) -> None:
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    probe.request("GET", f"{MIX[4]}?x=12345")
    answer = probe.getresponse()
    print(
        f"cache busting: GET {MIX[4]}?x=12345 answers {answer.status} "
        f"{answer.getheader('Location') or ''}".rstrip()
    )
    probe.close()
    script = _script(folder, "bench-busting.lua", ' .. "?x=" .. math.random(1, 1e9)')
    try:
        run = _wrk(f"http://127.0.0.1:{port}", BUSTING_SECONDS, BUSTING_CONNECTIONS, script)
    finally:
        script.unlink()
    label = f"random query strings, {BUSTING_CONNECTIONS} connections × {BUSTING_SECONDS} s"
    print(
        f"{label} on {len(MIX)} public pages (3xx counted as answers): {run['requests']} "
        f"requests, {run['rps']:.0f} req/s, p50 {run['p50']:.1f} ms, slowest {run['max']:.0f} ms"
    )
    print(
        f"  timeouts (no answer within {TIMEOUT}): {run['timeouts']}; "
        + check(f"{label}: timeouts", run["timeouts"], 0, "", decimals=0)
    )
    print(
        f"  p99: {run['p99']:.1f} ms; " + check(f"{label}: p99", run["p99"], BUSTING_P99_MS, "ms")
    )
    other = run["errors"] - run["timeouts"]
    detail = f" ({run['detail']})" if run["detail"] else ""
    print(
        f"  answers not 2xx/3xx: {run['non_2xx']}; all errors but timeouts{detail}: {other}; "
        + check(f"{label}: errors other than timeouts", other, 0, "", decimals=0)
    )


LOG = Path(tempfile.gettempdir()) / "parindex-bench-server.log"


def _start(env: dict, port: int) -> subprocess.Popen:
    # The server's errors go to a file, named when a page does not answer.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "parindex.wsgi"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=LOG.open("a"),
    )
    for _attempt in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    _stop(server)
    sys.exit("gunicorn did not start")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


if __name__ == "__main__":
    main()
