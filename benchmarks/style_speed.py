"""Style-transfer speed: Gatys ms per optimisation step at 256 and 512, fast-style inference ms per 512 image.

    GANFORGE_WEIGHTS=../shared/weights python benchmarks/style_speed.py [--steps 5] [--model RUN]

Prints one JSON line: gatys_ms_per_step_256, gatys_ms_per_step_512 (one L-BFGS step = one forward and
backward pass through VGG19 up to relu5_1), fast_style_ms_per_image_512 (a trained run's transform network
with --model, else the default architecture untrained: the cost is the same), threads and peak_rss_mb.
Synthetic images; the VGG19 weights come from --vgg-weights, GANFORGE_WEIGHTS or torchvision's download.
"""
import argparse
import json
import resource
import sys
import time

import torch


def gatys_ms_per_step(size: int, steps: int, vgg_weights: str | None) -> float:
    from PIL import Image

    from ganforge.style_transfer import GatysOptions, GatysStylizer
    stylizer = GatysStylizer(GatysOptions(vgg_weights=vgg_weights, coarse_sizes=[]))
    content = Image.effect_noise((size, size), 64).convert("RGB")
    style = Image.effect_noise((size, size), 32).convert("RGB")
    times = []

    def on_step(step, total, loss):
        times.append(time.perf_counter())
    stylizer.stylize(content, [style], size=size, steps=steps + 1, on_step=on_step)
    return 1000 * (times[-1] - times[0]) / steps  # the first step (warm-up, style targets) is not counted


def fast_style_ms_per_image(size: int, images: int, model: str | None) -> float:
    from ganforge.nets.transform_net import TransformNet
    if model:
        import ganforge
        net = ganforge.load(model).method.transform
    else:
        net = TransformNet()
    net.eval()
    batch = torch.rand(1, 3, size, size) * 2 - 1
    with torch.no_grad():
        net(batch)
        start = time.perf_counter()
        for _ in range(images):
            net(batch)
    return 1000 * (time.perf_counter() - start) / images


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="timed Gatys steps per size")
    parser.add_argument("--images", type=int, default=5, help="timed fast-style images")
    parser.add_argument("--model", help="a trained fast-style run (default: the untrained architecture)")
    parser.add_argument("--vgg-weights", help="VGG19 weights file (default GANFORGE_WEIGHTS, else download)")
    args = parser.parse_args()
    result = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for size in (256, 512):
        result[f"gatys_ms_per_step_{size}"] = round(gatys_ms_per_step(size, args.steps, args.vgg_weights), 1)
    result["fast_style_ms_per_image_512"] = round(fast_style_ms_per_image(512, args.images, args.model), 1)
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["peak_rss_mb"] = round(kib / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
