"""No page wider than a phone: every page in pages.PAGES (nl and fr) and the HTML reports at 360 px.

A page that is wider than the screen makes the reader scroll sideways to read
every line; ``document.documentElement.scrollWidth`` says whether anything sticks
out. When it does, the failure names the elements that stick out (the outermost
ones: their children stick out because they do), which makes the fix quick.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, save_screenshot, settled
from tests.browser.pages import PAGES

WIDTH = 360

#: The elements that stick out beyond the viewport, as "tag.class#id: right edge": those
#: whose right edge lies beyond it, that no scroll container on their way up clips (a
#: positioned element escapes an unpositioned scroller), and whose containing block
#: does not itself stick out (its children stick out because it does).
WIDEST = """(width) => {
  const out = (e) => e.getBoundingClientRect().right + window.scrollX > width + 0.5;
  const container = (e) => {
    const position = getComputedStyle(e).position;
    if (position === "fixed") return null;
    let a = e.parentElement;
    if (position === "absolute") {
      while (a && a !== document.body && getComputedStyle(a).position === "static") {
        a = a.parentElement;
      }
    }
    return a && a !== document.body && a !== document.documentElement ? a : null;
  };
  const escapes = (e) => {
    for (let a = container(e); a; a = container(a)) {
      if (getComputedStyle(a).overflowX !== "visible") return false;
    }
    return true;
  };
  const found = [];
  for (const e of document.body.querySelectorAll("*")) {
    if (!out(e) || !escapes(e)) continue;
    const holder = container(e);
    if (holder && out(holder)) continue;
    const classes = typeof e.className === "string" && e.className.trim()
      ? "." + e.className.trim().split(/\\s+/).join(".") : "";
    const name = e.tagName.toLowerCase() + classes + (e.id ? "#" + e.id : "");
    found.push(`${name}: ${Math.round(e.getBoundingClientRect().right)} px`);
  }
  return found.slice(0, 8);
}"""


#: The charts (Vega's SVGs) whose drawing runs beyond their own box: the page fits, yet the
#: reader sees cut axis titles, labels or legends. As "chart id: drawn px > box px".
CUT_CHARTS = """() => [...document.querySelectorAll("svg.marks")].flatMap((svg) => {
  const drawn = svg.getBBox();
  const box = svg.width.baseVal.value;
  const holder = svg.closest("[id]");
  return drawn.x < -0.5 || drawn.x + drawn.width > box + 0.5
    ? [`${holder ? holder.id : "svg"}: ${Math.round(drawn.x + drawn.width)} > ${box}`] : [];
})"""


#: Tables that reflow on a phone (class "stack": a card per row) yet still scroll sideways.
SCROLLING_STACKS = """() => [...document.querySelectorAll("table.stack")]
  .filter((table) => table.parentElement.scrollWidth > table.parentElement.clientWidth + 1)
  .map((table) => table.querySelector("th").textContent.trim())"""


def overflow(page) -> str | None:
    """Why the page is wider than the screen or cuts a chart, or ``None`` when neither."""
    width = page.evaluate("document.documentElement.scrollWidth")
    cut = page.evaluate(CUT_CHARTS)
    stacks = page.evaluate(SCROLLING_STACKS)
    if width <= WIDTH and not cut and not stacks:
        return None
    return (
        f"{width} px wide; sticking out: {page.evaluate(WIDEST, WIDTH)}; charts cut: {cut}; "
        f"reflowing tables that scroll: {stacks}"
    )


def _phone(browser):
    return browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="nl-BE")


@pytest.mark.parametrize("role", list(dict.fromkeys(page.role for page in PAGES)))
def test_no_page_is_wider_than_a_phone(browser, demo_server, role):
    server, data = demo_server
    context = _phone(browser)
    page = context.new_page()
    if role:
        log_in(page, server.url, *data.accounts[role])
    too_wide = {}
    visited = []
    for entry in (p for p in PAGES if p.role == role):
        # each page in Dutch, and in French (longer words) where the path names Dutch
        for language in ("nl", "fr"):
            path = entry.path(data)
            if language != "nl":
                if "lang=nl" not in path:
                    continue
                path = path.replace("lang=nl", f"lang={language}")
            response = page.goto(server.url + path)
            settled(page)  # Vega charts have drawn
            assert response.status == entry.status, entry.name
            if language == "nl":  # the page as listed, in whatever language it names
                assert entry.expect in page.content(), entry.name
            else:
                assert page.locator("html").get_attribute("lang") == language, entry.name
            name = f"{entry.name}-{language}"
            visited.append(name)
            if (reason := overflow(page)) is not None:
                too_wide[name] = reason
                save_screenshot(page, f"too-wide-{name}")
    context.close()
    assert visited  # the role has pages
    assert too_wide == {}


@pytest.mark.parametrize("kind", ["impact", "diagnosis"])
def test_html_reports_fit_a_phone(browser, demo_server, kind):
    """The HTML report a coach downloads and opens on a phone reads without sideways scrolling."""
    server, data = demo_server
    context = _phone(browser)
    page = context.new_page()
    log_in(page, server.url, *data.accounts["coach"])
    url = f"{server.url}/coach/campaigns/{data.campaign_id}/report/{kind}.html?lang=nl"
    response = context.request.get(url, timeout=180_000)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/html")
    page.set_content(response.text(), wait_until="load")
    settled(page)
    assert "<table" in page.content()  # the report itself, not an error page
    save_screenshot(page, f"report-{kind}-{WIDTH}")
    assert overflow(page) is None
    context.close()


#: Each dashboard chart's drawn width and the width of the page's column, in px.
CHART_WIDTHS = """() => [...document.querySelectorAll(".chart")].map((chart) => [
  chart.querySelector("svg").width.baseVal.value, chart.parentElement.clientWidth])"""

#: The pages a reader looks at most, seen by a coach: name and path.
LOOKED_AT = {
    "dashboard": lambda d: f"/dashboard/{d.organisation_slug}",
    "coach-campaign": lambda d: f"/coach/campaigns/{d.campaign_id}",
    "coach-wave": lambda d: f"/coach/waves/{d.wave_id}",
}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_main_pages_fit_phone_and_desktop_in_each_language(browser, demo_server, language):
    """French words are longer: the main pages and the impact report fit at 360 and 1280 px.

    The screenshots (test-artifacts/screenshots/look-*.png) are for a person to look at.
    """
    server, data = demo_server
    too_wide = {}
    for width in (WIDTH, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, server.url, *data.accounts["coach"])
        for name, path in LOOKED_AT.items():
            page.goto(f"{server.url}{path(data)}?lang={language}")
            settled(page)
            assert page.locator("html").get_attribute("lang") == language
            save_screenshot(page, f"look-{name}-{language}-{width}")
            if page.evaluate("document.documentElement.scrollWidth") > width:
                too_wide[f"{name}-{width}"] = page.evaluate(WIDEST, width)
            if name == "dashboard":  # every chart as wide as the page's column, at any width
                sizes = page.evaluate(CHART_WIDTHS)
                assert len(sizes) == 4, sizes
                assert all(abs(drawn - column) <= 1 for drawn, column in sizes), (width, sizes)
                assert all(column > 500 for _, column in sizes) == (width > 500), (width, sizes)
        url = f"{server.url}/coach/campaigns/{data.campaign_id}/report/impact.html?lang={language}"
        report = context.request.get(url, timeout=180_000)
        page.set_content(report.text(), wait_until="load")
        settled(page)
        assert page.locator("html").get_attribute("lang") == language
        save_screenshot(page, f"look-report-impact-{language}-{width}")
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide[f"report-impact-{width}"] = page.evaluate(WIDEST, width)
        context.close()
    assert too_wide == {}
