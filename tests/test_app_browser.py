"""End to end: `ganforge app` on a free local port, driven by headless Chromium through Selenium."""
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tiny_runs import train_tiny

pytestmark = pytest.mark.browser
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
DRIVER = shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the app exited with {proc.returncode}: {proc.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not listen on port {port} within {seconds} s")


@pytest.fixture
def browser():
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_generate_tab_shows_a_grid_in_the_browser(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    train_tiny("mnist-dcgan", tmp_path / "runs")
    port = free_port()
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    app = subprocess.Popen([sys.executable, "-m", "ganforge", "app", str(tmp_path / "runs"), "--port", str(port)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, app)
        browser.get(f"http://127.0.0.1:{port}/")
        wait = WebDriverWait(browser, 90)
        wait.until(lambda d: d.find_elements(By.ID, "generate-button"))
        assert "mnist-dcgan" in browser.page_source  # the runs table lists it
        browser.find_element(By.ID, "generate-button").click()

        def grid_width(driver):
            images = driver.find_elements(By.CSS_SELECTOR, "#generate-grid img")
            return images and driver.execute_script("return arguments[0].naturalWidth", images[0])

        # 16 images of 32 px: 4 x 34 + 2 = 138 px a side, enlarged 4 times for the screen.
        assert wait.until(grid_width) == 552
        assert "16 samples of mnist-dcgan" in browser.page_source
    finally:
        app.terminate()
        app.wait(timeout=30)
