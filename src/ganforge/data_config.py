"""What data to train on: the data layer's own config (the run config composes it as `data`)."""
from dataclasses import dataclass
from typing import Optional

from .config_ranges import between, one_of, POSITIVE, declare_ranges


@dataclass
class DataConfig:
    name: str = "mnist"  # mnist | folder | paired | unpaired (two domains, for pix2pix / CycleGAN)
    root: Optional[str] = None  # dataset location; GANFORGE_DATA when unset; embedded MNIST subset when both unset
    subdir: str = ""  # a dataset's folder under root (e.g. facades), used when root is the folder of all datasets
    split: str = "train"  # train | test; a folder has them only when holdout > 0
    holdout: float = 0.0  # folders: this fraction of files (chosen by a hash of the file name) is held out as "test"
    image_size: int = 28
    channels: int = 1
    labels: str = "auto"  # auto | folders | filename | none
    label_pattern: str = ""  # labels=filename: a preset (utkface-gender, utkface-age, utkface-race), presets joined
    # by commas for several labels at once (utkface-gender,utkface-age), or a regex with (?P<label>...)
    direction: str = "AtoB"  # paired: which side is the input (AtoB: A -> B; BtoA: B -> A)
    root_b: Optional[str] = None  # unpaired: domain B's folder when data.root is domain A's
    jitter: bool = False  # pix2pix jitter for training: store 286/256 larger, random crop and flip each step
    download: bool = False  # let torchvision download MNIST into root
    cache: bool = True  # keep the decoded uint8 tensor on disk so later runs skip decoding


declare_ranges(DataConfig, image_size=POSITIVE, channels=one_of(1, 3), holdout=between(0, 0.9))
