"""The gradio page: tabs wired to the plain functions of generate, explore, translate and watch, one function each.

Each tab function builds its controls, wires them and returns its run drop-downs with the kind of run each lists,
so a rescan refreshes every list.
"""
import functools
import tempfile
from pathlib import Path

import gradio as gr

from ..capabilities import DIRECTIONS
from ..errors import GanforgeError
from . import compare, explore, generate, translate, watch
from .images import DEFAULT_MAX_MEGAPIXELS
from .runs import TABLE_HEADERS, RunCache, choices, find_runs, table

IMAGE_TYPES = [".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"]


def shown(action):
    """User mistakes become gradio's error pop-up with our one-line message, not a stack trace."""
    @functools.wraps(action)
    def run(*args, **kwargs):
        try:
            return action(*args, **kwargs)
        except GanforgeError as err:
            raise gr.Error(str(err), print_exception=False) from None
    return run


class Page:
    """What every tab shares: the runs found, loaded runs, the output folder and the app's settings."""

    def __init__(self, runs_dir: str | Path, max_megapixels: float, data_root: str | None, refresh_seconds: float):
        self.runs_dir, self.max_megapixels, self.data_root = runs_dir, max_megapixels, data_root
        self.refresh_seconds = refresh_seconds
        self.cache = RunCache()
        self.out_dir = Path(tempfile.mkdtemp(prefix="ganforge-app-"))
        self.runs = find_runs(runs_dir)

    def loaded(self, run):
        if not run:
            raise GanforgeError("pick a run first (none listed? train one with `ganforge train`: the list refreshes "
                                "on its own)")
        return self.cache.get(run)

    def first(self, kind):
        listed = choices(self.runs, kind)
        return listed[0][1] if listed else None

    def run_list(self, kind: str, elem_id: str, label: str = "run") -> gr.Dropdown:
        return gr.Dropdown(choices(self.runs, kind), value=self.first(kind), label=label, elem_id=elem_id)

    def label_choices(self, run):
        """The class drop-down of a conditional run: its class names (empty and locked otherwise)."""
        if not run:
            return gr.update(choices=[], value=None)
        trained = self.loaded(run)
        names = trained.class_names if trained.conditional else []
        return gr.update(choices=names, value=None, interactive=bool(names))


def generate_tab(page: Page, app: gr.Blocks) -> list[tuple[gr.Dropdown, str]]:
    with gr.Tab("Generate"):
        with gr.Row():
            with gr.Column(scale=1):
                run = page.run_list("generative", "generate-run")
                n = gr.Slider(1, generate.MAX_IMAGES, value=16, step=1, label="number of images")
                seed = gr.Number(0, precision=0, label="seed")
                label = gr.Dropdown([], value=None, allow_custom_value=True, elem_id="generate-label",
                                    label="class (conditional runs; empty = classes in turn)")
                truncation = gr.Slider(0, 3, value=0, step=0.1, label="truncation (0 = off)")
                temperature = gr.Slider(0.1, 2, value=1, step=0.05, label="temperature (latent scale)")
                button = gr.Button("Generate", variant="primary", elem_id="generate-button")
            with gr.Column(scale=2):
                grid = gr.Image(type="pil", format="png", label="samples", elem_id="generate-grid")
                caption = gr.Markdown()
                file = gr.File(label="download PNG", interactive=False)

    def do_generate(run, n, seed, label, truncation, temperature):
        image, png, text = generate.generate(page.loaded(run), n, seed, label, truncation, temperature, page.out_dir)
        return image, text, str(png)

    inputs, outputs = [run, n, seed, label, truncation, temperature], [grid, caption, file]
    if str(page.first("generative") or "").startswith("starter:"):  # no runs yet: show what a model draws at once
        app.load(shown(do_generate), inputs, outputs)
    run.change(shown(page.label_choices), run, label)
    app.load(shown(page.label_choices), run, label)
    button.click(shown(do_generate), inputs, outputs)
    return [(run, "generative")]


def explore_tab(page: Page, app: gr.Blocks) -> list[tuple[gr.Dropdown, str]]:
    with gr.Tab("Explore"):
        run = page.run_list("generative", "explore-run")
        label = gr.Dropdown([], value=None, allow_custom_value=True, label="class (conditional runs)")
        with gr.Row():
            with gr.Column():
                gr.Markdown("### Interpolation between two seeds")
                with gr.Row():
                    seed_a = gr.Number(0, precision=0, label="seed A")
                    seed_b = gr.Number(1, precision=0, label="seed B", elem_id="seed-b")
                    path_steps = gr.Slider(2, 16, value=8, step=1, label="images along the path")
                spherical = gr.Checkbox(False, label="spherical (slerp)")
                position = gr.Slider(0, 1, value=0.5, step=0.01, label="position A → B")
                with gr.Row():
                    point_image = gr.Image(type="pil", format="png", label="at the slider", scale=1,
                                           elem_id="point-image")
                    strip_image = gr.Image(type="pil", format="png", label="the whole path", scale=3,
                                           elem_id="strip-image")
            with gr.Column():
                gr.Markdown("### Walk along a direction")
                with gr.Row():
                    walk_rows = gr.Slider(1, 8, value=4, step=1, label="rows")
                    walk_span = gr.Slider(0.5, 6, value=2, step=0.5, label="span (±)")
                    walk_step = gr.Slider(0.05, 1, value=0.25, step=0.05, label="step size")
                with gr.Row():
                    walk_dim = gr.Number(-1, precision=0, label="latent axis (-1 = random direction)")
                    walk_seed = gr.Number(0, precision=0, label="seed")
                walk_button = gr.Button("Walk", elem_id="walk-button")
                walk_image = gr.Image(type="pil", format="png", label="walk", elem_id="walk-image")
        vae_run = vae_views(page)

    def do_interpolate(run, a, b, steps, slerp_on, t, label):
        return explore.interpolation(page.loaded(run), a, b, t, steps, slerp_on, label)

    def do_walk(run, rows, span, step, dim, seed, label):
        return explore.walk_grid(page.loaded(run), rows, span, step, dim, seed, label)

    run.change(shown(page.label_choices), run, label)
    app.load(shown(page.label_choices), run, label)
    interp_inputs = [run, seed_a, seed_b, path_steps, spherical, position, label]
    for control in (position, seed_a, seed_b, path_steps, spherical):
        control.change(shown(do_interpolate), interp_inputs, [point_image, strip_image])
    walk_button.click(shown(do_walk), [run, walk_rows, walk_span, walk_step, walk_dim, walk_seed, label], walk_image)
    return [(run, "generative"), (vae_run, "vae")]


def vae_views(page: Page) -> gr.Dropdown:
    """The Explore tab's VAE part: manifold grid and latent scatter of held-out data."""
    gr.Markdown("### VAE: manifold grid and latent scatter (held-out data)")
    with gr.Row():
        run = page.run_list("vae", "vae-run", label="VAE run")
        manifold_size = gr.Slider(4, 25, value=15, step=1, label="manifold cells a side")
        scatter_n = gr.Slider(200, 10000, value=2000, step=100, label="scatter points")
    with gr.Row():
        manifold_button = gr.Button("Manifold grid", elem_id="manifold-button")
        scatter_button = gr.Button("Latent scatter", elem_id="scatter-button")
    with gr.Row():
        manifold_image = gr.Image(type="pil", format="png", label="manifold", elem_id="manifold-image")
        scatter_image = gr.Image(type="filepath", format="png", label="latent scatter", elem_id="scatter-image")
    manifold_button.click(shown(lambda run, size: explore.vae_manifold(page.loaded(run), size, page.data_root)),
                          [run, manifold_size], manifold_image)
    scatter_button.click(shown(lambda run, n: str(explore.vae_scatter(page.loaded(run), n, page.data_root,
                                                                      page.out_dir))),
                         [run, scatter_n], scatter_image)
    return run


def translate_tab(page: Page) -> list[tuple[gr.Dropdown, str]]:
    with gr.Tab("Translate / stylise"):
        gr.Markdown(f"Uploads: PNG, JPEG, WebP … up to {page.max_megapixels:g} megapixels.")
        with gr.Row():
            with gr.Column():
                gr.Markdown("### With a trained run (pix2pix, CycleGAN, fast style)")
                run = page.run_list("image", "image-run")
                mode = gr.Radio(["translate", "fast style"], value="translate", label="what the run does",
                                elem_id="image-mode")
                direction = gr.Radio(list(DIRECTIONS), value="AtoB", label="direction (CycleGAN)")
                upload = gr.File(file_types=IMAGE_TYPES, label="input image", elem_id="image-upload")
                button = gr.Button("Run", variant="primary", elem_id="image-run-button")
                with gr.Row():
                    shown_input = gr.Image(type="pil", format="png", label="input", elem_id="image-input")
                    output = gr.Image(type="pil", format="png", label="output", elem_id="image-output")
            with gr.Column():
                gatys_controls(page)

    def do_image_run(run, what, direction_value, upload):
        trained = page.loaded(run)
        if what == "fast style":
            return translate.fast_style(trained, upload, page.max_megapixels)
        return translate.translate(trained, upload, direction_value, page.max_megapixels)

    button.click(shown(do_image_run), [run, mode, direction, upload], [shown_input, output])
    return [(run, "image")]


def gatys_controls(page: Page) -> None:
    """Gatys style transfer needs no run: two uploads and a step budget, with a progress bar."""
    gr.Markdown("### Gatys style transfer (optimisation, no run needed)")
    with gr.Row():
        content_upload = gr.File(file_types=IMAGE_TYPES, label="content image", elem_id="content-upload")
        style_upload = gr.File(file_types=IMAGE_TYPES, label="style image", elem_id="style-upload")
    with gr.Row():
        steps = gr.Slider(10, 1000, value=100, step=10, label="step budget")
        size = gr.Slider(64, 1024, value=256, step=32, label="size (longer side)")
    button = gr.Button("Stylise", variant="primary", elem_id="gatys-button")
    output = gr.Image(type="pil", format="png", label="stylised", elem_id="gatys-output")

    def do_gatys(content, style, steps, size, progress=gr.Progress()):
        def on_step(step, total, loss):
            progress(step / total, desc=f"step {step}/{total}, loss {loss:.4g}")
        return translate.gatys(content, style, steps, size, page.max_megapixels, on_step)

    button.click(shown(do_gatys), [content_upload, style_upload, steps, size], output)


def watch_tab(page: Page, app: gr.Blocks) -> list[tuple[gr.Dropdown, str]]:
    with gr.Tab("Watch"):
        run = gr.Dropdown(choices(page.runs), value=next((str(r.path) for r in page.runs if r.training),
                                                         page.first("all")), label="run", elem_id="watch-run")
        with gr.Row():
            auto = gr.Checkbox(True, label=f"refresh every {page.refresh_seconds:g} s")
            refresh = gr.Button("Refresh now", size="sm")
        status = gr.Markdown()
        with gr.Row():
            curves = gr.Image(type="pil", format="png", label="loss curves", scale=2, elem_id="watch-curves")
            samples = gr.Image(type="pil", format="png", label="latest samples", scale=1, elem_id="watch-samples")
        timer = gr.Timer(page.refresh_seconds)

    def do_watch(run):
        if not run:
            return None, None, "No run chosen."
        return watch.watch(run, page.out_dir)

    def do_tick(run, auto_on):
        return do_watch(run) if auto_on and run else (gr.skip(), gr.skip(), gr.skip())

    outputs = [curves, samples, status]
    run.change(shown(do_watch), run, outputs)
    refresh.click(shown(do_watch), run, outputs)
    app.load(shown(do_watch), run, outputs)
    timer.tick(shown(do_tick), [run, auto], outputs, show_progress="hidden")
    return [(run, "all")]


def compare_tab(page: Page) -> list[tuple[gr.Dropdown, str]]:
    with gr.Tab("Compare"):
        with gr.Row():
            runs = gr.Dropdown(choices(page.runs), value=[str(r.path) for r in page.runs[:2]], multiselect=True,
                               label="runs", elem_id="compare-runs", scale=3)
            x_axis = gr.Radio(["step", "minutes"], value="step", label="x axis", elem_id="compare-x", scale=1)
        button = gr.Button("Compare", variant="primary", elem_id="compare-button")
        plot = gr.Image(type="pil", format="png", label="losses and metrics", elem_id="compare-plot")
    button.click(shown(lambda chosen, x: compare.compare(chosen, x, page.out_dir)), [runs, x_axis], plot)
    return [(runs, "all")]


def build_app(runs_dir: str | Path, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS, data_root: str | None = None,
              refresh_seconds: float = 5.0) -> gr.Blocks:
    page = Page(runs_dir, max_megapixels, data_root, refresh_seconds)
    with gr.Blocks(title="ganforge", analytics_enabled=False) as app:
        app.out_dir = page.out_dir
        gr.Markdown(f"# ganforge\nRuns under `{Path(runs_dir).resolve()}`")
        with gr.Accordion("Runs", open=True):
            run_table = gr.Dataframe(table(page.runs), headers=TABLE_HEADERS, interactive=False, wrap=True,
                                     max_height=240)
            rescan = gr.Button("Rescan", size="sm")
            runs_timer = gr.Timer(refresh_seconds)  # new runs, and each run's state, without a click
        run_lists = [*generate_tab(page, app), *explore_tab(page, app), *translate_tab(page), *watch_tab(page, app),
                     *compare_tab(page)]

        def do_rescan():
            page.runs = find_runs(runs_dir)
            return (table(page.runs), *(gr.update(choices=choices(page.runs, kind)) for _, kind in run_lists))

        outputs = [run_table, *(dropdown for dropdown, _ in run_lists)]
        rescan.click(shown(do_rescan), None, outputs)
        runs_timer.tick(shown(do_rescan), None, outputs, show_progress="hidden")
    return app
