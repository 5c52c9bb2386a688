"""Issue #18's account journey in a real browser: an admin creates a coach, the coach
turns on two-factor login with a TOTP code computed here, logs out and in with a code.

Every step is checked by axe and for outside requests (screenshots in test-artifacts/).
"""

from __future__ import annotations

import re
import time

import pyotp

from tests.browser.conftest import check_page, log_in

COACH = "nieuwe.coach@demodorp.be"


def test_admin_creates_a_coach_who_turns_on_two_factor_login(browser, demo_server, watched_page):
    server, data = demo_server
    page = watched_page.page
    admin_email, admin_password = data.accounts["admin"]
    log_in(page, server.url, admin_email, admin_password)
    page.click("text=Accounts")  # the header links to the account list
    page.goto(f"{server.url}/admin/users/new?lang=nl")
    page.fill("#email", COACH)
    page.select_option("#role", "coach")
    page.check("#organisations-0")
    page.click("button[type=submit].button-primary")
    page.wait_for_load_state()
    password = re.search(r"\): (\S+)", page.locator(".flash").first.inner_text()).group(1)
    page.click("header button[type=submit]")  # log out
    page.wait_for_load_state()

    log_in(page, server.url, COACH, password)
    page.goto(f"{server.url}/account?lang=nl")
    check_page(watched_page, "accounts-01-account")
    page.click("text=Tweestapsaanmelding aanzetten")
    page.wait_for_load_state()
    assert page.locator(".qr svg").count() == 1
    check_page(watched_page, "accounts-02-two-factor-setup")
    secret = page.locator("main code").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Tweestapsaanmelding staat aan" in page.locator("main").inner_text()
    page.goto(f"{server.url}/account/two-factor?lang=fr")
    assert "Désactiver la connexion en deux étapes" in page.locator("main").inner_text()
    check_page(watched_page, "accounts-02b-two-factor-on-fr")
    page.click("header button[type=submit]")
    page.wait_for_load_state()

    log_in(page, server.url, COACH, password)
    assert page.url.endswith("/login/code")
    check_page(watched_page, "accounts-03-code")
    # The setup used up this window's code; the next window's is accepted (±30 s).
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "/coach/" in page.url
    assert "Gemeente Demodorp" in page.locator("main").inner_text()

    # The coach downloads a report; the admin's audit page lists it under the coach's name.
    report = f"{server.url}/coach/campaigns/{data.campaign_id}/report/diagnosis.html?lang=nl"
    response = page.request.get(report)
    assert response.ok and "Diagnoserapport" in response.text()
    page.click("header button[type=submit]")
    page.wait_for_load_state()
    log_in(page, server.url, admin_email, admin_password)
    page.goto(f"{server.url}/admin/audit?lang=nl")
    rows = [row.inner_text() for row in page.locator("main tbody tr").all()]
    downloads = [row for row in rows if COACH in row and "diagnosis" in row]
    assert len(downloads) == 1, rows
    turned_on = [row for row in rows if COACH in row and "Tweestapsaanmelding aangezet" in row]
    assert len(turned_on) == 1, rows
    check_page(watched_page, "accounts-04-audit")
