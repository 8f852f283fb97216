"""The CLI end to end: listing, one-line errors, Table 2 at the tiny scale, resume after a kill."""
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

def cli(*args, env=None, timeout=900):
    return subprocess.run([sys.executable, '-m', 'paper_repro.reproduce', *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)

def isolated_env(tmp_path, name):
    env = dict(os.environ, PAPER_REPRO_CACHE=str(tmp_path / name), PYTHONUNBUFFERED='1', OMP_NUM_THREADS='1')
    # share the converted model and the data between caches so each test pays only for its own run
    shared = Path(os.environ.get('PAPER_REPRO_CACHE') or Path.home() / '.cache' / 'paper_repro')
    for sub in ('models', 'embeddings'):
        if (shared / sub).exists():
            (tmp_path / name).mkdir(parents=True, exist_ok=True)
            if not (tmp_path / name / sub).exists(): os.symlink(shared / sub, tmp_path / name / sub)
    return env

def test_list():
    r = cli('--list')
    assert r.returncode == 0, r.stderr
    for n in (1, 2, 3): assert f'Table {n}' in r.stdout
    assert 'accuracy_per_round.png' in r.stdout and 'selection_mix_cluster.png' in r.stdout

@pytest.mark.parametrize('args,msg', [(['--table', '7'], 'unknown table'), (['--table', '2', '--scale', 'huge'], 'unknown scale'),
                                      (['--table', '2', '--seeds', 'a,b'], '--seeds')])
def test_one_line_errors(args, msg):
    r = cli(*args)
    assert r.returncode == 2
    assert r.stderr.startswith('error: ') and msg in r.stderr and r.stderr.count('\n') == 1, r.stderr

def test_bad_recipe_names_file_and_field(tmp_path):
    bad = tmp_path / 'bad.yaml'
    bad.write_text('scale: tiny\nrounds: 1\npool_sizes: 3\n')
    r = cli('--table', '2', '--scale', 'tiny', '--recipe', str(bad), '--out', str(tmp_path / 'out'))
    assert r.returncode == 2 and str(bad) in r.stderr and "'pool_sizes'" in r.stderr, r.stderr
    assert not (tmp_path / 'out').exists()   # nothing half-written

def test_table2_tiny_resumes_after_kill_with_identical_table(tmp_path):
    # reference: one uninterrupted run over the user cache (in CI the 92 walkthrough ran this same tiny recipe minutes
    # before, so its stages are reused; a cached table must equal the freshly computed, killed-and-resumed one below)
    # one thread, as `make test`'s walkthrough ran: the run key holds the CPU thread count (on a CPU with native bf16 it
    # changes the kernels' reduction order and so the numbers), so a stage cached at another count is never reused here
    env_a = dict(os.environ, PYTHONUNBUFFERED='1', OMP_NUM_THREADS='1')
    ra = cli('--table', '2', '--scale', 'tiny', '--out', str(tmp_path / 'a'), env=env_a)
    assert ra.returncode == 0, ra.stderr[-3000:]
    out_a = tmp_path / 'a' / 'table2' / 'tiny'
    raw = json.loads((out_a / 'raw.json').read_text())
    for policy, rounds in raw['seeds'][0]['rounds'].items():      # every policy formed pairs and trained
        assert rounds[0]['train']['n_pairs'] >= 1, policy
        assert rounds[0]['train']['steps'] >= 1, policy
    for f in ('table.md', 'table.csv', 'run.json', 'accuracy_per_round.png', 'selection_mix_level.png'):
        assert (out_a / f).exists(), f
    run = json.loads((out_a / 'run.json').read_text())
    assert {'command', 'config', 'git', 'packages', 'hardware', 'stage_seconds'} <= set(run)

    # the same run killed in the middle of a stage, then rerun: a second cache holds the first run's stages (hard links)
    # but its Base evaluation, so only that is computed — twice, the kill in between. (Base, because the tiny recipe
    # removes the rows' trained weights once a seed is done: `keep_models: false`; a removed row's evaluation says so.) (Killing and resuming a
    # training stage of a later round is the toy table's test, tests/test_toy_table.py: a whole second Table 2 took 5
    # of `make test`'s 20 minutes under emulated AVX2.)
    env_b = isolated_env(tmp_path, 'cache_b')
    src = Path(run['run_dirs'][0])
    dst = tmp_path / 'cache_b' / 'runs' / 'table2' / src.name
    shutil.copytree(src, dst, copy_function=os.link)   # every write goes through a rename: the links stay a's
    assert json.loads((dst / 'pruned.json').read_text())   # the rows' weights are gone; Base's model is the recipe's
    last = [dst / 'stages' / 'base__eval']
    assert all(d.exists() for d in last), last
    for d in last: shutil.rmtree(d)
    p = subprocess.Popen([sys.executable, '-m', 'paper_repro.reproduce', '--table', '2', '--scale', 'tiny',
                          '--out', str(tmp_path / 'b')], cwd=ROOT, env=env_b,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    t0, killed = time.time(), False
    while time.time() - t0 < 600 and p.poll() is None:
        if list((dst / 'stages').glob('.tmp-*__eval-*')):   # an evaluation is being computed
            os.killpg(p.pid, signal.SIGKILL); killed = True; break
        time.sleep(0.05)
    p.wait()
    assert killed, 'the run finished before it could be killed mid-evaluation'
    assert not (tmp_path / 'b' / 'table2' / 'tiny' / 'run.json').exists()   # no table from an unfinished run
    rb = cli('--table', '2', '--scale', 'tiny', '--out', str(tmp_path / 'b'), env=env_b)
    assert rb.returncode == 0, rb.stderr[-3000:]
    a_csv = (out_a / 'table.csv').read_text()
    assert (tmp_path / 'b' / 'table2' / 'tiny' / 'table.csv').read_text() == a_csv
    assert not list((dst / 'stages').glob('.tmp-*'))   # the killed stage's leftovers are gone

    # merging seed folders recomputes nothing and gives the same table for one seed
    rm = cli('--table', '2', '--scale', 'tiny', '--merge', str(out_a), '--out', str(tmp_path / 'm'), env=env_a)
    assert rm.returncode == 0, rm.stderr[-2000:]
    assert (tmp_path / 'm' / 'table2' / 'tiny' / 'table.csv').read_text() == a_csv
    walls = json.loads((out_a / 'run.json').read_text())['seed_wall_seconds']   # the time per seed survives the merge
    assert set(walls) == {'0'}   # present: the sum over every call that computed this seed's stages
    assert json.loads((tmp_path / 'm' / 'table2' / 'tiny' / 'run.json').read_text())['seed_wall_seconds'] == walls

    # seeds of different recipes are not merged: one line naming the differing field
    raw = json.loads((out_a / 'raw.json').read_text())
    raw['config']['probe']['k'] += 1; raw['seeds'][0]['seed'] = 1
    other = tmp_path / 'other'; other.mkdir(); (other / 'raw.json').write_text(json.dumps(raw))
    rx = cli('--table', '2', '--scale', 'tiny', '--merge', str(out_a), str(other), '--out', str(tmp_path / 'x'), env=env_a)
    assert rx.returncode == 2 and "field 'probe'" in rx.stderr and rx.stderr.count('\n') == 1, rx.stderr[-2000:]

@pytest.mark.parametrize('override,msg', [('probe.k=abc', "--set probe.k=abc: field 'probe.k': expected an integer"),
                                          ('k=abc', "--set k=abc: field 'probe.k': expected an integer"),   # the name before nesting
                                          ('dpo.betta=0.2', "unknown field 'dpo.betta' for DPOSettings"),
                                          ('arms=[random, oracle]', "field 'arms': unknown policy 'oracle'")])
def test_bad_override_names_the_set_and_field(tmp_path, override, msg):
    r = cli('--table', '2', '--scale', 'tiny', '--set', override, '--out', str(tmp_path / 'out'))
    assert r.returncode == 2 and msg in r.stderr and r.stderr.count('\n') == 1, r.stderr
    assert r.stderr.startswith(f"error: --set {override}"), r.stderr     # names the override
    assert not (tmp_path / 'out').exists()

PAPER_FX = ROOT / 'tests' / 'fixtures' / 'paper'   # every hub data set Table 2 reads, in its hub schema, 1-digit sums

def test_table2_paper_path_on_hub_fixtures(tmp_path):
    """The paper recipe's code path end to end (hub loaders, the LLM knowledge annotator, probe, selection, DPO, evaluation
    on the eight test sets) on local files in the hub schemas, with the embedded SmolLM2 as the policy instead of a 7B
    model and a tiny random Llama as the annotator (its tags are garbage and fall back to the skill tags; 09 tests the
    annotator's parsing with SmolLM2): CI runs the code a GPU user runs."""
    from paper_repro.models import load_tokenizer, tiny_llama
    tok = load_tokenizer(); ann = tmp_path / 'annotator'
    tiny_llama(tok).save_pretrained(ann); tok.save_pretrained(ann)
    small = {'hub_dir': str(PAPER_FX), 'model': 'smollm2-135m-instruct', 'knowledge_annotator': str(ann),
             'arms': '[saidpo]', 'rounds': 1, 'pool_size': 8, 'probe.k': 4, 'pairs_per_round': 2, 'n_clusters': 2,
             'probe.max_new_tokens': 48, 'probe.batch_size': 64, 'probe.max_prompt_tokens': 128,
             'evaluation.math_max_new_tokens': 48, 'evaluation.batch_size': 64, 'dpo.per_device_batch_size': 2,
             'dpo.grad_accum': 1, 'dpo.max_length': 192, 'dpo.gradient_checkpointing': 'false'}
    sets = [x for k, v in small.items() for x in ('--set', f'{k}={v}')]
    env = isolated_env(tmp_path, 'cache')
    t0 = time.time()
    r = cli('--table', '2', '--scale', 'paper', *sets, '--out', str(tmp_path / 'out'), env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    raw = json.loads((tmp_path / 'out' / 'table2' / 'paper' / 'raw.json').read_text())
    seed = raw['seeds'][0]
    train = seed['rounds']['saidpo'][0]['train']
    assert train['n_pairs'] >= 1 and train['steps'] >= 1, train
    assert set(seed['rows']['saidpo']) >= {'gsm8k', 'amc23', 'average'} and 'transfer' not in seed['rows']['saidpo']
    assert raw['config']['train_pools'] == ['math_train', 'gsm8k_train'] and raw['config']['scale'] == 'paper'
    card = json.loads((Path(seed['run_dir']) / 'stages' / 'data' / 'result.json').read_text())
    assert card['sets']['train'] == 16 and card['sources']['amc23'] == [str(PAPER_FX / 'amc23.jsonl')]
    assert (Path(seed['run_dir']) / 'stages' / 'clusters' / 'knowledge.jsonl').exists()   # the annotator ran
    print(f"paper path: {time.time() - t0:.0f} s, {train['n_pairs']} pairs, {train['steps']} DPO steps; "
          f"stages {seed['stage_seconds']}")

def test_committed_claims_ledger_is_current():
    "results/claims.md is what the committed tables' raws decide now (a table copied in without it goes stale)."
    from paper_repro.experiment import claims_ledger
    assert claims_ledger(ROOT / 'results') == (ROOT / 'results' / 'claims.md').read_text(), (
        "results/claims.md is stale: regenerate it with paper_repro.experiment.claims_ledger('results')")
