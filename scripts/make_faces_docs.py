"""The README's faces pictures, from real runs: raw photo -> crop -> data check, then the trained models.

    GANFORGE_DATA=../shared/data python scripts/make_faces_docs.py --runs RUNS [--arithmetic A/B/C]

RUNS holds the faces reference runs (RUNS/<recipe>/<run folder>, as benchmarks/reference_results.py --out
writes them). Every picture is made by the same `ganforge` command a user would type; the commands are
printed. The raw photos are scikit-image's astronaut and camera man (public domain / their licences).
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from ganforge.viz.grid import shrink_png

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "images" / "faces"


def newest_run(runs: Path, recipe: str) -> Path:
    found = sorted(p.parent for p in (runs / recipe).glob("*/last.pt"))
    if not found:
        sys.exit(f"no finished {recipe} run under {runs / recipe}")
    return found[-1]


def ganforge(*args: str) -> str:
    print("$ ganforge " + " ".join(args))
    done = subprocess.run([sys.executable, "-m", "ganforge", *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr or done.stdout)
    return done.stdout


def raw_photo_path(work: Path) -> None:
    """Raw photos -> `ganforge faces crop` -> `ganforge data check`, and a before/after picture."""
    from skimage import data
    photos, crops = work / "photos", work / "crops"
    photos.mkdir(parents=True, exist_ok=True)
    Image.fromarray(data.astronaut()).save(photos / "astronaut.png")
    Image.fromarray(data.camera()).convert("RGB").save(photos / "camera.png")
    print(ganforge("faces", "crop", str(photos), str(crops), "--size", "64"))
    report = ganforge("data", "check", str(crops))
    print(report)
    crop = Image.open(crops / "astronaut.png").resize((256, 256), Image.Resampling.NEAREST)
    photo = Image.open(photos / "astronaut.png").resize((256, 256))
    canvas = Image.new("RGB", (256 * 2 + 16, 256), "white")
    canvas.paste(photo, (0, 0))
    canvas.paste(crop, (256 + 16, 0))
    canvas.save(OUT / "crop.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", required=True, help="folder of the faces reference runs")
    parser.add_argument("--unconditional", default="faces-dcgan-plus", help="recipe for walks, ranking, arithmetic")
    parser.add_argument("--conditional", default="faces-cgan-plus", help="recipe for the gender rows")
    parser.add_argument("--two-labels", default="faces-cgan-gender-age-plus", help="recipe for the gender x age rows")
    parser.add_argument("--arithmetic", help="A/B/C cells of the numbered grid, e.g. 3,17,40/5,9,22/11,12,30")
    parser.add_argument("--work", default="/tmp/ganforge-faces-docs")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    runs, work = Path(args.runs), Path(args.work)
    raw_photo_path(work)
    uncond = str(newest_run(runs, args.unconditional))
    cond = str(newest_run(runs, args.conditional))
    two = str(newest_run(runs, args.two_labels))
    shutil.copy(Path(uncond) / "real.png", OUT / "real.png") if (Path(uncond) / "real.png").is_file() else None
    ganforge("sample", uncond, "-n", "64", "--seed", "0", "-o", str(OUT / "samples.png"))
    ganforge("sample", cond, "--label-rows", "6", "--seed", "0", "-o", str(OUT / "gender-rows.png"))
    ganforge("sample", two, "--label-rows", "4", "--attribute", "age", "--label", "female", "--seed", "0",
             "-o", str(OUT / "age-rows-female.png"))
    for recipe in ("faces-dcgan", "faces-wgan", "faces-wgan-gp"):  # the textbook runs, same seed
        ganforge("sample", str(newest_run(runs, recipe)), "-n", "32", "--nrow", "8", "--seed", "0",
                 "-o", str(OUT / f"{recipe}.png"))
    ganforge("sample", cond, "-n", "32", "--nrow", "8", "--label", "female", "--seed", "0",
             "-o", str(OUT / "female.png"))
    ganforge("sample", str(newest_run(runs, "faces-cgan")), "--label-rows", "6", "--seed", "0",
             "-o", str(OUT / "gender-rows-textbook.png"))
    ganforge("interpolate", uncond, "--pairs", "4", "--steps", "8", "--seed", "1", "-o",
             str(OUT / "interpolation.png"), "--gif", str(OUT / "interpolation.gif"))
    ganforge("rank", uncond, "-n", "256", "--top", "8", "--bottom", "8", "--seed", "0", "-o", str(OUT / "ranked.png"))
    ganforge("arithmetic", uncond, "--grid", "--count", "64", "--seed", "0", "-o", str(work / "numbered-grid.png"))
    if args.arithmetic:
        a, b, c = args.arithmetic.split("/")
        ganforge("arithmetic", uncond, "--count", "64", "--seed", "0", "--a", a, "--b", b, "--c", c,
                 "-o", str(OUT / "arithmetic.png"))
    for png in OUT.glob("*.png"):
        shrink_png(png)
    print(f"pictures in {OUT}; pick the arithmetic cells from {work / 'numbered-grid.png'}")


if __name__ == "__main__":
    main()
