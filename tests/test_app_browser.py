"""End to end: `ganforge app` on a free local port, driven by headless Chromium through Selenium."""
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
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


@contextmanager
def app_on_a_free_port(runs: Path):
    """`ganforge app RUNS` in a child process; yields its URL."""
    port = free_port()
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    app = subprocess.Popen([sys.executable, "-m", "ganforge", "app", str(runs), "--port", str(port)],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, app)
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.terminate()
        app.wait(timeout=30)


def natural_width(css: str):
    def width(driver):
        from selenium.webdriver.common.by import By
        images = driver.find_elements(By.CSS_SELECTOR, css)
        return images and driver.execute_script("return arguments[0].naturalWidth", images[0])
    return width


def test_generate_tab_shows_a_grid_in_the_browser(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    train_tiny("mnist-dcgan", tmp_path / "runs")
    with app_on_a_free_port(tmp_path / "runs") as url:
        browser.get(url)
        wait = WebDriverWait(browser, 300)  # generous: a loaded machine is slow
        wait.until(lambda d: d.find_elements(By.ID, "generate-button"))
        assert "mnist-dcgan" in browser.page_source  # the runs table lists it
        assert "finished at step 4/4" in browser.page_source  # its state, from the run folder
        browser.find_element(By.ID, "generate-button").click()
        # 16 images of 32 px: 4 x 34 + 2 = 138 px a side, enlarged 4 times for the screen.
        assert wait.until(natural_width("#generate-grid img")) == 552
        assert "16 samples of mnist-dcgan" in browser.page_source


def test_compare_tab_draws_two_chosen_runs(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    for name in ("alpha", "beta", "gamma"):
        train_tiny("mnist-dcgan", tmp_path / "runs", "--name", name)
    with app_on_a_free_port(tmp_path / "runs") as url:
        browser.get(url)
        wait = WebDriverWait(browser, 300)  # generous: a loaded machine is slow
        tab = wait.until(lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "button[role=tab]")
                                    if b.text.strip() == "Compare"])
        tab[0].click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#compare-runs .remove-all"))[0].click()
        wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, "#compare-runs .token"))  # no runs chosen
        for name in ("alpha", "gamma"):  # type to filter, Enter picks
            box = browser.find_element(By.CSS_SELECTOR, "#compare-runs input")
            box.click()
            box.send_keys(name)
            wait.until(lambda d: [li.text for li in d.find_elements(By.CSS_SELECTOR, "ul[role=listbox] li")]
                       == [f"{name} (mnist-dcgan, step 4)"])
            box.send_keys(Keys.ENTER)
        chosen = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "#compare-runs .token")]
        assert len(chosen) == 2 and chosen[0].startswith("alpha") and chosen[1].startswith("gamma"), chosen
        browser.find_element(By.ID, "compare-button").click()
        assert wait.until(natural_width("#compare-plot img")) >= 1200  # panels in rows of three


def test_with_no_runs_the_app_shows_a_starter_models_grid(tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    (tmp_path / "runs").mkdir()
    with app_on_a_free_port(tmp_path / "runs") as url:
        browser.get(url)
        wait = WebDriverWait(browser, 300)  # generous: a loaded machine is slow
        # No click: the page draws the starter's grid as it loads (16 digits of 28 px: 4 x 30 + 2, 4x enlarged).
        assert wait.until(natural_width("#generate-grid img")) == 488
        assert "starter model shipped with ganforge" in browser.page_source
        if os.environ.get("GANFORGE_SCREENSHOT"):
            browser.save_screenshot(os.environ["GANFORGE_SCREENSHOT"])
