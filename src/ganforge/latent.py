"""Latent-space tools for trained methods: interpolation, walks, ranking by the discriminator, VAE encodings.

A generator here is any method that declares `LatentGenerator` (the GAN family, the VAE); ranking needs a
`DiscriminatorScorer`, encodings an `Autoencoder` (ganforge.capabilities).
"""
import torch

from .capabilities import Autoencoder, DiscriminatorScorer, LatentGenerator, is_conditional
from .errors import GanforgeError


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Rows of a and b mixed at each t: (pairs, D) x (steps,) -> (pairs, steps, D)."""
    t = t.view(1, -1, 1)
    return a.unsqueeze(1) * (1 - t) + b.unsqueeze(1) * t


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (Shoemake 1985; White 2016 for GAN latents): follows the great circle, so points
    of equal norm stay on their sphere where lerp would cut through the low-density middle of the Gaussian."""
    t = t.view(1, -1, 1)
    cos = torch.nn.functional.cosine_similarity(a, b, dim=1).clamp(-1, 1).view(-1, 1, 1)
    omega = torch.acos(cos)
    sin = torch.sin(omega)
    # Nearly parallel rows: the great circle is a straight line, and dividing by sin(omega) would blow up.
    parallel = sin.abs() < 1e-6
    safe = torch.where(parallel, torch.ones_like(sin), sin)
    wa = torch.where(parallel, 1 - t, torch.sin((1 - t) * omega) / safe)
    wb = torch.where(parallel, t, torch.sin(t * omega) / safe)
    return wa * a.unsqueeze(1) + wb * b.unsqueeze(1)


def generator_of(method, what: str):
    if not isinstance(method, LatentGenerator):
        raise GanforgeError(f"{what}: this run's method ('{type(method).__name__}') does not draw images from "
                            "a latent (use a GAN or VAE run)")
    return method


def pair_labels(method, count: int, label: int | None) -> torch.Tensor | None:
    """One class per row for conditional generators: the chosen one, else the classes in turn."""
    if not is_conditional(method):
        return None
    if label is not None:
        return torch.full((count,), label, dtype=torch.long)
    return torch.arange(count) % method.info.num_classes


def interpolate(method, pairs: int = 8, steps: int = 10, spherical: bool = False, seed: int = 0,
                label: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(images pairs x steps x C x H x W, latents pairs x steps x D): from one random latent to another per row.

    Column 0 and column steps-1 are exactly the images of the two endpoint latents; a conditional generator keeps
    each row's class fixed, so only the latent moves.
    """
    generator_of(method, "interpolation")
    if pairs < 1 or steps < 2:
        raise GanforgeError(f"interpolation needs at least 1 pair and 2 steps, not {pairs} and {steps}")
    noise = method.noise(2 * pairs, torch.Generator().manual_seed(seed)).cpu()
    a, b = noise[:pairs], noise[pairs:]
    t = torch.linspace(0, 1, steps)
    path = (slerp if spherical else lerp)(a, b, t)
    path[:, 0], path[:, -1] = a, b  # exact endpoints, whatever the rounding of the weights
    return generate_rows(method, path, label), path


def walk(method, rows: int = 8, step_size: float = 0.05, span: float = 1.0, dimension: int | None = None,
         seed: int = 0, label: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Each row starts at a random latent z and moves along one unit direction d: z + s d for s from -span to
    +span in steps of `step_size` (a latent axis when `dimension` is given, else a random direction)."""
    generator_of(method, "a latent walk")
    if step_size <= 0 or span <= 0:
        raise GanforgeError(f"--step-size and --span must be positive, not {step_size} and {span}")
    rng = torch.Generator().manual_seed(seed)
    start = method.noise(rows, rng).cpu()
    if dimension is None:
        direction = torch.randn(start.shape[1], generator=rng)
    else:
        if not 0 <= dimension < start.shape[1]:
            raise GanforgeError(f"--dimension {dimension} is outside the latent (0 to {start.shape[1] - 1})")
        direction = torch.zeros(start.shape[1])
        direction[dimension] = 1
    direction = direction / direction.norm()
    count = int(round(span / step_size))
    offsets = torch.arange(-count, count + 1) * step_size
    path = start.unsqueeze(1) + offsets.view(1, -1, 1) * direction
    return generate_rows(method, path, label), path


def generate_rows(method, path: torch.Tensor, label: int | None) -> torch.Tensor:
    rows, steps, dim = path.shape
    labels = pair_labels(method, rows, label)
    if labels is not None:
        labels = labels.repeat_interleave(steps)
    images = method.generate(path.reshape(rows * steps, dim), labels)
    return images.view(rows, steps, *images.shape[1:])


def rank_by_discriminator(method, n: int = 512, seed: int = 0, label: int | None = None,
                          batch_size: int = 256) -> tuple[torch.Tensor, torch.Tensor]:
    """n samples and their discriminator scores, highest (most real to D) first."""
    if not isinstance(method, DiscriminatorScorer):
        raise GanforgeError(f"ranking: this run's method ('{type(method).__name__}') has no discriminator "
                            "(use a GAN run)")
    if n < 1:
        raise GanforgeError(f"-n must be at least 1, not {n}")
    noise = method.noise(n, torch.Generator().manual_seed(seed)).cpu()
    labels = pair_labels(method, n, label)
    images = method.generate(noise, labels)
    scores = torch.cat([method.discriminator_scores(images[s: s + batch_size],
                                                    None if labels is None else labels[s: s + batch_size])
                        for s in range(0, n, batch_size)])
    order = torch.argsort(scores, descending=True)
    return images[order], scores[order]


def encoder_of(method, what: str):
    if not isinstance(method, Autoencoder):
        raise GanforgeError(f"{what}: this run's method ('{type(method).__name__}') has no encoder "
                            "(use a VAE run)")
    return method


def principal_axes(points: torch.Tensor, k: int = 2) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(mean, the top-k principal directions as rows, the spread along each) of N x D points."""
    mean = points.mean(0)
    _, singular, directions = torch.linalg.svd(points - mean, full_matrices=False)
    spread = singular[:k] / max(1, points.shape[0] - 1) ** 0.5
    # A fixed sign per axis, so the same run always gives the same picture.
    signs = torch.sign(directions[:k].sum(1, keepdim=True)).clamp(min=0) * 2 - 1
    return mean, directions[:k] * signs, spread


def latent_scatter_points(method, images: torch.Tensor) -> tuple[torch.Tensor, str]:
    """2-d points for a scatter plot: posterior means directly for a 2-d latent, else their top two principal
    components; and the axis name."""
    encoder_of(method, "a latent scatter")
    means, _ = method.encode(images)
    if means.shape[1] <= 2:
        return (means if means.shape[1] == 2 else torch.cat([means, torch.zeros_like(means)], 1)), "z"
    mean, axes, _ = principal_axes(means)
    return (means - mean) @ axes.T, "PC"


def grid_coordinates(size: int = 15, spacing: str = "gaussian", limit: float = 4.0) -> torch.Tensor:
    """size x size x 2 latent coordinates: Gaussian quantiles at evenly spaced probabilities (Kingma & Welling's
    figure: each cell covers equal prior mass), or evenly spaced over [-limit, limit]. Rows go top to bottom from
    high to low second coordinate, as on a plot."""
    if size < 2:
        raise GanforgeError(f"the manifold grid needs at least 2 cells a side, not {size}")
    if spacing == "gaussian":
        values = torch.special.ndtri(torch.linspace(0.5 / size, 1 - 0.5 / size, size, dtype=torch.float64)).float()
    elif spacing == "uniform":
        values = torch.linspace(-limit, limit, size)
    else:
        raise GanforgeError(f"unknown spacing '{spacing}': use gaussian or uniform")
    y, x = torch.meshgrid(values.flip(0), values, indexing="ij")
    return torch.stack([x, y], -1)


def manifold(method, size: int = 15, spacing: str = "gaussian", limit: float = 4.0,
             images: torch.Tensor | None = None) -> torch.Tensor:
    """size*size decoded images over a 2-d latent grid, row by row. A larger latent is walked in the plane of its
    two main principal components through the encoded `images`, in units of their spread along each."""
    generator_of(method, "a manifold grid")
    grid = grid_coordinates(size, spacing, limit).view(-1, 2)
    dim = method.noise(1, torch.Generator().manual_seed(0)).shape[1]
    if dim == 2:
        latents = grid
    elif images is None:
        raise GanforgeError(f"a manifold grid over a {dim}-d latent needs data to find its main plane (data.root)")
    else:
        means, _ = encoder_of(method, f"a manifold grid over a {dim}-d latent").encode(images)
        mean, axes, spread = principal_axes(means)
        latents = mean + (grid * spread) @ axes
    return method.generate(latents)


def reconstruction_rows(method, images: torch.Tensor, per_row: int = 8) -> torch.Tensor:
    """Inputs above their reconstructions: row pairs of `per_row` images, ready for a grid of `per_row` columns."""
    outputs = encoder_of(method, "reconstructions").reconstruct(images)
    rows = []
    for start in range(0, images.shape[0], per_row):
        rows += [images[start: start + per_row].float(), outputs[start: start + per_row]]
    return torch.cat(rows)


def truncated_noise(method, n: int, seed: int, truncation: float = 0.0, temperature: float = 1.0) -> torch.Tensor:
    """The method's latent noise with the truncation trick (Brock et al. 2019: every entry with |z| > truncation is
    drawn again, trading variety for quality; 0 = off), then scaled by `temperature` (1 = the prior)."""
    # Below 0.05 almost every draw is refused: the loop would take very long for a latent that is nearly 0 anyway.
    if not (truncation == 0 or truncation >= 0.05) or temperature <= 0:
        raise GanforgeError(f"truncation must be 0 (off) or at least 0.05, and temperature > 0; not {truncation} "
                            f"and {temperature}")
    rng = torch.Generator().manual_seed(seed)
    noise = method.noise(n, rng).cpu()
    if truncation > 0:
        outside = noise.abs() > truncation
        while outside.any():
            noise[outside] = method.noise(n, rng).cpu()[outside]
            outside = noise.abs() > truncation
    return noise * temperature


def seed_path(method, seed_a: int, seed_b: int, steps: int, spherical: bool = False) -> torch.Tensor:
    """steps x D latents from the latent of seed_a to that of seed_b (each seed's first noise draw)."""
    generator_of(method, "interpolation")
    if steps < 2:
        raise GanforgeError(f"interpolation needs at least 2 steps, not {steps}")
    a = method.noise(1, torch.Generator().manual_seed(seed_a)).cpu()
    b = method.noise(1, torch.Generator().manual_seed(seed_b)).cpu()
    path = (slerp if spherical else lerp)(a, b, torch.linspace(0, 1, steps))[0]
    path[0], path[-1] = a[0], b[0]
    return path
