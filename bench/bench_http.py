"""Benchmark: the conformance suite over the HTTP binding against in process, and one call's latency with the
kit's standard-library client against httpx.

Run by hand (not a test; nothing here asserts a time):

    .venv/bin/python bench/bench_http.py [--reps N] [--calls N]

1. Whole runs, interleaved (in process, over HTTP, in process, …) so that machine load falls on both alike:
   `caaad run --out TMP` against the embedded reference system, and `caaad run --adapter http://…` against
   the same system under `caaad serve` (a separate process started once, with a token); median of each and
   the ratio HTTP / in process (goal: at most 1.3).
2. Per-call latency against the same `caaad serve`: N calls of clock_now on one session, after a warm-up,
   by the kit's HttpAdapter (http.client, keep-alive, TCP_NODELAY) and, when httpx is importable, by an
   httpx.Client on one kept connection; median and 90th percentile in µs. httpx is not a dependency of the
   kit: install it in a scratch environment together with the kit to compare
   (python -m venv /tmp/v && /tmp/v/bin/pip install -e . httpx && /tmp/v/bin/python bench/bench_http.py).

The repository is never written: reports go to a temporary directory.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def serving(token: str):
    """`caaad serve --port 0` in its own process; yields its URL."""
    process = subprocess.Popen([sys.executable, "-m", "caaad", "serve", "--port", "0", "--token", token],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        line = process.stdout.readline()
        if " at http://" not in line:
            raise SystemExit(f"caaad serve did not start: {line!r}")
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_suite(adapter: str | None, out: Path, token: str) -> float:
    args = [sys.executable, "-m", "caaad", "run", "-q", "--out", str(out)] + (["--adapter", adapter] if adapter else [])
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "CAAAD_HTTP_TOKEN": token})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return seconds


def latencies(call, n: int) -> list[float]:
    for _ in range(min(200, n)):  # warm-up: connection made, caches filled
        call()
    times = []
    for _ in range(n):
        started = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - started) / 1000)
    return times


def describe(name: str, times: list[float]) -> str:
    p90 = statistics.quantiles(times, n=10)[-1]
    return f"{name:<28} median {statistics.median(times):7.0f} µs   p90 {p90:7.0f} µs   ({len(times)} calls)"


def per_call(url: str, token: str, n: int) -> list[str]:
    from caaad.contract.http import HttpAdapter
    os.environ["CAAAD_HTTP_TOKEN"] = token
    lines = []
    with HttpAdapter(url) as adapter:
        lines.append(describe("caaad HttpAdapter (stdlib)", latencies(lambda: adapter.clock_now({}), n)))
        session_url = f"{url}/sessions/{adapter.session_id}/operations/clock_now"
        try:
            import httpx
        except ImportError:
            lines.append("httpx                        not installed here: skipped (see this file's docstring)")
            return lines
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, trust_env=False) as client:
            def call():
                response = client.post(session_url, json={})
                response.raise_for_status()
                return response.json()
            lines.append(describe(f"httpx {httpx.__version__} Client", latencies(call, n)))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="whole runs of each kind (default 3)")
    parser.add_argument("--calls", type=int, default=2000, help="calls per client for the latency (default 2000)")
    args = parser.parse_args()
    token = secrets.token_urlsafe(24)
    with serving(token) as url, tempfile.TemporaryDirectory(prefix="caaad-bench-http-") as tmp:
        print(f"caaad serve at {url}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        for line in per_call(url, token, args.calls):
            print(line)
        runs: dict[str, list[float]] = {"in process": [], "over HTTP": []}
        for rep in range(args.reps):
            order = [("in process", None), ("over HTTP", url)]
            for name, adapter in order if rep % 2 == 0 else order[::-1]:
                runs[name].append(run_suite(adapter, Path(tmp) / f"{rep}-{name.replace(' ', '-')}", token))
        for name, times in runs.items():
            print(f"full suite {name:<11} median {statistics.median(times):6.2f} s   "
                  f"(min {min(times):.2f}, max {max(times):.2f}; {len(times)} runs)")
        ratios = [h / p for h, p in zip(runs["over HTTP"], runs["in process"])]
        print(f"over HTTP / in process: median {statistics.median(ratios):.2f}× pair by pair "
              f"(medians {statistics.median(runs['over HTTP']) / statistics.median(runs['in process']):.2f}×; goal ≤ 1.3×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
