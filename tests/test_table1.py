"""Table 1 (APT) through the CLI at the tiny scale: mining finds a bad case, retrieval a similar case, every row trains
at least one step and has every column, the claims block and the figures are written, and the run record too."""
import json, math, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ('domain', 'math_avg', 'transfer', 'ifeval_prompt', 'ifeval_inst', 'mc', 'prose_bpb')

def test_table1_tiny_cli(tmp_path):
    # The user cache, not a fresh one: in CI the walkthrough notebooks ran this same tiny recipe minutes before, so the
    # CLI is checked over their stages (same run key) instead of training every row twice; run alone it computes them.
    # one thread, as `make test` runs the notebooks: the run key holds the CPU thread count (it orders the kernels'
    # reductions), so at another count the notebooks' stages would not be reused and the whole table computed again
    env = dict(os.environ, PYTHONUNBUFFERED='1', OMP_NUM_THREADS='1')
    r = subprocess.run([sys.executable, '-m', 'paper_repro.reproduce', '--table', '1', '--scale', 'tiny',
                        '--out', str(tmp_path / 'out')], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path / 'out' / 'table1' / 'tiny'
    raw = json.loads((out / 'raw.json').read_text())
    seed, arms = raw['seeds'][0], raw['config']['arms']
    assert seed['base_mine']['n_bad'] >= 1, seed['base_mine']                       # mining finds a bad case
    r1 = seed['rounds']['apt'][0]['mine']
    assert r1['n_similar_candidates'] >= 1 and r1['n_pairs_bad'] >= 1, r1          # retrieval finds a similar case
    for arm in arms:                                                                # every row trains
        assert all(lg['train']['steps'] >= 1 for lg in seed['rounds'][arm]), arm
    for row in ('base', *arms):
        for col in COLUMNS: assert math.isfinite(seed['rows'][row][col]), (row, col)
    for arm in arms: assert seed['rows'][arm]['n_train'] >= 1 and seed['rows'][arm]['wall_time'] > 0, arm
    # v2: novel test items, and the controls matched to APT's round (pairs formed in the same round of the same seed)
    assert seed['solutions']['test_in_pool_or_dev'] == 0, seed['solutions']
    apt1, m1, b1 = (seed['rounds'][a][0] for a in ('apt', 'apt_bad_matched', 'apt_bad_random'))
    assert m1['match_pairs'] == apt1['mine']['n_pairs'] and m1['train']['n_pairs'] == max(apt1['mine']['n_pairs'], m1['mine']['n_pairs'])
    assert b1['mine']['n_pairs_similar'] <= apt1['mine']['n_pairs_similar'], (b1['mine'], apt1['mine'])   # random extras: as many as could form
    assert seed['rounds']['dpo_fair'][0]['mine']['n_rejected_correct'] == 0
    run = json.loads((out / 'run.json').read_text())
    assert {'command', 'config', 'git', 'packages', 'hardware', 'stage_seconds'} <= set(run)
    md = (out / 'table.md').read_text()
    assert 'APT bad+similar' in md and '### Claims' in md and 'QLoRA-SFT' in md and 'cannot decide the claim' in md
    for f in ('table.csv', 'domain_vs_general.png', 'bad_cases_per_round.png', 'bad_vs_similar.png'): assert (out / f).exists(), f
