"""PyTorch's own DDP under torchrun: gloo on CPU, nccl on GPU; a plain single process otherwise."""
import os
import sys
from dataclasses import dataclass

import torch
import torch.distributed as dist
import torch.nn as nn

from .errors import GanforgeError


@dataclass
class DistContext:
    rank: int = 0
    world_size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    if name == "auto":
        return torch.device("cuda", local_rank) if torch.cuda.is_available() else torch.device("cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise GanforgeError(f"train.device={name} asks for CUDA but no GPU is visible; use train.device=cpu or auto")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise GanforgeError(f"train.device={name}: this machine has {torch.cuda.device_count()} GPU(s), "
                            f"cuda:0 to cuda:{torch.cuda.device_count() - 1}; pick one of them or use auto")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise GanforgeError("train.device=mps but this machine has no Apple GPU; use train.device=cpu or auto")
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", local_rank)
    return device


def init_distributed(device_name: str) -> DistContext:
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = resolve_device(device_name, local_rank)
    if world_size == 1:
        return DistContext(0, 1, device)
    if not dist.is_initialized():
        if device.type == "cuda":
            torch.cuda.set_device(device)
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
    return DistContext(dist.get_rank(), world_size, device)


def wrapper(ctx: DistContext, compile_model: bool):
    """How the loop turns a network into its training form: DDP when distributed, then torch.compile if asked."""
    def wrap(module: nn.Module) -> nn.Module:
        if ctx.distributed:
            module = nn.parallel.DistributedDataParallel(
                module, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None)
        return torch.compile(module) if compile_model else module
    return wrap


def any_rank(flag: bool, ctx: DistContext) -> bool:
    """True on every rank if it is true on any rank (so all ranks stop at the same step)."""
    if not ctx.distributed:
        return flag
    tensor = torch.tensor([int(flag)], device=ctx.device)
    dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
    return bool(tensor.item())


def gather_objects(obj, ctx: DistContext) -> list:
    if not ctx.distributed:
        return [obj]
    out = [None] * ctx.world_size
    dist.all_gather_object(out, obj)
    return out


def broadcast_object(obj, ctx: DistContext):
    if not ctx.distributed:
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]


_worker_ended = False


def shutdown(ctx: DistContext) -> None:
    global _worker_ended
    if ctx.distributed and dist.is_initialized():
        # Rank 0 ends with work of its own (grids, label rows, plots): tearing gloo down on one rank while the
        # other still holds the connection aborted the process now and then ("terminate called ...").
        dist.barrier()
        dist.destroy_process_group()
        _worker_ended = True


def exit_worker(code: int) -> None:
    """End a torchrun worker process without the interpreter's teardown. DDP's reducer keeps gloo's process
    group alive past destroy_process_group; freeing it while Python finalises aborted a rank now and then
    (SIGABRT, "terminate called without an active exception": 1 CI run of ~30, even with the barrier)."""
    if _worker_ended:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
