"""A PNG of the HTML report, taken in headless Chromium (for the demo, CI artefacts and READMEs)."""
from __future__ import annotations

import concurrent.futures
import logging
import os
import shutil
from pathlib import Path

from .._atomic import atomic_write_bytes

log = logging.getLogger(__name__)

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def find_chromium() -> str | None:
    """The system Chromium: ``$EVALUATOR_CHROMIUM``, then the usual paths, then ``$PATH``."""
    env = os.environ.get("EVALUATOR_CHROMIUM")
    for cand in ((env,) if env else ()) + CHROMIUM_CANDIDATES:
        if cand and os.access(cand, os.X_OK):
            return cand
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(html_path: str | os.PathLike[str], png_path: str | os.PathLike[str], *,
               width: int = 1280, height: int = 1600, full_page: bool = False,
               color_scheme: str = "light") -> bool:
    """Render ``html_path`` and write the top of the page (``width`` x ``height``) to ``png_path``.

    Returns False (and logs why) when Playwright or Chromium is missing or the page fails to load.
    """
    exe = find_chromium()
    if exe is None:
        log.warning("no Chromium found (tried %s); skipping the screenshot", ", ".join(CHROMIUM_CANDIDATES))
        return False
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        log.warning("playwright is not installed (pip install playwright); skipping the screenshot")
        return False
    src = Path(html_path).resolve()
    out = Path(png_path)

    def shoot() -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height},
                                        color_scheme=color_scheme)  # type: ignore[arg-type]
                page.goto(src.as_uri(), wait_until="load")
                png = page.screenshot(full_page=full_page)
                atomic_write_bytes(out, png)  # never a half-written PNG
            finally:
                browser.close()

    # Playwright's sync API refuses to run inside an asyncio loop (Jupyter, an open Playwright
    # session): a worker thread has none, so the screenshot works from anywhere.
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(shoot).result()
    except (PlaywrightError, OSError) as exc:
        log.warning("screenshot of %s failed: %s", src, exc)
        return False
    log.info("wrote screenshot %s", out)
    return True
