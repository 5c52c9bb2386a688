"""The dashboard's headline tiles in a real browser: within a phone's width, and axe-clean.

The screenshots (``test-artifacts/screenshots/dashboard-tiles-<language>-<width>.png``, the
tiles alone, and the whole page beside them) are for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, log_in, save_screenshot, settled


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("language", ["nl", "fr"])
def test_tiles_fit_the_screen_and_pass_axe(browser, demo_server, language, width):
    server, data = demo_server
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
    page = context.new_page()
    try:
        log_in(page, server.url, *data.accounts["viewer"])
        page.goto(f"{server.url}/dashboard/{data.organisation_slug}?lang={language}")
        settled(page)
        tiles = page.locator("section.tiles")
        save_screenshot(tiles, f"dashboard-tiles-{language}-{width}")
        save_screenshot(page, f"dashboard-page-{language}-{width}")
        box = tiles.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width
        # no tile's content runs out of it (long words, wide figures)
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.tile')]
                 .filter(tile => tile.scrollWidth > tile.clientWidth + 1)
                 .map(tile => tile.querySelector('h3').textContent)"""
        )
        assert overflowing == []
        tops = page.evaluate(
            "() => [...document.querySelectorAll('.tile')].map(t => t.getBoundingClientRect().top)"
        )
        assert len(tops) == 4
        if width == 360:  # one column on a phone
            assert sorted(tops) == tops and len(set(tops)) == 4
        else:  # one row on a desktop
            assert len(set(tops)) == 1
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 500, 1280])
def test_the_waiting_tile_fits_too(browser, demo_server, width):
    """Before the follow-up closes, a wide tile announces the comparison, within the screen."""
    from sqlalchemy import select

    from survey_app.store.models import Wave, WaveKind, WaveStatus

    server, data = demo_server
    session = server.session_factory()
    follow_up = session.scalar(select(Wave).where(Wave.kind == WaveKind.FOLLOW_UP))
    follow_up.status = WaveStatus.OPEN
    session.commit()
    session.close()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
    page = context.new_page()
    try:
        log_in(page, server.url, *data.accounts["viewer"])
        page.goto(f"{server.url}/dashboard/{data.organisation_slug}?lang=fr")
        settled(page)
        tiles = page.locator("section.tiles")
        save_screenshot(tiles, f"dashboard-tiles-waiting-fr-{width}")
        assert "dès que la mesure de suivi sera clôturée" in tiles.inner_text()
        box = tiles.bounding_box()
        assert box and box["x"] + box["width"] <= width
        widest = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('.tile')]"
            ".map(t => t.getBoundingClientRect().right))"
        )
        assert widest <= width
        assert axe_violations(page) == []
    finally:
        context.close()
