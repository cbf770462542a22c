"""Write docs/recipes/RECIPE.md, one page per recipe with reference results, and docs/recipes/README.md.

    python docs/make_recipe_pages.py       # from benchmarks/RESULTS.md, FACES.md and their grids in benchmarks/results/
    python docs/make_recipe_pages.py --runs runs/reference runs/faces   # also the curves of the runs found there

A page holds the command, what the recipe is, its YAML (whose comments say which textbook settings it keeps or
changes and why), the reference scores and CPU-minutes, the sample grid and, when the runs are present, their
curves (losses and every recorded metric over steps, as `ganforge plot --compare` draws them).
"""
import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ganforge.config import recipe_path  # noqa: E402

OUT = REPO / "docs" / "recipes"


def results_table(results_md: Path) -> tuple[list[str], dict[str, dict[str, str]], str]:
    """(column names, recipe -> {column: cell}, the 'Measured ...' line) from RESULTS.md's table."""
    text = results_md.read_text()
    measured = next((line for line in text.splitlines() if line.startswith("Measured")), "")
    lines = [line for line in text.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {}
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(header, cells))
    return header, rows, measured


def readme_description(recipe: str) -> str:
    """The recipe's row in the README's recipe table ('what it is'), if it has one."""
    for line in (REPO / "README.md").read_text().splitlines():
        if line.startswith("|") and f"`{recipe}`" in line.split("|")[1]:
            return line.split("|")[2].strip()
    return ""


def recipe_comments(yaml_text: str) -> list[str]:
    """The recipe's leading comment lines (the hard-wrapped prose that says why), as lines."""
    return [line.lstrip("# ").rstrip() for line in yaml_text.splitlines() if line.startswith("#")]


def newest_run(runs: Path | None, recipe: str) -> Path | None:
    if runs is None or not runs.is_dir():
        return None
    from ganforge.run_index import find_runs
    matching = [r.path for r in find_runs(runs) if r.recipe == recipe and r.has_checkpoint]
    return matching[0] if matching else None


def page(recipe: str, row: dict[str, str], measured: str, run: Path | None, out: Path = OUT,
         results_name: str = "RESULTS.md") -> str:
    yaml_text = recipe_path(recipe).read_text()
    comments = recipe_comments(yaml_text)
    what = readme_description(recipe) or (comments[0] if comments else "")
    scores = [(k, v) for k, v in row.items() if k not in ("recipe", "samples")]
    image = re.search(r"\((results/[^)]+)\)", row.get("samples", ""))
    lines = [f"# {recipe}", "", what, "", "## Command", "", "```bash", f"ganforge train {recipe}", "```", "",
             "## Settings: what it keeps from the textbook and what it changes", "",
             " ".join(comments), "", "The recipe file (`ganforge recipes --show "
             f"{recipe}` prints it with every default):", "", "```yaml", yaml_text.rstrip(), "```", "",
             "## Reference results", "", measured + f" See [benchmarks/{results_name}](../../benchmarks/{results_name}) "
             "for how each number is measured.", "",
             "| " + " | ".join(k for k, _ in scores) + " |", "|" + "---|" * len(scores),
             "| " + " | ".join(v for _, v in scores) + " |", ""]
    if image:
        lines += ["## Samples", "", f"![{recipe} samples](../../benchmarks/{image.group(1)})", ""]
    lines += ["## Curves", ""]
    if run is not None:
        from ganforge.viz.compare import plot_compare
        from ganforge.viz.grid import shrink_png
        curves = shrink_png(plot_compare([run], out / "images" / f"{recipe}-curves.png", "step", names=[recipe]))
        lines += [f"Losses and every recorded metric over steps, from the reference run `{run.name}`:", "",
                  f"![{recipe} curves](images/{curves.name})", ""]
    else:
        lines += ["Not part of the published results: regenerate the runs with `benchmarks/reference_results.py` "
                  "and this page with `python docs/make_recipe_pages.py --runs RUNS_DIR`, or draw any runs' curves "
                  "with `ganforge plot --compare RUN ...`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", nargs="+", help="results tables (default: benchmarks/RESULTS.md and FACES.md)",
                        default=[str(p) for p in (REPO / "benchmarks" / n for n in ("RESULTS.md", "FACES.md"))
                                 if p.is_file()])
    parser.add_argument("--runs", nargs="*", default=[],
                        help="folders holding the reference runs (RUNS/RECIPE/...), for the curves")
    parser.add_argument("--out", default=str(OUT), help="where the pages go (default docs/recipes)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    names = ", ".join(f"[benchmarks/{Path(r).name}](../../benchmarks/{Path(r).name})" for r in args.results)
    index = ["# Recipes with reference results", "", f"Generated by `python docs/make_recipe_pages.py` from {names}; "
             "each page: the command, what the recipe keeps from the textbook and what it changes, CPU-minutes, "
             "scores, samples and curves.", "",
             "| recipe | what it is | FID |",
             "|---|---|---|"]
    for results in map(Path, args.results):
        _, rows, measured = results_table(results)
        for recipe, row in rows.items():
            run = next(filter(None, (newest_run(Path(r), recipe) for r in args.runs)), None)
            (out / f"{recipe}.md").write_text(page(recipe, row, measured, run, out, results.name))
            fid = next((v for k, v in row.items() if k.startswith("FID")), "")
            what = readme_description(recipe) or recipe_comments(recipe_path(recipe).read_text())[0]
            index.append(f"| [{recipe}]({recipe}.md) | {what.split(':')[0]} | {fid} |")
            print(f"wrote {out / f'{recipe}.md'}" + (f" (curves from {run})" if run else ""))
    (out / "README.md").write_text("\n".join(index) + "\n")


if __name__ == "__main__":
    main()
