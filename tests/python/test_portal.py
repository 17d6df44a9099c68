"""The reference portal's page (web/) in a real browser: Debian's Chromium,
headless, driven by Selenium through Debian's chromedriver, against `cxjf
serve --web` started on a loopback port. What the page shows is checked
against the snapshot's own frame, counted here with pandas. A screenshot of
each screen goes to $CXJF_SCREENSHOTS (make test: build/screenshots)."""

from __future__ import annotations

import base64
import io
import os
import re
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import cxjf
from portal_server import Portal, snapshot_file

CHROMIUM = os.environ.get("CXJF_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CXJF_CHROMEDRIVER", "/usr/bin/chromedriver")
WEB = Path(__file__).resolve().parents[2] / "web"

if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists() and (WEB / "node_modules" / "echarts").exists()):
    # make test installs them (scripts/setup.sh, make web) and says so: there
    # the tests must run.
    if os.environ.get("CXJF_REQUIRE_BROWSER"):
        raise RuntimeError("the portal's browser tests need chromium, chromium-driver and web/node_modules (make web)")
    pytest.skip("no Chromium, chromedriver or web/node_modules here (make test installs them)", allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CODE = re.compile(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b")


@pytest.fixture(scope="module")
def site(tmp_path_factory, cli):
    work = tmp_path_factory.mktemp("portal")
    table, snapshot, path = snapshot_file(work, 6000, seed=5)
    portal = Portal(cli, path, str(work / "data"), demo=True, web=str(WEB))
    # A restart prints no passwords: the first start's are kept here.
    state = {"portal": portal, "passwords": portal.passwords, "principals": portal.principals}
    yield state, snapshot, path, work, table
    state["portal"].stop()


@pytest.fixture(scope="module")
def frame(site):
    """The registered enterprises: the snapshot's scores with the input's
    technology fields (a list each)."""
    scores = site[1].to_frame()
    facts = site[4].to_frame()[["credit_code", "tech_fields"]]
    f = scores.merge(facts, on="credit_code", how="left", validate="one_to_one")
    f["tech_fields"] = f["tech_fields"].fillna("").map(lambda text: [x for x in text.split(";") if x])
    f["region"] = f["region_code"].astype(str)
    f["shown"] = f["score"].map(lambda v: f"{v:.2f}")
    return f


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("CXJF_SCREENSHOTS") or Path(tempfile.gettempdir()) / "cxjf-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browser:
    """One headless Chromium with the flags this machine's closed network
    needs (no background connections), a fresh profile, a fixed size."""

    def __init__(self, base: str, profile: Path) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=zh-CN",
                     f"--user-data-dir={profile}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.base = base

    def open(self, hash_path: str) -> None:
        # Another hash on the same page does not reload it: the old view's
        # mark goes first, so that ready() waits for the new one.
        self.driver.execute_script("document.getElementById('main')?.removeAttribute('data-ready')")
        self.driver.get(f"{self.base}/#{hash_path}")
        self.ready()

    def ready(self, since: str | None = None) -> None:
        """Waits until the view has drawn (and, with `since`, redrawn)."""
        def drawn(d):
            main = d.find_element(By.ID, "main")
            return main.get_attribute("data-ready") == "true" and (since is None or main.get_attribute("data-loaded") != since)
        WebDriverWait(self.driver, 30).until(drawn)

    def loaded(self) -> str:
        return self.driver.find_element(By.ID, "main").get_attribute("data-loaded") or ""

    def wait_for(self, css: str, timeout: float = 30):
        return WebDriverWait(self.driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css))

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def captcha(self) -> str:
        """Reads the sum drawn in the captcha image, as a person would."""
        src = self.wait_for("img.captcha").get_attribute("src")
        svg = urllib.parse.unquote(src.split(",", 1)[1])
        expression = "".join(re.findall(r">([^<])</text>", svg))
        a, b = re.match(r"(\d+)\+(\d+)=\?", expression).groups()
        return str(int(a) + int(b))

    def login(self, user: str, password: str) -> str:
        self.open("/login")
        WebDriverWait(self.driver, 30).until(lambda d: d.find_element(By.CSS_SELECTOR, "img.captcha").get_attribute("src"))
        self.driver.find_element(By.NAME, "username").send_keys(user)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        self.driver.find_element(By.NAME, "captcha").send_keys(self.captcha())
        self.driver.find_element(By.CSS_SELECTOR, "form.login button").click()
        # Either the next view or the form's message.
        WebDriverWait(self.driver, 30).until(
            lambda d: "#/login" not in d.current_url or d.find_element(By.CSS_SELECTOR, "form.login .error").is_displayed())
        if "#/login" in self.driver.current_url:
            return self.driver.find_element(By.CSS_SELECTOR, "form.login .error").text
        self.ready()
        return ""

    def click_ring(self, chart_css: str, label: str) -> None:
        """Clicks the middle of a ring chart's sector, where a user would."""
        chart = self.driver.find_element(By.CSS_SELECTOR, chart_css)
        x, y = self.driver.execute_script("""
            const chart = echarts.getInstanceByDom(arguments[0]);
            const data = chart.getModel().getSeriesByIndex(0).getData();
            const i = data.indexOfName(arguments[1]);
            const l = data.getItemLayout(i);
            const angle = (l.startAngle + l.endAngle) / 2, r = (l.r0 + l.r) / 2;
            return [l.cx + r * Math.cos(angle), l.cy + r * Math.sin(angle)];""", chart, label)
        size = chart.size  # offsets are from the element's centre
        ActionChains(self.driver).move_to_element_with_offset(chart, x - size["width"] / 2, y - size["height"] / 2).click().perform()

    def shot(self, folder: Path, name: str) -> None:
        self.driver.save_screenshot(str(folder / f"{name}.png"))

    def quit(self) -> None:
        self.driver.quit()


@pytest.fixture
def browser(site, tmp_path):
    b = Browser(f"http://127.0.0.1:{site[0]['portal'].port}", tmp_path / "profile")
    yield b
    b.quit()


def codes_in(text: str) -> set[str]:
    return set(CODE.findall(text))


def test_the_public_page_shows_aggregates_and_no_enterprise(site, frame, browser, shots):
    browser.open("/")
    assert browser.driver.find_element(By.ID, "total").text == f"{len(frame):,}"
    assert "企业创新积分制" in browser.text()
    # Neither in the document nor in what the charts draw on their canvases.
    html = browser.driver.page_source + browser.driver.execute_script(
        "return [...document.querySelectorAll('.chart')].map((el) => JSON.stringify(echarts.getInstanceByDom(el).getOption())).join('')")
    assert "广东省" in html  # the charts' options are there
    assert not codes_in(html)
    assert not any(name in html for name in frame["name"]), "the public page names no enterprise"
    browser.wait_for("#login-link")
    browser.shot(shots, "landing")


def test_a_province_filters_by_the_ring_drills_and_opens_a_detail(site, frame, browser, shots):
    state = site[0]
    assert browser.login("province", state["passwords"]["province"]) == ""
    assert "#/overview" in browser.driver.current_url
    province = state["principals"]["province"].split(":")[1]
    mine = frame[frame["region"].str[:2] == province[:2]]
    assert browser.driver.find_element(By.CSS_SELECTOR, "h1 small span").text == f"{len(mine):,}"

    # A click on 电子信息 in the ring: the charts count that field's
    # enterprises, the list those of them at 70 or more.
    before = browser.loaded()
    browser.click_ring("#main .card:nth-child(2) .chart", "电子信息")
    browser.ready(since=before)
    field = mine[mine["tech_fields"].map(lambda fields: "电子信息" in fields)]
    listed = field[field["score"] >= 70]
    assert browser.driver.find_element(By.CSS_SELECTOR, "h1 small span").text == f"{len(field):,}"
    assert browser.driver.find_element(By.ID, "list-count").text == f"{len(listed):,}"
    assert "技术领域：电子信息" in browser.driver.find_element(By.CSS_SELECTOR, ".chips").text
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    assert len(rows) == min(20, len(listed))
    shown = [r.find_elements(By.TAG_NAME, "td")[1].text for r in rows]
    expected = listed.sort_values(["score", "credit_code"], ascending=[False, True])["name"].head(20).tolist()
    assert shown[0] == expected[0]
    browser.shot(shots, "overview")

    # The ranking drills from the province to its largest city: its nodes
    # are then that city's counties, counted under the same filter.
    city_link = browser.driver.find_element(By.CSS_SELECTOR, "table.ranking a.drill")
    city, city_name = city_link.get_attribute("data-key"), city_link.text
    before = browser.loaded()
    city_link.click()
    browser.ready(since=before)
    assert city_name in browser.driver.find_element(By.CSS_SELECTOR, ".trail").text
    nodes = browser.driver.find_elements(By.CSS_SELECTOR, "table.ranking tbody tr")
    counts = sorted(int(n.find_elements(By.TAG_NAME, "td")[1].text.replace(",", "")) for n in nodes)
    in_city = field[field["region"].str[:4] == city[:4]]
    assert counts == sorted(in_city.groupby("region").size().tolist())
    browser.shot(shots, "ranking_city")

    # A county has no children: a click on it filters the charts and the
    # list to it.
    county_link = browser.driver.find_element(By.CSS_SELECTOR, "table.ranking a.leaf")
    county = county_link.get_attribute("data-key")
    before = browser.loaded()
    county_link.click()
    browser.ready(since=before)
    in_county = field[field["region"] == county]
    assert "地区：" in browser.driver.find_element(By.CSS_SELECTOR, ".chips").text
    assert browser.driver.find_element(By.CSS_SELECTOR, "h1 small span").text == f"{len(in_county):,}"
    assert browser.driver.find_element(By.ID, "list-count").text == f"{int((in_county['score'] >= 70).sum()):,}"
    before = browser.loaded()
    browser.driver.find_element(By.XPATH, "//button[contains(@class, 'chip') and starts-with(text(), '地区：')]").click()
    browser.ready(since=before)
    assert browser.driver.find_element(By.ID, "list-count").text == f"{len(listed):,}"

    # The first enterprise of the list: its detail with reasons, the path to
    # 70 and the ledger.
    link = browser.driver.find_element(By.CSS_SELECTOR, "table.list tbody tr td:nth-child(2) a")
    name = link.text
    code = link.get_attribute("href").rsplit("/", 1)[1]
    link.click()
    browser.wait_for("#reasons li")
    browser.ready()
    row = frame[frame["credit_code"] == code].iloc[0]
    assert row["name"] == name
    assert browser.driver.find_element(By.CSS_SELECTOR, "h1 .score").text == f"{row['shown']} 分"
    assert browser.driver.find_elements(By.CSS_SELECTOR, "#ledger tbody tr")
    assert browser.driver.find_element(By.CSS_SELECTOR, "#path").text.startswith("达到 70")
    browser.shot(shots, "detail")


def workbook_of(table: cxjf.Table) -> bytes:
    """The generated enterprises as a clerk's workbook: the CSV's columns in
    one sheet, every cell as text."""
    frame = pd.read_csv(io.BytesIO(table.to_csv()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for values in frame.itertuples(index=False):
        sheet.append(list(values))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_upload_is_estimated_and_its_record_survives_a_restart(site, cli, browser, shots, tmp_path):
    state, _, path, work, _ = site
    portal = state["portal"]
    passwords = state["passwords"]
    upload = tmp_path / "测算上传.xlsx"
    upload.write_bytes(workbook_of(cxjf.generate(25, seed=17)))
    assert browser.login("city", passwords["city"]) == ""
    browser.open("/estimate")
    assert browser.driver.find_element(By.CSS_SELECTOR, "a[href='/api/template.xlsx']")
    browser.driver.find_element(By.CSS_SELECTOR, "form.upload input[type=file]").send_keys(str(upload))
    browser.driver.find_element(By.CSS_SELECTOR, "form.upload button").click()
    done = browser.wait_for("p.ok").text
    assert "读入 25 行" in done
    browser.shot(shots, "estimate")

    # The server restarts on the same data directory; the session is gone,
    # the record is not.
    portal.stop()
    state["portal"] = portal = Portal(cli, path, str(work / "data"), demo=False, web=str(WEB))
    browser.base = f"http://127.0.0.1:{portal.port}"
    assert browser.login("city", passwords["city"]) == ""
    browser.open("/estimate")
    browser.wait_for("table tbody tr")
    row = browser.driver.find_element(By.CSS_SELECTOR, "table tbody tr")
    assert "测算上传.xlsx" in row.text
    row.find_element(By.LINK_TEXT, "详情").click()
    browser.wait_for("table.results")
    browser.ready()
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")) + \
        sum(1 for _ in browser.driver.find_elements(By.XPATH, "//h2[text()='未通过的行']/following-sibling::table//tbody/tr")) == 25
    browser.shot(shots, "estimate_record")


def test_a_county_never_sees_another_county(site, frame, browser, shots):
    state = site[0]
    county = state["principals"]["county"].split(":")[1]
    assert browser.login("county", state["passwords"]["county"]) == ""
    ours = set(frame.loc[frame["region"] == county, "credit_code"])
    others = frame[frame["region"] != county]
    seen = set()
    # The overview, each page of the list, the zone dimension, a detail.
    seen |= codes_in(browser.driver.page_source)
    while True:
        nxt = browser.driver.find_elements(By.XPATH, "//div[@class='pager']/button[text()='下一页']")
        if not nxt or not nxt[0].is_enabled():
            break
        before = browser.loaded()
        nxt[0].click()
        browser.ready(since=before)
        seen |= codes_in(browser.driver.page_source)
    before = browser.loaded()
    browser.driver.find_element(By.CSS_SELECTOR, "button.tab[data-dimension=zone]").click()
    browser.ready(since=before)
    seen |= codes_in(browser.driver.page_source)
    html = browser.driver.page_source
    foreign = set(others["name"]) - set(frame.loc[frame["region"] == county, "name"])
    assert not any(name in html for name in foreign)
    browser.shot(shots, "county")
    # Another county's enterprise, asked for by its address: as if absent.
    outsider = others.iloc[0]
    browser.open(f"/enterprise/{outsider['credit_code']}")
    assert "没有找到" in browser.text()
    assert outsider["name"] not in browser.driver.page_source
    # The exports the page offers (Excel and CSV), fetched by the browser
    # with its session: the county's list, every enterprise at 70 or more.
    browser.open("/overview")
    listed = set(frame.loc[(frame["region"] == county) & (frame["score"] >= 70), "credit_code"])
    for link in browser.driver.find_elements(By.CSS_SELECTOR, "a.button[download^=enterprises]"):
        encoded = browser.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then((r) => r.arrayBuffer()).then((b) => {
              let s = ''; new Uint8Array(b).forEach((x) => { s += String.fromCharCode(x); }); done(btoa(s)); });""",
                                                      link.get_attribute("href"))
        content = base64.b64decode(encoded)
        if link.get_attribute("download").endswith(".xlsx"):
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            exported = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
        else:
            exported = codes_in(content.decode("utf-8-sig"))
        assert exported == listed
    assert listed and seen <= ours and seen


def test_an_enterprise_sees_its_own_page_without_the_ledger(site, frame, browser, shots):
    state = site[0]
    code = state["principals"]["enterprise"].split(":")[1]
    assert browser.login("enterprise", state["passwords"]["enterprise"]) == ""
    browser.wait_for("#reasons")
    assert browser.driver.find_element(By.CSS_SELECTOR, "h1").text.startswith(frame.set_index("credit_code").loc[code, "name"])
    assert not browser.driver.find_elements(By.ID, "ledger")
    assert not browser.driver.find_elements(By.LINK_TEXT, "企业总览")
    browser.shot(shots, "enterprise")


def test_five_wrong_passwords_slow_the_login_down(site, browser, shots):
    """Wrong passwords typed into one login form: the first five are told
    so; then the form makes the user wait (each wait doubles, so however
    slowly the browser types, a few more attempts meet one)."""
    browser.open("/login")
    form = browser.driver.find_element(By.CSS_SELECTOR, "form.login")
    form.find_element(By.NAME, "username").send_keys("zone")
    messages = []
    for _ in range(12):
        captcha = browser.captcha()
        src = browser.driver.find_element(By.CSS_SELECTOR, "img.captcha").get_attribute("src")
        form.find_element(By.NAME, "password").send_keys("wrong-password")
        form.find_element(By.NAME, "captcha").send_keys(captcha)
        form.find_element(By.TAG_NAME, "button").click()
        # A failure shows its message and draws a new captcha.
        WebDriverWait(browser.driver, 30).until(
            lambda d: d.find_element(By.CSS_SELECTOR, "img.captcha").get_attribute("src") != src)
        messages.append(form.find_element(By.CSS_SELECTOR, ".error").text)
        if "登录失败次数过多" in messages[-1]:
            break
    assert all("用户名或密码错误" in m for m in messages[:5])
    assert len(messages) > 5 and "登录失败次数过多" in messages[-1] and "秒后再试" in messages[-1]
    browser.shot(shots, "login_throttled")


def test_only_the_page_is_served_with_its_headers(site):
    base = f"http://127.0.0.1:{site[0]['portal'].port}"

    def get(path):
        try:
            with urllib.request.urlopen(base + path, timeout=30) as res:
                return res.status, res.headers
        except urllib.error.HTTPError as e:
            return e.code, e.headers

    status, headers = get("/")
    assert status == 200 and headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    status, headers = get("/vendor/echarts/echarts.min.js")
    assert status == 200 and headers["Cache-Control"] == "max-age=3600"
    for path in ("/package.json", "/package-lock.json", "/.npmrc", "/node_modules/echarts/package.json",
                 "/../package.json", "/vendor/echarts/../package.json"):
        assert get(path)[0] in (400, 404), path
