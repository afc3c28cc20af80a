"""`guardrails report`: quality.html and QUALITY.md, run as users run it (the real CLI in
a subprocess), their numbers held against `guardrails check --output-format json`."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest

from conftest import Project

SHOP = {
    "pyproject.toml": '[tool.guardrails.rules.ARC001]\nlayers = ["shop.core", "shop.web"]\n',
    "shop/__init__.py": "",
    "shop/core/__init__.py": "",
    "shop/web/__init__.py": "",
    # ARC001 (core imports the higher web layer) and SEC003
    "shop/core/models.py": (
        "import pickle\n\nfrom shop.web.views import render\n\n\n"
        "def load(data: bytes) -> object:\n    render('ls')\n    return pickle.loads(data)\n"
    ),
    "shop/web/views.py": (
        "import subprocess\n\n\ndef render(cmd: str) -> None:\n"
        "    subprocess.run(cmd, shell=True, check=True)\n"
    ),
    # one expired suppression (its REL001 comes back, with GR006), one still valid
    "tools/job.py": (
        "import pickle\n\nimport requests\n\n\ndef fetch(url: str) -> bytes:\n"
        "    return requests.get(url).content  # guardrails: ignore[REL001] until=2020-01-01 "
        "legacy client\n\n\ndef parse(data: bytes) -> object:\n"
        "    return pickle.loads(data)  # guardrails: ignore[SEC003] until=2999-01-01 trusted\n"
    ),
}


def shop(project: Project) -> Project:
    for path, text in SHOP.items():
        project.write(path, text)
    return project


class Page(HTMLParser):
    """The numbers quality.html shows: elements by id, rows and cells by data attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.cells: dict[tuple[str, str, str], int] = {}  # (map id, row, column) -> count
        self.rules: dict[str, int] = {}
        self.categories: dict[str, int] = {}
        self.packages: dict[str, int] = {}
        self.trend: list[str] = []
        self.expired: int = 0
        self._stack: list[tuple[str, dict[str, str]]] = []
        self._map = ""
        self._row: dict[str, str] = {}
        self._capture: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "svg":
            self._map = a.get("id", "")
        if tag == "g" and "data-count" in a:
            self.cells[(self._map, a["data-row"], a["data-column"])] = int(a["data-count"])
        if tag == "tr":
            self._row = a
            if "data-label" in a:
                self.trend.append(a["data-label"])
        if tag == "span" and a.get("class") == "expired":
            self.expired += 1
        cls = a.get("class", "")
        if tag == "td" and "count" in cls.split() and "data-rule" in self._row:
            self._capture = f"rule:{self._row['data-rule']}"
        elif tag == "td" and "count" in cls.split() and "data-category" in self._row:
            self._capture = f"category:{self._row['data-category']}"
        elif tag == "td" and "findings" in cls.split() and "data-package" in self._row:
            self._capture = f"package:{self._row['data-package']}"
        elif "id" in a:
            self._capture = f"id:{a['id']}"

    def handle_data(self, data: str) -> None:
        if self._capture is None:
            return
        kind, _, name = self._capture.partition(":")
        if kind == "rule":
            self.rules[name] = int(data)
        elif kind == "category":
            self.categories[name] = int(data)
        elif kind == "package":
            self.packages[name] = int(data)
        else:
            self.ids.setdefault(name, data)
        self._capture = None


def report(project: Project, *args: str, out: str = "out") -> tuple[Page, str]:
    run = project.run("report", "--out", out, *args)
    assert run.code == 0, run.err
    folder = project.root / out
    return (
        Page((folder / "quality.html").read_text(encoding="utf-8")),
        (folder / "QUALITY.md").read_text(encoding="utf-8"),
    )


def check_json(project: Project) -> dict:
    run = project.run("check", "--output-format", "json")
    assert run.code == 1, run.err
    return run.json()


def test_the_page_shows_what_check_json_says(project: Project) -> None:
    """Totals, per-rule, per-category and per-package counts are those of `check --output-format
    json`; the report exits 0 although the check fails (it is a report, not a gate)."""
    shop(project)
    data = check_json(project)
    summary = data["summary"]
    page, markdown = report(project)
    assert int(page.ids["total"]) == summary["total"] == 5
    assert page.rules == summary["by_rule"]
    by_category: dict[str, int] = {}
    for (svg, row, _), count in page.cells.items():
        if svg == "heatmap":
            by_category[row] = by_category.get(row, 0) + count
    assert by_category == page.categories == summary["by_category"]
    assert "| security | 2 |" in markdown.split("## Findings by category\n")[1]
    by_package: dict[str, int] = {}
    for v in data["violations"]:
        package = v["path"].split("/")[0]
        by_package[package] = by_package.get(package, 0) + 1
    assert page.packages == by_package == {"shop": 3, "tools": 2}
    assert page.cells[("heatmap", "security", "shop")] == 2
    # ARC001's layers: the upward import is in shop.core, the subprocess call in shop.web
    assert page.cells[("layer-heatmap", "architecture", "shop.core")] == 1
    assert page.cells[("layer-heatmap", "security", "shop.web")] == 1
    assert page.cells[("layer-heatmap", "reliability", "(no layer)")] == 1
    # the score: 1000 * (5 * errors + 2 * warnings) / lines; shop has 13 lines
    assert "| shop | 692.31 | 3 | 1 | 2 | 0 | 5 | 13 |" in markdown
    assert "1000 * (5 * errors + 2 * warnings + 1 * info) / lines" in page.ids["formula"] + (
        markdown
    )
    assert "- Findings: **5** (error 2, warning 3, info 0)" in markdown
    # suppressions with their dates, the expired one marked
    assert "| tools/job.py:7 | REL001 | 2020-01-01 **expired** | legacy client |" in markdown
    assert "| tools/job.py:11 | SEC003 | 2999-01-01 | trusted |" in markdown
    assert page.expired == 1
    assert sorted(os.listdir(project.root / "out")) == ["QUALITY.md", "quality.html"]


def test_a_stored_result_gives_the_same_report_and_history_out_is_check_json(
    project: Project,
) -> None:
    """`--results` (e.g. a merged sharded run) builds the same report without checking;
    `--history-out` stores exactly what `check --output-format json` prints."""
    shop(project)
    raw = project.run("check", "--output-format", "json").out
    project.write("result.json", raw)
    _, fresh = report(project, "--history-out", "history/20260101T000000Z-abc.json")
    assert (project.root / "history/20260101T000000Z-abc.json").read_text() == raw
    _, stored = report(project, "--results", "result.json", out="stored")
    assert stored == fresh


def test_the_trend_follows_file_names_not_times(project: Project) -> None:
    """History files are ordered by name (`<UTC timestamp>-<commit>.json`), whatever their
    modification times say; this run comes last; files other than *.json are ignored."""
    shop(project)
    many = project.run("check", "--output-format", "json").out
    project.write("shop/core/models.py", "X = 1\n")
    fewer = project.run("check", "--output-format", "json").out
    older = project.write("history/20260101T000000Z-aaa.json", many)
    newer = project.write("history/20260301T000000Z-bbb.json", fewer)
    project.write("history/README", "not a result")
    os.utime(older, (2_000_000_000, 2_000_000_000))  # the older result touched last
    os.utime(newer, (1_000_000_000, 1_000_000_000))
    page, markdown = report(project, "--history", "history")
    assert page.trend == ["20260101T000000Z-aaa", "20260301T000000Z-bbb", "this run"]
    totals = [json.loads(many)["summary"]["total"], json.loads(fewer)["summary"]["total"]]
    assert totals[0] > totals[1]
    assert f"| 20260101T000000Z-aaa | {totals[0]} |" in markdown
    assert markdown.index("20260101T000000Z-aaa") < markdown.index("20260301T000000Z-bbb")


def test_the_baseline_size_is_its_entries(project: Project) -> None:
    shop(project)
    written = project.run("baseline", "--out", "guardrails-baseline.json")
    assert written.code == 0, written.err
    entries = len(json.loads((project.root / "guardrails-baseline.json").read_text())["findings"])
    project.write(
        "pyproject.toml",
        SHOP["pyproject.toml"] + '[tool.guardrails]\nbaseline = "guardrails-baseline.json"\n',
    )
    page, markdown = report(project)
    assert page.ids["baseline"] == "guardrails-baseline.json"  # the page's <code> of the path
    assert f"guardrails-baseline.json: {entries} entries; this run {entries} hidden" in markdown
    after = project.run("check", "--output-format", "json").json()["summary"]
    assert int(page.ids["total"]) == after["total"]  # GR006 is never baselined
    assert after["baseline"]["hidden"] == entries


NOT_OURS = '{"not": "ours"}'
SHARD = {
    "version": "1",
    "violations": [],
    "summary": {"files": 1, "total": 0, "by_rule": {}, "by_category": {}, "by_severity": {}},
    "shard": {"index": 1, "count": 2, "run": "0" * 16},
}


@pytest.mark.parametrize(
    ("setup", "args", "says"),
    [
        (("history/1.json", NOT_OURS), ["--history", "history"], "history/1.json"),
        (("history/1.json", "[1, 2"), ["--history", "history"], "not guardrails JSON"),
        (("history", "a file"), ["--history", "history"], "--history history is not a folder"),
        (None, ["--results", "missing.json"], "missing.json: no such file"),
        (("out", "a file"), [], "is not a folder"),
        (("shard.json", json.dumps(SHARD)), ["--results", "shard.json"], "guardrails merge"),
    ],
    ids=[
        "history-not-ours",
        "history-not-json",
        "history-a-file",
        "results-missing",
        "out-is-a-file",
        "a-shard",
    ],
)
def test_bad_input_is_one_line_and_exit_2(project: Project, setup, args, says) -> None:
    shop(project)
    if setup is not None:
        project.write(*setup)
    run = project.run("report", "--out", "out", *args)
    assert run.code == 2
    assert run.err.startswith("guardrails: error: ") and run.err.count("\n") == 1, run.err
    assert says in run.err
    assert "Traceback" not in run.err
    if (project.root / "out").is_dir():
        assert not os.listdir(project.root / "out")  # refused before anything was written


def test_hostile_names_and_messages_stay_text(project: Project) -> None:
    """A folder, file name and suppression reason holding markup, a table bar and a newline
    are escaped: no element is injected into the page, no row or line into the Markdown."""
    evil = "<script>alert(1)</script>|x"
    project.write(f"{evil}/__init__.py", "")
    project.write(
        f"{evil}/bad\nname.py",
        "import pickle\n\n\ndef f(data: bytes) -> object:\n"
        "    return pickle.loads(data)  # guardrails: ignore[SEC003] until=2000-01-01 "
        "<img src=x onerror=alert(2)> | pipe\n",
    )
    data = check_json(project)
    assert data["summary"]["total"] == 2  # SEC003 again, and GR006 quoting the reason
    report(project)
    html_text = (project.root / "out/quality.html").read_text()
    markdown = (project.root / "out/QUALITY.md").read_text()
    assert "<script" not in html_text and "<img" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;|x" in html_text
    assert "onerror=alert(2)&gt;" in html_text
    for line in markdown.splitlines():  # markup only where the report puts it
        if set(line) <= set("|-"):  # a table's header rule
            continue
        cells = line[2:-2].split(" | ") if line.startswith("| ") else [line]
        assert not any(re.search(r"(?<!\\)[<>|]", cell) for cell in cells), line
    assert "\\<script\\>alert(1)\\</script\\>\\|x" in markdown
    # the newline shown as \n (`printable`), its backslash escaped for Markdown
    assert "bad\\\\nname.py" in markdown and "bad\nname" not in markdown


def test_out_is_created_and_holds_only_the_two_pages(project: Project) -> None:
    project.write("app.py", "X = 1\n")
    project.write("deep/out/keep.txt", "mine")
    page, markdown = report(project, out="deep/out")
    assert sorted(os.listdir(project.root / "deep/out")) == [
        "QUALITY.md",
        "keep.txt",
        "quality.html",
    ]
    assert int(page.ids["total"]) == 0
    assert "No findings." in markdown
    fresh = project.root / "new" / "folder"
    report(project, out="new/folder")
    assert sorted(os.listdir(fresh)) == ["QUALITY.md", "quality.html"]


def test_the_page_loads_nothing_from_anywhere(project: Project) -> None:
    """Self-contained: no script, no external stylesheet, font or image; a CSP forbids them."""
    shop(project)
    report(project)
    text = (project.root / "out/quality.html").read_text()
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert "url(" not in text and "src=" not in text
    assert "default-src 'none'" in text
