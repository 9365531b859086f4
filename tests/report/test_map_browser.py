"""The HTML map in a real headless Chromium (Debian's ``chromium`` driven by Playwright): the
matrix is drawn, the filters hide what they should, and the page fetches nothing.

Skipped, with the reason, where either is missing; tests/report/test_map.py parses the same page
without a browser, and is the proof CI always runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium)")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "order_service"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page(run_cli, tmp_path):
    report = tmp_path / "map.html"
    assert run_cli("map", ".", "--format", "html", "-o", str(report), cwd=EXAMPLE).code == 0
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            tab = browser.new_page()
            requests = []
            tab.on("request", lambda request: requests.append(request.url))
            tab.goto(report.as_uri())
            tab.requests = requests
            yield tab
        finally:
            browser.close()


def visible_codes(tab):
    return tab.eval_on_selector_all("section.findings li", "els => els.filter(e => e.offsetParent !== null)"
                                    ".map(e => e.dataset.code)")


def test_the_browser_shows_the_matrix_and_fetches_nothing(page, run_cli):
    assert page.requests == [page.url]
    assert page.inner_text("#cell-order_service-algo_engine").split("\n") == [
        "5 reads (BND100)", "4 writes (BND101)", "3 FKs (BND102)"]
    assert page.locator("svg g.edge.new").count() == 4 and page.locator("svg g.edge.granted").count() == 1
    findings = run_cli("check", "--format", "json", ".", cwd=EXAMPLE).json["findings"]
    assert sorted(visible_codes(page)) == sorted(f["code"] for f in findings)


def test_the_code_filter_keeps_only_that_code(page, run_cli):
    page.select_option("#filter-code", "BND101")
    findings = run_cli("check", "--format", "json", ".", cwd=EXAMPLE).json["findings"]
    assert visible_codes(page) == [f["code"] for f in findings if f["code"] == "BND101"]
    assert page.inner_text("#cell-order_service-algo_engine") == "4 writes (BND101)"
    page.locator("#cell-order_service-user_service a:visible").click()  # the BND100 link is hidden
    assert page.url.endswith("#findings-order_service-user_service")
    page.select_option("#filter-code", "")
    page.select_option("#filter-service", "order_service")
    assert len(visible_codes(page)) == len(findings)
