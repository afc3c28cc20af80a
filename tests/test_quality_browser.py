"""quality.html in a real browser: headless Chromium (Debian's, driven by Playwright) opens
the page `guardrails report` wrote, with every request that would leave the file refused
and recorded, and reads the numbers a person would see."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import sync_playwright
from test_quality_report import shop

from conftest import ON_CI, Project


def chromium() -> str:
    """Debian's Chromium (`.ci/run` installs it): Playwright cannot download its own here."""
    found = shutil.which("chromium")
    if found is None:
        if ON_CI:
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def test_the_page_shows_checks_numbers_and_loads_nothing(project: Project) -> None:
    executable = chromium()
    shop(project)
    data = project.run("check", "--output-format", "json").json()
    project.write(
        "history/20260101T000000Z-aaa.json", project.run("check", "--output-format", "json").out
    )
    run = project.run("report", "--out", "out", "--history", "history")
    assert run.code == 0, run.err
    page_path = project.root / "out" / "quality.html"

    left: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            page = browser.new_page()

            def refuse(route, request) -> None:  # anything not the file itself
                if request.url.startswith("file://"):
                    route.continue_()
                else:
                    left.append(request.url)
                    route.abort()

            page.route("**/*", refuse)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_path.as_uri())

            for chart in (
                "#heatmap",
                "#layer-heatmap",
                "#package-chart",
                "#rule-chart",
                "#trend-chart",
            ):
                assert page.locator(chart).is_visible(), chart
            assert page.locator("#heatmap rect").count() > 0
            summary = data["summary"]
            assert page.locator("#total").inner_text() == str(summary["total"])
            shown_rules = {
                row.get_attribute("data-rule"): int(row.locator("td.count").inner_text())
                for row in page.locator("#rules tr[data-rule]").all()
            }
            assert shown_rules == summary["by_rule"]
            shown_categories = {
                row.get_attribute("data-category"): int(row.locator("td.count").inner_text())
                for row in page.locator("#categories tr[data-category]").all()
            }
            assert shown_categories == summary["by_category"]
            shown_packages = {
                row.get_attribute("data-package"): int(row.locator("td.findings").inner_text())
                for row in page.locator("#packages tr[data-package]").all()
            }
            expected: dict[str, int] = {}
            for v in data["violations"]:
                expected[v["path"].split("/")[0]] = expected.get(v["path"].split("/")[0], 0) + 1
            assert shown_packages == expected
            # each heat-map cell says its count, and the cells add up to the total
            cells = page.locator("#heatmap g.cell").all()
            assert sum(int(c.get_attribute("data-count") or 0) for c in cells) == summary["total"]
            assert page.locator("#trend-chart g.point").count() == 2
        finally:
            browser.close()
    assert left == [], f"the page tried to load {left}"
    # the page's Content-Security-Policy blocks a load before it is a request; Chromium
    # then logs the violation as a console error, so this catches those loads too
    assert errors == []
