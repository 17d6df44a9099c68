"""A running `cxjf serve` for the tests (test_serve.py over HTTP,
test_portal.py in a browser), and a client holding a session's cookie and
CSRF token."""

from __future__ import annotations

import http.cookiejar
import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import cxjf


def snapshot_file(folder: Path, n: int, seed: int):
    """A generated table of n enterprises, its snapshot, and the snapshot
    saved in `folder` (its path)."""
    table = cxjf.generate(n, seed=seed)
    snapshot = cxjf.Snapshot.build(table)
    path = str(folder / "s.snap")
    snapshot.save(path)
    return table, snapshot, path


class Portal:
    """A running server and what --demo printed."""

    def __init__(self, cli: str, snapshot: str, data: str, demo: bool, web: str | None = None) -> None:
        args = [cli, "serve", "--snapshot", snapshot, "--data", data, "--port", "0", "--test-captcha"]
        if web:
            args += ["--web", web]
        self.proc = subprocess.Popen(args + (["--demo"] if demo else []), stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self.passwords: dict[str, str] = {}
        self.principals: dict[str, str] = {}  # user → role:code
        self.port = 0
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            m = re.match(r"\s+(\w+)\s+(\S+)\s+(\S+)$", line)
            if m:
                self.passwords[m.group(1)] = m.group(2)
                self.principals[m.group(1)] = m.group(3)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
            if m:
                self.port = int(m.group(1))
                break
        assert self.port, "the server did not start"

    def stop(self) -> None:
        self.proc.terminate()
        code = self.proc.wait(timeout=30)
        self.proc.stdout.close()
        assert code == 0


class Client:
    """A browser's share: a cookie jar and the CSRF token of the session."""

    def __init__(self, portal: Portal) -> None:
        self.base = f"http://127.0.0.1:{portal.port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def call(self, path: str, body=None, *, csrf: bool = True, headers=None, raw: bytes | None = None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, headers=dict(headers or {}))
        if body is not None:
            req.add_header("Content-Type", "application/json")
        if csrf and self.csrf:
            req.add_header("X-CSRF-Token", self.csrf)
        try:
            with self.opener.open(req, timeout=60) as res:
                return res.status, res.read(), res.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read(), e.headers

    def json(self, path: str, body=None, **kw):
        status, content, _ = self.call(path, body, **kw)
        return status, json.loads(content)

    def login(self, user: str, password: str):
        _, captcha = self.json("/api/captcha")
        status, answer = self.json("/api/login", {"username": user, "password": password, "captcha_id": captcha["id"],
                                                  "captcha": captcha["answer"]})
        if status == 200:
            self.csrf = answer["csrf"]
        return status, answer
