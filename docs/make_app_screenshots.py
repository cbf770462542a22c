"""Screenshots of every tab of `ganforge app` with real output, taken in headless Chromium (Selenium).

    python docs/make_app_screenshots.py RUNS_DIR OUT_DIR [--data-root DIR] [--cgan NAME] [--content IMG --style IMG]

RUNS_DIR should hold a conditional GAN, a VAE and, for the Watch tab, a run that is training now; an image-to-image
or fast-style run (and --content/--style) fill the Translate / stylise tab.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

WIDTH = 1400


def start_app(runs_dir: str, port: int, data_root: str | None) -> subprocess.Popen:
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    extra = ["--data-root", data_root] if data_root else []
    app = subprocess.Popen([sys.executable, "-m", "ganforge", "app", runs_dir, "--port", str(port), "--refresh", "3",
                            *extra], env=env)
    for _ in range(240):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return app
        except OSError:
            time.sleep(0.5)
    app.terminate()
    raise SystemExit("the app did not start")


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={WIDTH},1000", "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


def choose(driver, elem_id: str, text: str) -> None:
    """Pick the option of a gradio drop-down whose label contains `text`."""
    box = driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input")
    box.click()
    time.sleep(0.5)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    time.sleep(1)
    options = [o for o in driver.find_elements(By.CSS_SELECTOR, "li[data-testid=dropdown-option], li[role=option]")
               if text in o.text]
    if options:
        options[0].click()
    else:  # the filtered list's first entry is the active one
        box.send_keys(Keys.ENTER)
    time.sleep(2)
    chosen = box.get_attribute("value")
    if text not in chosen:
        raise SystemExit(f"could not choose '{text}' in #{elem_id} (it shows '{chosen}')")


def set_number(driver, elem_id: str, value) -> None:
    box = driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def upload(driver, elem_id: str, path: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f"#{elem_id} input[type=file]").send_keys(str(Path(path).resolve()))


def tab(driver, name: str) -> None:
    next(b for b in driver.find_elements(By.CSS_SELECTOR, "button[role=tab]") if b.text.strip() == name).click()
    time.sleep(1)


def wait_images(driver, selector: str, count: int = 1, seconds: float = 180) -> None:
    def loaded(d):
        images = d.find_elements(By.CSS_SELECTOR, selector)
        ready = [i for i in images if d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", i)]
        return len(ready) >= count
    WebDriverWait(driver, seconds).until(loaded)
    time.sleep(1)


def shoot(driver, path: Path) -> None:
    """The whole page, not just the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, height + 40)
    time.sleep(1)
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, 1000)
    print(f"wrote {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--data-root")
    parser.add_argument("--cgan", default="mnist-cgan", help="text in the label of the run for Generate/Explore")
    parser.add_argument("--class-name", default="7")
    parser.add_argument("--vae", default="mnist-vae", help="text in the label of the VAE run for Explore")
    parser.add_argument("--bad-upload", help="with no Gatys images: upload this non-image to show the error message")
    parser.add_argument("--image-run", help="text in the label of a pix2pix/CycleGAN/fast-style run")
    parser.add_argument("--image-mode", default="translate", choices=("translate", "fast style"))
    parser.add_argument("--input", help="image for the image run")
    parser.add_argument("--content", help="content image for Gatys")
    parser.add_argument("--style", help="style image for Gatys")
    parser.add_argument("--gatys-steps", type=int, default=50)
    parser.add_argument("--port", type=int, default=7861)
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = start_app(args.runs_dir, args.port, args.data_root)
    driver = browser()
    try:
        driver.get(f"http://127.0.0.1:{args.port}/")
        WebDriverWait(driver, 90).until(lambda d: d.find_elements(By.ID, "generate-button"))
        time.sleep(2)
        choose(driver, "generate-run", args.cgan)
        choose(driver, "generate-label", args.class_name)
        driver.find_element(By.ID, "generate-button").click()
        wait_images(driver, "#generate-grid img")
        shoot(driver, out / "app-generate.png")

        tab(driver, "Explore")
        choose(driver, "explore-run", args.cgan)
        set_number(driver, "seed-b", 7)
        choose(driver, "vae-run", args.vae)
        driver.find_element(By.ID, "walk-button").click()
        driver.find_element(By.ID, "manifold-button").click()
        driver.find_element(By.ID, "scatter-button").click()
        for output in ("point-image", "strip-image", "walk-image", "manifold-image", "scatter-image"):
            wait_images(driver, f"#{output} img", seconds=300)
        shoot(driver, out / "app-explore.png")

        tab(driver, "Translate / stylise")
        if args.image_run and args.input:
            choose(driver, "image-run", args.image_run)
            next(i for i in driver.find_elements(By.CSS_SELECTOR, "#image-mode label")
                 if i.text.strip() == args.image_mode).click()
            upload(driver, "image-upload", args.input)
            time.sleep(2)
            driver.find_element(By.ID, "image-run-button").click()
        if args.content and args.style:
            upload(driver, "content-upload", args.content)
            upload(driver, "style-upload", args.style)
            time.sleep(2)
            driver.find_element(By.ID, "gatys-button").click()
        elif args.bad_upload:
            upload(driver, "content-upload", args.bad_upload)
            upload(driver, "style-upload", args.bad_upload)
            time.sleep(2)
            driver.find_element(By.ID, "gatys-button").click()
            time.sleep(3)
        if args.image_run and args.input:
            wait_images(driver, "#image-output img", seconds=300)
        if args.content and args.style:
            wait_images(driver, "#gatys-output img", seconds=600)
        shoot(driver, out / "app-translate.png")

        tab(driver, "Watch")
        wait_images(driver, "#watch-curves img", seconds=60)
        wait_images(driver, "#watch-samples img", seconds=60)
        time.sleep(4)  # one automatic refresh
        shoot(driver, out / "app-watch.png")
    finally:
        driver.quit()
        app.terminate()
        app.wait()


if __name__ == "__main__":
    main()
