"Table 4's recipe, spec and claims: SFT on four math items against the Base model (a toy)."
from dataclasses import dataclass

from paper_repro.core import cfg_field
from paper_repro.preference import SFTSettings
from paper_repro.sampling import SamplingConfig
from paper_repro.tables import Claim, TableSpec, register_spec

SPEC = register_spec(TableSpec(4, 'Toy — SFT on four math items', 'none', rows={'base': 'Base', 'sft': 'SFT'},
                               columns={'accuracy': 'Accuracy', 'd_accuracy': 'Δ'}))

@dataclass
class Table4Config:
    "Recipe of the toy table."
    scale: str = cfg_field('tiny', "data scale")
    model: str = cfg_field('smollm2-135m-instruct', "the Base model")
    arms: list = cfg_field(['sft'], "rows to train")
    rounds: int = cfg_field(1, "rounds per row")
    items: int = cfg_field(4, "math training items, also the test items (a toy: it measures memorisation)")
    sft: SFTSettings = cfg_field(SFTSettings(learning_rate=1e-4, epochs=1, per_device_batch_size=4, max_length=256), "the SFT row")
    generation: SamplingConfig = cfg_field(SamplingConfig(k=1, temperature=0.0, max_new_tokens=24, batch_size=4), "greedy answers")
    workers: int = cfg_field(1, "rows run as this many processes")
    deterministic: bool = cfg_field(False, "bit-reproducible CUDA sampling")
    time_budget_s: float = cfg_field(0, "budget of one seed (0 = none)")
    keep_models: bool = cfg_field(True, "keep the trained weights once a seed is done")

CLAIMS = [Claim('sft_vs_base', 'SFT − Base, accuracy on the trained items', 'n/r', 'sft', 'base', 'accuracy', ['math'])]
