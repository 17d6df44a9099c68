"""Load on `cxjf serve` (docs/serve.md): concurrent clients on loopback, each
with its own session and keep-alive connection, sending a mix of the
portal's requests for a bounded time; reports requests, errors and the
latency percentiles per kind, for docs/benchmarks.md.

    python benchmarks/serve/load.py --cli build/cxjf            # 520,000 enterprises, 50 clients, 20 s
    python benchmarks/serve/load.py --cli build/cxjf --n 20000 --seconds 5 --clients 10

The mix is the portal's: overview queries with a random filter (技术领域,
发展阶段 or none) and page; list pages that exist; details of enterprises
the client's principal may see; estimation uploads of 20 generated rows.
Each client holds one keep-alive connection (a browser may open up to six;
the server serves 64 at once by default, so 50 clients do not reach that
bound). The
clients are Python threads, so the client side shares the machine's cores
with the server: on 2 cores the figures are a lower bound of what the
server alone can do. A non-2xx answer or a broken connection is an error.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import cxjf

KINDS = ("overview", "list", "detail", "estimate")
WEIGHTS = (0.4, 0.25, 0.25, 0.10)
USERS = ("torch", "province", "city", "county", "zone")


def start(cli: str, snapshot: str, data: str, threads: int) -> tuple[subprocess.Popen, int, dict[str, str]]:
    proc = subprocess.Popen([cli, "serve", "--snapshot", snapshot, "--data", data, "--port", "0", "--demo",
                             "--test-captcha", "--threads", str(threads)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    passwords: dict[str, str] = {}
    for line in proc.stdout:
        m = re.match(r"\s+(\w+)\s+(\S+)\s+\S+$", line)
        if m:
            passwords[m.group(1)] = m.group(2)
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if m:
            return proc, int(m.group(1)), passwords
    raise SystemExit("the server did not start")


class Client:
    """One browser: a keep-alive connection, its session cookie and CSRF token."""

    def __init__(self, port: int, user: str, password: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        captcha = self.call("GET", "/api/captcha")[1]
        status, me = self.call("POST", "/api/login", {"username": user, "password": password,
                                                       "captcha_id": captcha["id"], "captcha": captcha["answer"]})
        if status != 200:
            raise SystemExit(f"login of {user} failed: {me}")
        self.csrf = me["csrf"]

    def call(self, method: str, path: str, body=None, raw: bytes | None = None, content_type: str = "application/json"):
        headers = {"Content-Type": content_type}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed the idle keep-alive connection first: a
            # browser opens a new one and sends again, and so do we, but
            # not an upload, which the server may have kept as a record.
            self.conn.close()
            if path == "/api/estimate":
                raise
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
        content = res.read()
        cookie = res.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return res.status, json.loads(content) if content else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default="build/cxjf", help="the cxjf program")
    ap.add_argument("--n", type=int, default=520_000, help="enterprises of the generated sample")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--threads", type=int, default=64, help="the server's connection threads")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cxjf-load-"))
    table = cxjf.generate(args.n, seed=42)
    cxjf.Snapshot.build(table).save(str(work / "s.snap"))
    fields = sorted({f for text in table.to_frame()["tech_fields"].dropna() for f in text.split(";") if f})
    del table
    upload = cxjf.generate(20, seed=7).to_csv()
    boundary = uuid.uuid4().hex
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
                 f"Content-Type: text/csv\r\n\r\n").encode() + upload + f"\r\n--{boundary}--\r\n".encode()

    proc, port, passwords = start(args.cli, str(work / "s.snap"), str(work / "data"), args.threads)
    try:
        clients = [Client(port, USERS[i % len(USERS)], passwords[USERS[i % len(USERS)]]) for i in range(args.clients)]
        # The credit codes each client may open (its principal's first list
        # page of 200), and how many pages of 20 its list has (a county's
        # few, the nation's thousands): pages asked for exist.
        codes, pages = [], []
        for c in clients:
            status, page = c.call("POST", "/api/query", {"kind": "list", "list": {"page_size": 200}})
            codes.append([e["credit_code"] for e in page["list"]["items"]] if status == 200 else [])
            pages.append(max(1, min(50, -(-page["list"]["total"] // 20))) if status == 200 else 1)

        latencies: dict[str, list[float]] = {k: [] for k in KINDS}
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + args.seconds

        def run(i: int) -> None:
            rng = random.Random(args.seed * 1000 + i)
            c = clients[i]
            while time.perf_counter() < stop_at:
                kind = rng.choices(KINDS, WEIGHTS)[0]
                if kind == "detail" and not codes[i]:
                    kind = "list"
                t0 = time.perf_counter()
                try:
                    if kind == "overview":
                        filters = rng.choice([{}, {"tech_fields": [rng.choice(fields)]}, {"stages": [rng.choice(["初创期", "成长期", "稳定期"])]}])
                        status, _ = c.call("POST", "/api/query", {"kind": "overview", "filters": filters,
                                                                  "list": {"page": rng.randint(1, min(5, pages[i]))}})
                    elif kind == "list":
                        status, _ = c.call("POST", "/api/query",
                                           {"kind": "list", "list": {"page": rng.randint(1, pages[i])}})
                    elif kind == "detail":
                        status, _ = c.call("POST", "/api/query", {"kind": "detail", "credit_code": rng.choice(codes[i])})
                    else:
                        status, _ = c.call("POST", "/api/estimate", raw=multipart,
                                           content_type=f"multipart/form-data; boundary={boundary}")
                    ok = 200 <= status < 300
                except (OSError, http.client.HTTPException, ValueError) as e:
                    ok, status = False, repr(e)
                    c.conn.close()
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies[kind].append(elapsed)
                    if not ok:
                        errors.append(f"{kind}: {status}")

        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.clients)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else float("nan")

    everything = [v for k in KINDS for v in latencies[k]]
    print(f"{args.clients} clients, {args.seconds:g} s, {args.n:,} enterprises, server threads {args.threads}: "
          f"{len(everything):,} requests in {wall:.1f} s ({len(everything) / wall:.0f}/s), {len(errors)} errors")
    print("| request | count | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for k in KINDS:
        if latencies[k]:
            print(f"| {k} | {len(latencies[k]):,} | {pct(latencies[k], 50):.1f} | {pct(latencies[k], 99):.1f} | "
                  f"{max(latencies[k]) * 1000:.1f} |")
    print(f"| all | {len(everything):,} | {pct(everything, 50):.1f} | {pct(everything, 99):.1f} | "
          f"{max(everything) * 1000:.1f} |")
    for e in errors[:10]:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
