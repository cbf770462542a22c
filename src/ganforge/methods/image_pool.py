"""The history of generated images that CycleGAN's discriminators train on (Shrivastava et al. 2017): showing
D older fakes as well as the newest keeps G and D from chasing each other in circles."""
import torch


class ImagePool:
    """Up to `size` past fakes. While filling, fakes pass through and are kept; once full, each fake is, with
    probability 1/2, swapped for a random stored one (which is returned instead). Draws from the global RNG,
    which checkpoints save, so resume stays exact."""

    def __init__(self, size: int = 50):
        self.size = size
        self.images: list[torch.Tensor] = []

    def query(self, fakes: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return fakes
        out = []
        for image in fakes.detach():
            if len(self.images) < self.size:
                self.images.append(image.clone())
                out.append(image)
            elif torch.rand(()) < 0.5:
                k = int(torch.randint(len(self.images), ()))
                out.append(self.images[k])
                self.images[k] = image.clone()
            else:
                out.append(image)
        return torch.stack(out)

    def state_dict(self) -> dict:
        return {"images": torch.stack(self.images).cpu() if self.images else torch.zeros(0)}

    def load_state_dict(self, state: dict, device: torch.device | str = "cpu") -> None:
        self.images = [image.to(device) for image in state["images"]]
