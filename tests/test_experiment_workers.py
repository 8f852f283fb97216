"""`workers = 2` on a CPU: each arm in its own real process (`python -m paper_repro.experiment --experiment …`), a time
budget that stops them (rows `not run (time)`), then a rerun that resumes from the stages they completed."""
import os, time
from dataclasses import dataclass, replace
from pathlib import Path

from paper_repro.core import cfg_field, read_json, write_json
from paper_repro.experiment import Experiment, SeedRun, run_seed

@dataclass
class SlowToyConfig:
    scale: str = cfg_field('tiny', 'data scale'); model: str = cfg_field('toy', 'start model')
    arms: list = cfg_field(['plus1', 'plus2'], 'arms'); rounds: int = cfg_field(40, 'R')
    eval_every_round: bool = cfg_field(False, 'evaluate every round'); deterministic: bool = cfg_field(False, 'cuda determinism')
    workers: int = cfg_field(2, 'processes'); time_budget_s: float = cfg_field(0, 'budget')
    step_s: float = cfg_field(0.25, 'seconds one training round takes')

class _Counter:   # the toy's "model": a number that training adds to
    def __init__(self, v): self.v = v
    def save_pretrained(self, d): Path(d).mkdir(parents=True, exist_ok=True); (Path(d) / 'v').write_text(str(self.v))

class _Tok:
    def save_pretrained(self, d): pass

class SlowToyRun(SeedRun):
    def load(self, path=None): return _Counter(int((Path(path) / 'v').read_text()) if path else 0), _Tok()

class SlowToy(Experiment):
    "Arm plusN adds N per round; a round takes `step_s` and records the process and the time it ran in."
    table, name, config_cls, run_cls = 98, 'slowtoy', SlowToyConfig, SlowToyRun
    def prepare(self, run, arm, r): return {'step': int(arm[-1])}
    def train(self, run, arm, r, prep, model, tok, d):
        if os.environ.get('TOY_OOM_ARM') == arm and os.getpid() != int(os.environ['TOY_MAIN_PID']) and r == 2:
            import torch; raise torch.OutOfMemoryError('CUDA out of memory (a stand-in: the GPU shared by every worker)')
        t0 = time.time(); time.sleep(run.cfg.step_s)
        return _Counter(model.v + prep['step']), {'pid': os.getpid(), 't0': t0, 't1': time.time()}
    def evaluate(self, run, model, tok, d): return {'value': float(model.v)}

def test_two_workers_budget_then_resume(tmp_path, monkeypatch):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'cache'))              # workers inherit the cache …
    here = str(Path(__file__).resolve().parent)                                    # … and can import this module
    monkeypatch.setenv('PYTHONPATH', here + os.pathsep + os.environ.get('PYTHONPATH', ''))
    exp, cfg = SlowToy(), SlowToyConfig()
    # 40 rounds of 0.25 s each cannot finish in an 8-s budget: both workers are stopped, both rows 'not run (time)'
    t0 = time.time()
    raw = run_seed(exp, replace(cfg, time_budget_s=8), 0)
    assert time.time() - t0 < 8 + 20                                               # stopped at the budget, not at the end
    assert raw['not_run_time'] == ['plus1', 'plus2'] and list(raw['rows']) == ['base'], raw['not_run_time']
    run = SlowToyRun(exp, cfg, 0)
    assert (run.dir / 'worker-plus1.log').exists() and (run.dir / 'worker-plus2.log').exists()
    before = {s.name: read_json(s / 'result.json') for s in (run.dir / 'stages').glob('plus*__train') if (s / 'result.json').exists()}
    # (how many rounds finish inside the budget depends on the worker's start-up: importing torch takes 2-20 s)
    # the rerun (same recipe, no budget) resumes: completed rounds are not trained again, the rows complete
    t1 = time.time()
    raw2 = run_seed(exp, cfg, 0)
    assert raw2['not_run_time'] == [] and raw2['rows'] == {'base': {'value': 0.0}, 'plus1': {'value': 40.0}, 'plus2': {'value': 80.0}}
    after = {s.name: read_json(s / 'result.json') for s in (run.dir / 'stages').glob('plus*__train')}
    assert all(after[k] == v for k, v in before.items())                          # kept, not recomputed
    # every round trained in a worker process, one per arm, and the two arms ran at the same time
    pids = {a: {after[f'{a}__r{r}__train']['pid'] for r in range(1, 41)} for a in ('plus1', 'plus2')}
    assert os.getpid() not in pids['plus1'] | pids['plus2'] and not pids['plus1'] & pids['plus2']
    span = {a: (min(after[f'{a}__r{r}__train']['t0'] for r in range(1, 41)), max(after[f'{a}__r{r}__train']['t1'] for r in range(1, 41)))
            for a in ('plus1', 'plus2')}
    assert span['plus1'][0] < span['plus2'][1] and span['plus2'][0] < span['plus1'][1]
    assert not list((run.dir / 'stages').glob('.tmp-*'))                          # the killed workers' leftovers are gone
    print(f"rounds completed before the budget: {len(before)} of 80; first run {t1 - t0:.1f} s, rerun {time.time() - t1:.1f} s")

def test_worker_out_of_gpu_memory_resumes_alone(tmp_path, monkeypatch, capfd):
    """A worker that runs out of (shared) GPU memory exits with `experiment.OOM_EXIT`; the parent resumes its arm alone after the
    others finish, from the rounds the worker completed — the seed completes instead of failing (seen on one H200
    with five Table 1 workers, 2026-12-02)."""
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setenv('PYTHONPATH', str(Path(__file__).resolve().parent) + os.pathsep + os.environ.get('PYTHONPATH', ''))
    monkeypatch.setenv('TOY_OOM_ARM', 'plus2'); monkeypatch.setenv('TOY_MAIN_PID', str(os.getpid()))
    exp, cfg = SlowToy(), SlowToyConfig(rounds=3, step_s=0.01)
    raw = run_seed(exp, cfg, 0)
    assert raw['not_run_time'] == [] and raw['rows'] == {'base': {'value': 0.0}, 'plus1': {'value': 3.0}, 'plus2': {'value': 6.0}}
    run = SlowToyRun(exp, cfg, 0)
    pid = {r: read_json(run.stage_dir(f'plus2__r{r}__train') / 'result.json')['pid'] for r in (1, 2, 3)}
    assert pid[1] != os.getpid() and pid[2] == pid[3] == os.getpid()              # round 1 in the worker, the rest here
    assert 'OutOfMemoryError' in (run.dir / 'worker-plus2.log').read_text()
    assert 'ran out of GPU memory' in capfd.readouterr().err

def test_budget_stops_launching_workers(tmp_path, monkeypatch):
    """More arms than workers: once the budget is spent no further worker is launched (before, the launch loop waited for
    a free slot — a worker finishing all its rounds, far past the budget — and then started the next arm; seen on one
    H200 with Table 2's nine arms on four workers, 2026-12-02)."""
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'cache'))
    monkeypatch.setenv('PYTHONPATH', str(Path(__file__).resolve().parent) + os.pathsep + os.environ.get('PYTHONPATH', ''))
    exp, cfg = SlowToy(), SlowToyConfig(arms=['plus1', 'plus2', 'plus3'], time_budget_s=6)   # 40 × 0.25 s > 6 s per arm
    t0 = time.time()
    raw = run_seed(exp, cfg, 0)
    assert raw['not_run_time'] == ['plus1', 'plus2', 'plus3'] and list(raw['rows']) == ['base']
    assert not (SlowToyRun(exp, cfg, 0).dir / 'worker-plus3.log').exists()      # the third arm was never launched
    assert time.time() - t0 < 6 + 8, time.time() - t0                             # stopped at the budget
