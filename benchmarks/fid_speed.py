"""How long an FID of n generated MNIST images takes, with the real statistics cached. Prints one JSON line.

    GANFORGE_DATA=../shared/data GANFORGE_WEIGHTS=../shared/weights \
        python benchmarks/fid_speed.py --run RUN -n 10000 --threads 2

Without --run it times an untrained mnist-dcgan generator (the time does not depend on what is drawn).
The real test-set features are computed first if they are not cached yet, and timed apart (`real_s`).
The fp32 features run under ONNX Runtime unless `--runtime torch`. `--compare-bf16 K` also times K images
under bf16 autocast (PyTorch) and reports their features' deviation from fp32.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import ganforge  # noqa: E402
from ganforge.config import EvalConfig, load_config  # noqa: E402
from ganforge.metrics.context import EvalContext  # noqa: E402
from ganforge.metrics.frechet import frechet_distance  # noqa: E402


def untrained_dcgan():
    from ganforge.methods.base import DataInfo
    from ganforge.methods.factory import build_method
    cfg = load_config("mnist-dcgan", ["train.precision=fp32", "train.channels_last=false"])
    return build_method(cfg, DataInfo((1, 28, 28), [str(k) for k in range(10)]), torch.device("cpu")), cfg.data


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", help="a trained run folder (default: an untrained mnist-dcgan)")
    parser.add_argument("-n", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--no-channels-last", action="store_true")
    parser.add_argument("--runtime", default="auto", choices=["auto", "torch", "onnxruntime"],
                        help="auto: ONNX Runtime for fp32 on a CPU (same features, ~2x faster than torch)")
    parser.add_argument("--compare-bf16", type=int, default=0, metavar="K")
    parser.add_argument("--weights")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.run:
        trained = ganforge.load(args.run)
        method, data_cfg = trained.method, trained.config.data
    else:
        method, data_cfg = untrained_dcgan()
    ctx = EvalContext(method, data_cfg, EvalConfig(n=args.n, weights=args.weights, batch_size=args.batch_size,
                                                         runtime=args.runtime),
                      announce=lambda *a: print(*a, file=sys.stderr))
    ctx.inception.channels_last = not args.no_channels_last
    real, real_s = timed(lambda: ctx.real_inception)
    start = time.perf_counter()
    _, generate_s = timed(lambda: ctx.generated)
    _, features_s = timed(lambda: ctx.fake_inception)
    fid, fid_s = timed(lambda: frechet_distance(real, ctx.fake_inception))
    total_s = time.perf_counter() - start
    result = {"benchmark": "fid_speed", "n_generated": args.n, "n_real": real.shape[0], "threads": args.threads,
              "precision": "fp32", **ctx.inception.runtime_info, "channels_last": not args.no_channels_last, "batch_size": args.batch_size,
              "fid": round(fid, 3), "total_s": round(total_s, 1), "total_min": round(total_s / 60, 2),
              "generate_s": round(generate_s, 2), "features_s": round(features_s, 1),
              "ms_per_image": round(1000 * features_s / args.n, 1), "frechet_s": round(fid_s, 2),
              "real_s": round(real_s, 1), "real_cached": real_s < 60, "run": args.run,
              "torch": str(torch.__version__), "ganforge": ganforge.__version__}
    if args.compare_bf16:
        images = ctx.generated[: args.compare_bf16]
        net = ctx.inception
        _, fp32_s = timed(lambda: net(images))
        net.precision = "bf16"
        _, bf16_s = timed(lambda: net(images))
        deviation = net.deviation_from_fp32(images)
        net.precision = "fp32"
        result.update(bf16_ms_per_image=round(1000 * bf16_s / len(images), 1),
                      fp32_ms_per_image_sample=round(1000 * fp32_s / len(images), 1),
                      bf16_feature_deviation=round(deviation, 5))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
