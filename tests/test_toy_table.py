"""A new table needs no edit to any shared module: a toy Table 4 (tests/toy_table4: recipe, report and experiment modules)
registers itself, plans and runs at the tiny scale through the one runner and the CLI's functions."""
import sys, time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent / 'toy_table4'))   # the toy's modules import one another by name

def test_toy_table4_registers_plans_and_runs(tmp_path):
    import table4
    from paper_repro.experiment import all_experiments, get_experiment
    from paper_repro.reproduce import list_tables, plan, reproduce
    from paper_repro.tables import get_spec
    assert get_experiment(4) is table4.EXPERIMENT and get_spec(4) is table4.SPEC
    assert 4 in all_experiments() and 'Table 4 — Toy' in list_tables()
    recipe = tmp_path / 'tiny.yaml'
    recipe.write_text(yaml.safe_dump({'scale': 'tiny', 'items': 4}))
    assert 'training examples: 4' in plan(4, 'tiny', recipe)
    t0 = time.time()
    md, out = reproduce(4, 'tiny', [0], tmp_path / 'out', fresh=True, recipe=recipe)
    took = time.time() - t0
    assert out == tmp_path / 'out' / 'table4' / 'tiny' and (out / 'run.json').exists()
    assert '| Base | 1 |' in md and '| SFT | 1 |' in md and 'SFT − Base, accuracy on the trained items' in md
    assert took <= 30, f"the toy table took {took:.0f} s"
