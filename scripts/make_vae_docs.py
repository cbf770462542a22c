"""Regenerate the pictures of docs/vae-and-latent.md from trained run folders, with the same CLI a user runs.

    python scripts/make_vae_docs.py --vae RUN --vae20 RUN --dcgan RUN [--data-root DIR]

RUN folders come from `ganforge train mnist-vae`, `mnist-vae-20` and `mnist-dcgan`; --data-root is needed when
the runs' data.root does not resolve from here. Writes docs/images/vae-*.png, vae20-*.png, dcgan-*.png / .gif
and prints each run's last held-out bound (metrics.jsonl).
"""
import argparse
from pathlib import Path

from ganforge.cli import main as ganforge
from ganforge.run_log import held_out_rows

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def run(*args: str) -> None:
    print("ganforge", " ".join(args))
    if ganforge(list(args)) != 0:
        raise SystemExit(f"failed: ganforge {' '.join(args)}")


def last_bound(run_dir: str) -> str:
    rows = held_out_rows(Path(run_dir))
    if not rows:
        return "no held-out scores in metrics.jsonl"
    last = rows[-1]
    return (f"step {last['step']} (epoch {last['epoch']}): {last['neg_elbo_nats']:.2f} nats, "
            f"{last['bits_per_dim']:.4f} bits/dim on {last['data']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vae", required=True, help="mnist-vae run (2-d latent)")
    parser.add_argument("--vae20", required=True, help="mnist-vae-20 run (20-d latent)")
    parser.add_argument("--dcgan", required=True, help="mnist-dcgan run")
    parser.add_argument("--data-root", help="MNIST folder, if the runs' data.root does not resolve from here")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    data = ["--data-root", args.data_root] if args.data_root else []
    for kind in ("recon", "samples", "scatter", "manifold"):
        run("plot", args.vae, "--kind", kind, *data, "-o", str(OUT / f"vae-{kind}.png"))
    run("plot", args.vae, "--kind", "manifold", "--spacing", "uniform", "-o", str(OUT / "vae-manifold-uniform.png"))
    for kind in ("recon", "scatter", "manifold"):
        run("plot", args.vae20, "--kind", kind, *data, "-o", str(OUT / f"vae20-{kind}.png"))
    run("interpolate", args.vae, "--pairs", "8", "--steps", "10", "-o", str(OUT / "vae-interpolation.png"),
        "--gif", str(OUT / "vae-interpolation.gif"))
    run("interpolate", args.dcgan, "--pairs", "8", "--steps", "10", "--slerp", "-o",
        str(OUT / "dcgan-interpolation.png"), "--gif", str(OUT / "dcgan-interpolation.gif"))
    run("interpolate", args.vae, "--walk", "--dimension", "0", "--pairs", "4", "--step-size", "0.05", "--span", "1.0",
        "-o", str(OUT / "vae-walk.png"))
    # A 100-d latent moves little in 0.05 steps: a longer walk in 0.2 steps shows the change.
    run("interpolate", args.dcgan, "--walk", "--pairs", "4", "--step-size", "0.2", "--span", "4", "--seed", "1",
        "-o", str(OUT / "dcgan-walk.png"))
    run("rank", args.dcgan, "-n", "512", "--top", "16", "--bottom", "16", "-o", str(OUT / "dcgan-ranked.png"))
    for name, run_dir in (("mnist-vae", args.vae), ("mnist-vae-20", args.vae20)):
        print(f"{name}: {last_bound(run_dir)}")


if __name__ == "__main__":
    main()
