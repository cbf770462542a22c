"""Shuffled batches from an in-memory uint8 dataset: deterministic per epoch, resumable, sharded per DDP rank."""
import torch

from ..errors import GanforgeError
from .image_data import ImageData, to_float


class BatchStream:
    """Epoch e visits a permutation seeded by (seed, e), so (epoch, position) is all a checkpoint needs."""

    def __init__(self, data: ImageData, batch_size: int, seed: int = 0, rank: int = 0, world_size: int = 1,
                 device: torch.device | str = "cpu", channels_last: bool = False):
        self.data = data
        self.batch_size = batch_size
        self.seed = seed
        self.rank, self.world_size = rank, world_size
        self.device = torch.device(device)
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format
        self.per_rank = len(data) // world_size
        if self.per_rank < batch_size:
            raise GanforgeError(f"{data.source} has {len(data)} images, fewer than one batch of {batch_size} per "
                                f"process; lower train.batch_size or add images")
        self.epoch, self.position = 0, 0
        self._order_epoch, self._order = -1, None

    @property
    def steps_per_epoch(self) -> int:
        return self.per_rank // self.batch_size

    def order(self) -> torch.Tensor:
        if self._order_epoch != self.epoch:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch)
            permutation = torch.randperm(len(self.data), generator=generator)
            self._order = permutation[self.rank: self.per_rank * self.world_size: self.world_size]
            self._order_epoch = self.epoch
        return self._order

    def next_indices(self, count: int) -> torch.Tensor:
        if self.position + count > self.per_rank:  # drop the ragged end of an epoch
            self.epoch, self.position = self.epoch + 1, 0
            if count > self.per_rank:
                raise GanforgeError(f"a step needs {count} images but the dataset shard has {self.per_rank}")
        indices = self.order()[self.position: self.position + count]
        self.position += count
        return indices

    def next(self, count: int | None = None, batches: int = 1) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Images in [-1, 1] on the device (converted there, so uint8 is what crosses the bus) and labels.

        `batches` > 1 joins that many batches (a WGAN's critic steps); they may run over several epochs.
        """
        count = count or self.batch_size
        indices = torch.cat([self.next_indices(count) for _ in range(batches)]) if batches > 1 \
            else self.next_indices(count)
        images = self.data.images[indices].to(self.device, non_blocking=True)
        images = to_float(images).contiguous(memory_format=self.memory_format)
        labels = self.data.labels[indices].to(self.device) if self.data.labels is not None else None
        return images, labels

    def state_dict(self) -> dict:
        return {"epoch": self.epoch, "position": self.position}

    def load_state_dict(self, state: dict) -> None:
        self.epoch, self.position = int(state["epoch"]), int(state["position"])
