"""`cxjf serve` over HTTP on a loopback port (docs/serve.md): the public
aggregates without names, logins behind the captcha and the throttle,
sessions and CSRF, queries for the session's principal checked against the
snapshot's own frame, estimation records that survive a restart and stay
their owner's."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.parse
import uuid

import openpyxl

import pytest

import cxjf
from portal_server import Client, Portal, snapshot_file


@pytest.fixture(scope="module")
def served(tmp_path_factory, cli):
    work = tmp_path_factory.mktemp("serve")
    _, snapshot, path = snapshot_file(work, 3000, seed=3)
    portal = Portal(cli, path, str(work / "data"), demo=True)
    yield portal, snapshot, path, work
    portal.stop()


def test_health_and_public_aggregates_name_no_enterprise(served):
    portal, snapshot, _, _ = served
    c = Client(portal)
    status, health = c.json("/api/health")
    assert status == 200 and health["enterprises"] == len(snapshot)
    status, content, _ = c.call("/api/public")
    assert status == 200
    text = content.decode()
    frame = snapshot.to_frame()
    assert json.loads(text)["total"] == len(snapshot)
    assert not any(name in text for name in frame["name"]), "the public page names no enterprise"
    assert not any(code in text for code in frame["credit_code"])


def test_login_needs_the_captcha_and_the_right_password(served):
    portal, _, _, _ = served
    c = Client(portal)
    _, captcha = c.json("/api/captcha")
    assert captcha["svg"].startswith("<svg")
    status, answer = c.json("/api/login", {"username": "city", "password": portal.passwords["city"],
                                           "captcha_id": captcha["id"], "captcha": "-1"})
    assert status == 400 and answer["error"]["code"] == "captcha"
    status, _ = c.login("city", "not the password")
    assert status == 401
    _, cap = c.json("/api/captcha")
    status, _, headers = c.call("/api/login", {"username": "city", "password": portal.passwords["city"],
                                               "captcha_id": cap["id"], "captcha": cap["answer"]})
    assert status == 200
    set_cookie = headers.get("Set-Cookie")
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie and "Secure" not in set_cookie
    status, me = c.json("/api/me")
    assert status == 200 and me["principal"]["role"] == "city"
    # a captcha answers once
    status, answer = c.json("/api/login", {"username": "city", "password": portal.passwords["city"],
                                           "captcha_id": cap["id"], "captcha": cap["answer"]})
    assert status == 400 and answer["error"]["code"] == "captcha"


def test_queries_run_for_the_session_and_need_its_csrf_token(served):
    portal, snapshot, _, _ = served
    frame = snapshot.to_frame()
    c = Client(portal)
    c.login("province", portal.passwords["province"])
    _, me = c.json("/api/me")
    province = int(me["principal"]["code"])
    # the province's list: its enterprises at or above 70, counted here from the snapshot's frame
    want = int(((frame["region_code"] // 10000 == province // 10000) & (frame["score"] >= 70)).sum())
    status, answer = c.json("/api/query", {"kind": "list", "list": {"page_size": 5}})
    assert status == 200 and answer["list"]["total"] == want
    # filtered by industry C, as a click on the ring chart asks
    # industry C (制造业), the third of GB/T 4754's sections A..T
    industry = snapshot.table.to_frame()["industry"].astype(str).to_numpy()[frame["row"].to_numpy()]
    want_c = int(((frame["region_code"] // 10000 == province // 10000) & (frame["score"] >= 70)
                  & (industry == cxjf.table.INDUSTRIES[2])).sum())
    assert 0 < want_c < want
    status, answer = c.json("/api/query", {"kind": "list", "filters": {"industries": ["C"]}})
    assert status == 200 and answer["list"]["total"] == want_c
    status, answer = c.json("/api/query", {"kind": "list"}, csrf=False)
    assert status == 403 and answer["error"]["code"] == "csrf"
    status, answer = c.json("/api/query", {"kind": "list", "principal": {"role": "torch_center"}})
    assert status == 400 and "/principal" in answer["error"]["message"]
    # no session: the public, who has no list
    status, answer = Client(portal).json("/api/query", {"kind": "list"})
    assert status == 403


def test_exports_are_downloads_of_the_whole_list(served):
    portal, snapshot, _, _ = served
    frame = snapshot.to_frame()
    industry = snapshot.table.to_frame()["industry"].astype(str).to_numpy()[frame["row"].to_numpy()]
    c = Client(portal)
    c.login("province", portal.passwords["province"])
    province = int(c.json("/api/me")[1]["principal"]["code"])
    mine = frame[(frame["region_code"] // 10000 == province // 10000) & (frame["score"] >= 70)
                 & (industry == cxjf.table.INDUSTRIES[2])]
    filters = urllib.parse.quote(json.dumps({"industries": ["C"]}))
    status, content, headers = c.call(f"/api/export?format=csv&filters={filters}")
    assert status == 200 and headers["Content-Disposition"] == 'attachment; filename="enterprises.csv"'
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert int(headers["X-Rows"]) == len(rows) == len(mine) > 0
    assert {r["credit_code"] for r in rows} == set(mine["credit_code"])
    status, content, headers = c.call(f"/api/export?format=xlsx&filters={filters}")
    assert status == 200 and content[:2] == b"PK"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row - 1 == len(mine)
    # refused: an unknown parameter, an unknown format, no session, a role without export
    assert c.call("/api/export?colour=red")[0] == 400
    status, answer = c.json("/api/export?format=pdf")
    assert status == 400 and "/format" in answer["error"]["message"]
    assert Client(portal).call("/api/export")[0] == 401
    e = Client(portal)
    e.login("enterprise", portal.passwords["enterprise"])
    assert e.call("/api/export")[0] == 403


def test_a_county_sees_only_its_county(served):
    portal, snapshot, _, _ = served
    c = Client(portal)
    c.login("county", portal.passwords["county"])
    _, me = c.json("/api/me")
    county = me["principal"]["code"]
    page, seen = 1, 0
    while True:
        status, answer = c.json("/api/query", {"kind": "list", "list": {"page": page, "page_size": 50}})
        assert status == 200
        items = answer["list"]["items"]
        assert all(item["region"] == county for item in items)
        seen += len(items)
        if seen >= answer["list"]["total"] or not items:
            break
        page += 1
    other = snapshot.to_frame()
    other = other[(other["region_code"].astype(str) != county)]
    code = other["credit_code"].iloc[0]
    status, answer = c.json("/api/query", {"kind": "detail", "credit_code": code})
    assert status == 404  # as if absent


def test_estimates_are_kept_across_a_restart_and_stay_their_owners(served, cli):
    portal, snapshot, path, work = served
    c = Client(portal)
    c.login("zone", portal.passwords["zone"])
    upload = cxjf.generate(40, seed=11).to_csv()  # bytes
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + upload + f"\r\n--{boundary}--\r\n".encode()
    status, content, _ = c.call("/api/estimate", raw=body,
                                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200, content
    record = json.loads(content)
    assert record["counts"]["rows_read"] == 40
    # without the CSRF token, refused
    c_no = Client(portal)
    c_no.login("zone", portal.passwords["zone"])
    c_no.csrf = ""
    status, _, _ = c_no.call("/api/estimate", raw=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status in (401, 403)

    restarted = Portal(cli, path, str(work / "data"), demo=False)
    try:
        again = Client(restarted)
        assert again.login("zone", portal.passwords["zone"])[0] == 200
        status, listed = again.json("/api/records")
        assert status == 200 and record["id"] in [r["id"] for r in listed["records"]]
        status, results, _ = again.call(f"/api/records/{record['id']}/results.csv")
        assert status == 200 and results.decode("utf-8-sig").count("\n") == record["counts"]["scored"] + 1
        stranger = Client(restarted)
        stranger.login("city", portal.passwords["city"])
        assert record["id"] not in [r["id"] for r in stranger.json("/api/records")[1]["records"]]
        assert stranger.call(f"/api/records/{record['id']}")[0] == 404
    finally:
        restarted.stop()


def test_wrong_passwords_are_slowed_down(served):
    portal, _, _, _ = served
    c = Client(portal)
    statuses = [c.login("incubator", "wrong")[0] for _ in range(5)]
    assert statuses == [401] * 5
    _, captcha = c.json("/api/captcha")
    status, content, headers = c.call("/api/login", {"username": "incubator", "password": portal.passwords["incubator"],
                                                     "captcha_id": captcha["id"], "captcha": captcha["answer"]})
    assert status == 429 and int(headers["Retry-After"]) >= 1  # even the right password waits
    # a login that is not JSON (a cross-site form) is refused
    status, _, _ = c.call("/api/login", raw=b"username=a&password=b",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 415


def test_hostile_bodies_are_refused_not_crashed_on(served):
    portal, _, _, _ = served
    c = Client(portal)
    deep = b'{"kind": "overview", "filters": ' + b"[" * 200000 + b"]" * 200000 + b"}"
    status, content, _ = c.call("/api/query", raw=deep, headers={"Content-Type": "application/json"})
    assert status == 400 and b"32 levels" in content
    status, answer = c.json("/api/no-such-thing")
    assert status == 404 and answer["error"]["code"] == "not_found"
    assert c.json("/api/health")[0] == 200  # still serving


def test_at_most_two_workbooks_are_made_at_once(tmp_path, cli):
    """A workbook export is made whole in memory: three asked at once, one
    is refused (503, Retry-After) while the other two are made; then the
    slots are free again."""
    _, snapshot, path = snapshot_file(tmp_path, 60000, seed=8)
    portal = Portal(cli, path, str(tmp_path / "data"), demo=True)
    try:
        clients = [Client(portal) for _ in range(3)]
        for c in clients:
            c.login("torch", portal.passwords["torch"])
        answers = [None] * 3

        def export(i):
            answers[i] = clients[i].call("/api/export?format=xlsx")

        threads = [threading.Thread(target=export, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(a[0] for a in answers)
        assert statuses == [200, 200, 503], statuses
        refused = next(a for a in answers if a[0] == 503)
        assert int(refused[2]["Retry-After"]) > 0 and json.loads(refused[1])["error"]["code"] == "busy"
        made = next(a for a in answers if a[0] == 200)
        assert openpyxl.load_workbook(io.BytesIO(made[1]), read_only=True).active.max_row == len(snapshot) + 1
        status, _, _ = clients[0].call("/api/export?format=xlsx")
        assert status == 200  # the slots were given back
    finally:
        portal.stop()
