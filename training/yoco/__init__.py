"""PyTorch reference of YOCO and a Transformer baseline (see model.py)."""
from .config import Config
from .model import YOCO, Transformer, build, init_weights
