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
    recipe.write_text(yaml.safe_dump({'scale': 'tiny', 'items': 4, 'keep_models': False}))
    assert 'training examples: 4' in plan(4, 'tiny', recipe)
    t0 = time.time()
    md, out = reproduce(4, 'tiny', [0], tmp_path / 'out', fresh=True, recipe=recipe)
    took = time.time() - t0
    assert out == tmp_path / 'out' / 'table4' / 'tiny' and (out / 'run.json').exists()
    assert '| Base | 1 |' in md and '| SFT | 1 |' in md and 'SFT − Base, accuracy on the trained items' in md
    assert took <= 30, f"the toy table took {took:.0f} s"
    import json
    run_dir = Path(json.loads((out / 'run.json').read_text())['run_dirs'][0])   # keep_models: false removed the weights
    assert (run_dir / 'stages' / 'sft__r1__train' / 'result.json').exists() and not (run_dir / 'stages' / 'sft__r1__train' / 'model').exists()


def test_toy_table4_resumes_after_kill_mid_training(tmp_path):
    """Killed while round 2 trains, then rerun: the same table as an uninterrupted run, no leftovers. (The runner's
    resume, for every table: stages complete atomically, a killed stage is redone from its round's saved state.)"""
    import os, shutil, signal, subprocess
    toy = Path(__file__).parent / 'toy_table4'
    recipe = tmp_path / 'tiny.yaml'
    recipe.write_text(yaml.safe_dump({'scale': 'tiny', 'items': 4, 'rounds': 2}))
    shared = Path(os.environ.get('PAPER_REPRO_CACHE') or Path.home() / '.cache' / 'paper_repro')

    def cmd(out): return [sys.executable, '-c', f"import sys; sys.path.insert(0, {str(toy)!r}); import table4; "
                          "from paper_repro.reproduce import main; sys.exit(main(sys.argv[1:]))",
                          '--table', '4', '--scale', 'tiny', '--recipe', str(recipe), '--out', str(out)]
    def env(name):   # a fresh run cache sharing the converted model
        (tmp_path / name).mkdir()
        if (shared / 'models').exists(): os.symlink(shared / 'models', tmp_path / name / 'models')
        return dict(os.environ, PAPER_REPRO_CACHE=str(tmp_path / name), OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')

    ra = subprocess.run(cmd(tmp_path / 'a'), env=env('cache_a'), capture_output=True, text=True, timeout=600)
    assert ra.returncode == 0, ra.stderr[-3000:]
    env_b = env('cache_b')
    p = subprocess.Popen(cmd(tmp_path / 'b'), env=env_b, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    stages = tmp_path / 'cache_b' / 'runs' / 'table4_toy'
    t0, killed = time.time(), False
    while time.time() - t0 < 600 and p.poll() is None:
        if list(stages.glob('*/stages/.tmp-sft__r2__train-*')):   # round 1 saved, round 2 training
            os.killpg(p.pid, signal.SIGKILL); killed = True; break
        time.sleep(0.02)
    p.wait()
    assert killed, 'the run finished before it could be killed in round 2'
    assert not (tmp_path / 'b' / 'table4' / 'tiny' / 'run.json').exists()   # no table from an unfinished run
    rb = subprocess.run(cmd(tmp_path / 'b'), env=env_b, capture_output=True, text=True, timeout=600)
    assert rb.returncode == 0, rb.stderr[-3000:]
    assert (tmp_path / 'b' / 'table4' / 'tiny' / 'table.csv').read_text() == (tmp_path / 'a' / 'table4' / 'tiny' / 'table.csv').read_text()
    assert not list(stages.glob('*/stages/.tmp-*'))
