"""The email edition of the shipped March 2021 issue opened in Debian's Chromium at a
phone's 375 px and a mail client's 600 px: nothing scrolls sideways, nothing is fetched
(a mail client loads no script or stylesheet of ours), screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from helpers import REPO, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def email_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("email-edition")
    run = run_cli("-f", REPO / "mkdocs.yml", "email", "2021-03", "--out", out)
    assert run.code == 0, run.text
    return (out / "2021-03.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [375, 600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_email_fits_without_sideways_scroll(browser, artifacts, email_html, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    requests = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.route("**/*", lambda route: route.abort())  # images point at the live site: never fetched here
        page.set_content(email_html, wait_until="domcontentloaded")
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth,"
                              " document.querySelector('table.main').getBoundingClientRect().width]")
        page.screenshot(path=str(artifacts / f"email-2021-03-{width}-{scheme}.png"), full_page=True)
        background = page.evaluate("() => getComputedStyle(document.querySelector('table.main')).backgroundColor")
    finally:
        context.close()
    scroll_width, inner_width, column = sizes
    assert scroll_width <= inner_width, f"sideways scroll at {width} px: {scroll_width} > {inner_width}"
    assert column <= 640
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(28, 31, 38)")
    # The only requests are images of the site (absolute URLs); no script, stylesheet or font.
    assert all(url.startswith("https://example.org/") for url in requests), requests
