LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def add(sub) -> None:
    p = sub.add_parser("app", help="a local web app for every trained run (generate, explore, translate, watch)",
                       description="Starts a gradio page listing the runs under RUNS_DIR: generate grids, interpolate "
                                   "and walk the latent space, translate or stylise uploads, watch a run train.")
    p.add_argument("runs_dir", nargs="?", default="runs", help="folder holding run folders (default runs)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)")
    p.add_argument("--max-megapixels", type=float, default=20.0, help="largest upload accepted (default 20 MP)")
    p.add_argument("--data-root", help="dataset folder for the VAE manifold and scatter (default: the run's data.root "
                                       "or GANFORGE_DATA)")
    p.add_argument("--refresh", type=float, default=5.0, help="Watch tab: seconds between refreshes")
    p.set_defaults(func=run)


def run(args) -> None:
    import os
    import sys
    from ..errors import GanforgeError
    from ..run_index import find_runs
    if args.max_megapixels <= 0 or args.refresh <= 0:
        raise GanforgeError("--max-megapixels and --refresh must be positive")
    runs = find_runs(args.runs_dir)
    if not runs:
        print(f"note: no ganforge runs under {args.runs_dir} yet (folders with config.yaml and last.pt), so the app "
              "shows the starter models shipped with ganforge; train a run with `ganforge train` and it appears "
              "on its own", file=sys.stderr)
    if args.host not in LOCAL_HOSTS:
        print(f"warning: --host {args.host} makes the app reachable from other machines; it has no login, and "
              "anyone who reaches it can run your models and upload files", file=sys.stderr)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ..app.ui import build_app  # deferred: gradio takes seconds to import
    app = build_app(args.runs_dir, args.max_megapixels, args.data_root, args.refresh)
    print(f"{len(runs)} run(s) under {args.runs_dir}; open http://{args.host}:{args.port}", flush=True)
    app.launch(server_name=args.host, server_port=args.port, allowed_paths=[str(app.out_dir)], show_error=True,
               quiet=True)
