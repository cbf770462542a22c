"""The gradio page: tabs wired to the plain functions of generate, explore, translate and watch."""
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


def build_app(runs_dir: str | Path, max_megapixels: float = DEFAULT_MAX_MEGAPIXELS, data_root: str | None = None,
              refresh_seconds: float = 5.0) -> gr.Blocks:
    cache = RunCache()
    out_dir = Path(tempfile.mkdtemp(prefix="ganforge-app-"))
    runs = find_runs(runs_dir)

    def loaded(run):
        if not run:
            raise GanforgeError("pick a run first (none listed? train one with `ganforge train`: the list refreshes "
                                "on its own)")
        return cache.get(run)

    def first(kind):
        listed = choices(runs, kind)
        return listed[0][1] if listed else None

    with gr.Blocks(title="ganforge", analytics_enabled=False) as app:
        app.out_dir = out_dir
        gr.Markdown(f"# ganforge\nRuns under `{Path(runs_dir).resolve()}`")
        with gr.Accordion("Runs", open=True):
            run_table = gr.Dataframe(table(runs), headers=TABLE_HEADERS, interactive=False, wrap=True, max_height=240)
            rescan = gr.Button("Rescan", size="sm")
            runs_timer = gr.Timer(refresh_seconds)  # new runs, and each run's state, without a click

        with gr.Tab("Generate"):
            with gr.Row():
                with gr.Column(scale=1):
                    gen_run = gr.Dropdown(choices(runs, "generative"), value=first("generative"), label="run",
                                          elem_id="generate-run")
                    gen_n = gr.Slider(1, generate.MAX_IMAGES, value=16, step=1, label="number of images")
                    gen_seed = gr.Number(0, precision=0, label="seed")
                    gen_label = gr.Dropdown([], value=None, allow_custom_value=True, elem_id="generate-label",
                                            label="class (conditional runs; empty = classes in turn)")
                    gen_truncation = gr.Slider(0, 3, value=0, step=0.1, label="truncation (0 = off)")
                    gen_temperature = gr.Slider(0.1, 2, value=1, step=0.05, label="temperature (latent scale)")
                    gen_button = gr.Button("Generate", variant="primary", elem_id="generate-button")
                with gr.Column(scale=2):
                    gen_grid = gr.Image(type="pil", format="png", label="samples", elem_id="generate-grid")
                    gen_caption = gr.Markdown()
                    gen_file = gr.File(label="download PNG", interactive=False)

        with gr.Tab("Explore"):
            exp_run = gr.Dropdown(choices(runs, "generative"), value=first("generative"), label="run",
                                  elem_id="explore-run")
            exp_label = gr.Dropdown([], value=None, allow_custom_value=True, label="class (conditional runs)")
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
            gr.Markdown("### VAE: manifold grid and latent scatter (held-out data)")
            with gr.Row():
                vae_run = gr.Dropdown(choices(runs, "vae"), value=first("vae"), label="VAE run", elem_id="vae-run")
                manifold_size = gr.Slider(4, 25, value=15, step=1, label="manifold cells a side")
                scatter_n = gr.Slider(200, 10000, value=2000, step=100, label="scatter points")
            with gr.Row():
                manifold_button = gr.Button("Manifold grid", elem_id="manifold-button")
                scatter_button = gr.Button("Latent scatter", elem_id="scatter-button")
            with gr.Row():
                manifold_image = gr.Image(type="pil", format="png", label="manifold", elem_id="manifold-image")
                scatter_image = gr.Image(type="filepath", format="png", label="latent scatter", elem_id="scatter-image")

        with gr.Tab("Translate / stylise"):
            gr.Markdown(f"Uploads: PNG, JPEG, WebP … up to {max_megapixels:g} megapixels.")
            with gr.Row():
                with gr.Column():
                    gr.Markdown("### With a trained run (pix2pix, CycleGAN, fast style)")
                    img_run = gr.Dropdown(choices(runs, "image"), value=first("image"), label="run",
                                          elem_id="image-run")
                    mode = gr.Radio(["translate", "fast style"], value="translate", label="what the run does",
                                    elem_id="image-mode")
                    direction = gr.Radio(list(DIRECTIONS), value="AtoB", label="direction (CycleGAN)")
                    img_upload = gr.File(file_types=IMAGE_TYPES, label="input image", elem_id="image-upload")
                    img_button = gr.Button("Run", variant="primary", elem_id="image-run-button")
                    with gr.Row():
                        img_input = gr.Image(type="pil", format="png", label="input", elem_id="image-input")
                        img_output = gr.Image(type="pil", format="png", label="output", elem_id="image-output")
                with gr.Column():
                    gr.Markdown("### Gatys style transfer (optimisation, no run needed)")
                    with gr.Row():
                        content_upload = gr.File(file_types=IMAGE_TYPES, label="content image",
                                                 elem_id="content-upload")
                        style_upload = gr.File(file_types=IMAGE_TYPES, label="style image", elem_id="style-upload")
                    with gr.Row():
                        gatys_steps = gr.Slider(10, 1000, value=100, step=10, label="step budget")
                        gatys_size = gr.Slider(64, 1024, value=256, step=32, label="size (longer side)")
                    gatys_button = gr.Button("Stylise", variant="primary", elem_id="gatys-button")
                    gatys_output = gr.Image(type="pil", format="png", label="stylised", elem_id="gatys-output")

        with gr.Tab("Watch"):
            watch_run = gr.Dropdown(choices(runs), value=next((str(r.path) for r in runs if r.training),
                                                              first("all")), label="run", elem_id="watch-run")
            with gr.Row():
                auto = gr.Checkbox(True, label=f"refresh every {refresh_seconds:g} s")
                refresh = gr.Button("Refresh now", size="sm")
            watch_status = gr.Markdown()
            with gr.Row():
                watch_curves = gr.Image(type="pil", format="png", label="loss curves", scale=2, elem_id="watch-curves")
                watch_samples = gr.Image(type="pil", format="png", label="latest samples", scale=1,
                                         elem_id="watch-samples")
            timer = gr.Timer(refresh_seconds)

        with gr.Tab("Compare"):
            with gr.Row():
                cmp_runs = gr.Dropdown(choices(runs), value=[str(r.path) for r in runs[:2]], multiselect=True,
                                       label="runs", elem_id="compare-runs", scale=3)
                cmp_x = gr.Radio(["step", "minutes"], value="step", label="x axis", elem_id="compare-x", scale=1)
            cmp_button = gr.Button("Compare", variant="primary", elem_id="compare-button")
            cmp_plot = gr.Image(type="pil", format="png", label="losses and metrics", elem_id="compare-plot")

        # --- wiring: every handler is a one-liner over the tab modules ---
        def label_choices(run):
            if not run:
                return gr.update(choices=[], value=None)
            trained = loaded(run)
            names = trained.class_names if trained.conditional else []
            return gr.update(choices=names, value=None, interactive=bool(names))

        def do_generate(run, n, seed, label, truncation, temperature):
            grid, png, caption = generate.generate(loaded(run), n, seed, label, truncation, temperature, out_dir)
            return grid, caption, str(png)

        def do_interpolate(run, a, b, steps, slerp_on, t, label):
            return explore.interpolation(loaded(run), a, b, t, steps, slerp_on, label)

        def do_walk(run, rows, span, step, dim, seed, label):
            return explore.walk_grid(loaded(run), rows, span, step, dim, seed, label)

        def do_image_run(run, what, direction_value, upload):
            trained = loaded(run)
            if what == "fast style":
                return translate.fast_style(trained, upload, max_megapixels)
            return translate.translate(trained, upload, direction_value, max_megapixels)

        def do_gatys(content, style, steps, size, progress=gr.Progress()):
            def on_step(step, total, loss):
                progress(step / total, desc=f"step {step}/{total}, loss {loss:.4g}")
            return translate.gatys(content, style, steps, size, max_megapixels, on_step)

        def do_watch(run):
            if not run:
                return None, None, "No run chosen."
            curves, samples, status = watch.watch(run, out_dir)
            return curves, samples, status

        def do_tick(run, auto_on):
            return do_watch(run) if auto_on and run else (gr.skip(), gr.skip(), gr.skip())

        def do_rescan():
            nonlocal runs
            runs = find_runs(runs_dir)
            gen, vae, image, every = (choices(runs, k) for k in ("generative", "vae", "image", "all"))
            return (table(runs), gr.update(choices=gen), gr.update(choices=gen), gr.update(choices=vae),
                    gr.update(choices=image), gr.update(choices=every), gr.update(choices=every))

        if str(first("generative") or "").startswith("starter:"):  # no runs yet: show what a model draws at once
            app.load(shown(do_generate), [gen_run, gen_n, gen_seed, gen_label, gen_truncation, gen_temperature],
                     [gen_grid, gen_caption, gen_file])
        gen_run.change(shown(label_choices), gen_run, gen_label)
        exp_run.change(shown(label_choices), exp_run, exp_label)
        app.load(shown(label_choices), gen_run, gen_label)
        app.load(shown(label_choices), exp_run, exp_label)
        gen_button.click(shown(do_generate), [gen_run, gen_n, gen_seed, gen_label, gen_truncation, gen_temperature],
                         [gen_grid, gen_caption, gen_file])
        interp_inputs = [exp_run, seed_a, seed_b, path_steps, spherical, position, exp_label]
        for control in (position, seed_a, seed_b, path_steps, spherical):
            control.change(shown(do_interpolate), interp_inputs, [point_image, strip_image])
        walk_button.click(shown(do_walk), [exp_run, walk_rows, walk_span, walk_step, walk_dim, walk_seed, exp_label],
                          walk_image)
        manifold_button.click(shown(lambda run, size: explore.vae_manifold(loaded(run), size, data_root)),
                              [vae_run, manifold_size], manifold_image)
        scatter_button.click(shown(lambda run, n: str(explore.vae_scatter(loaded(run), n, data_root, out_dir))),
                             [vae_run, scatter_n], scatter_image)
        img_button.click(shown(do_image_run), [img_run, mode, direction, img_upload], [img_input, img_output])
        gatys_button.click(shown(do_gatys), [content_upload, style_upload, gatys_steps, gatys_size], gatys_output)
        watch_outputs = [watch_curves, watch_samples, watch_status]
        watch_run.change(shown(do_watch), watch_run, watch_outputs)
        refresh.click(shown(do_watch), watch_run, watch_outputs)
        app.load(shown(do_watch), watch_run, watch_outputs)
        timer.tick(shown(do_tick), [watch_run, auto], watch_outputs, show_progress="hidden")
        cmp_button.click(shown(lambda chosen, x: compare.compare(chosen, x, out_dir)), [cmp_runs, cmp_x], cmp_plot)
        run_lists = [run_table, gen_run, exp_run, vae_run, img_run, watch_run, cmp_runs]
        rescan.click(shown(do_rescan), None, run_lists)
        runs_timer.tick(shown(do_rescan), None, run_lists, show_progress="hidden")
    return app
