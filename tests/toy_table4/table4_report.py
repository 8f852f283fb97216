"What Table 4 reports, from the recipe and the seeds' raw results alone."
from paper_repro.core import config_to_dict
from table4_recipe import Table4Config

def table4_deviations(cfg: Table4Config) -> list[str]:
    return [f"A toy: SFT (lr {cfg.sft.learning_rate:g}) on {cfg.items} tiny math items, tested on the same items."]

def table4_plan(cfg: Table4Config) -> dict:
    return {'recipe': config_to_dict(cfg), 'per row': {a: {'training examples': cfg.items} for a in cfg.arms},
            'evaluations': 1 + len(cfg.arms)}
