"""Table 3's paper path through the CLI on local files in the real schemas (tests/fixtures/paper_okd/: databricks-dolly-15k
lines and MiniLLM's released test files, a few rows each) with tiny random GPT-2s as teacher and separate student: the code
a GPU user runs with GPT-2 XL → GPT-2 base (OKD's LoRA on GPT-2's c_attn / c_proj / c_fc), end to end, in well under 90 s of CPU. Also the plan and the offline error."""
import json, os, resource, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FX = ROOT / 'tests' / 'fixtures' / 'paper_okd'

def cli(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, '-m', 'paper_repro.reproduce', '--table', '3', *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)

def fresh_env(tmp_path):
    "A fresh run cache that shares the converted SmolLM2 (its tokenizer) with the user cache."
    env = dict(os.environ, PAPER_REPRO_CACHE=str(tmp_path / 'cache'), PYTHONUNBUFFERED='1')
    shared = Path(os.environ.get('PAPER_REPRO_CACHE') or Path.home() / '.cache' / 'paper_repro')
    (tmp_path / 'cache').mkdir()
    if (shared / 'models').exists(): os.symlink(shared / 'models', tmp_path / 'cache' / 'models')
    return env

def test_table3_paper_plan_loads_nothing():
    r = cli('--scale', 'paper', '--plan')
    assert r.returncode == 0, r.stderr[-2000:]
    for s in ('openai-community/gpt2-xl', 'openai-community/gpt2', 'databricks/databricks-dolly-15k, split train',
              'MiniLLM/dolly/valid.jsonl', 'MiniLLM/uinst/11_/valid.jsonl; references of ≥ 11 tokens', 'per row:',
              'KD (FKL)', 'evaluations per row:', 'nothing was loaded or run'):
        assert s in r.stdout, s

def test_table3_paper_offline_is_one_line_before_any_model(tmp_path):
    env = dict(fresh_env(tmp_path), HF_HUB_OFFLINE='1', HF_DATASETS_OFFLINE='1', HF_HOME=str(tmp_path / 'hf'))
    # a teacher that does not exist: the data stage must fail first, naming the hub_dir way out
    r = cli('--scale', 'paper', '--set', f'model={tmp_path / "no-teacher"}', '--out', str(tmp_path / 'out'), env=env)
    assert r.returncode == 2, r.stderr[-2000:]
    assert r.stderr.startswith('error: instruction set ') and 'hub_dir=DIR' in r.stderr and r.stderr.count('\n') == 1, r.stderr
    assert not (tmp_path / 'out').exists()

def test_table3_paper_path_on_fixtures(tmp_path):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel
    from paper_repro.models import load_tokenizer
    tok = load_tokenizer()
    for name, seed, layers in (('teacher', 0, 2), ('student', 1, 1)):   # GPT-2 architecture: the recipe's LoRA targets apply
        torch.manual_seed(seed)
        m = GPT2LMHeadModel(GPT2Config(vocab_size=len(tok), n_embd=64, n_layer=layers, n_head=4, n_positions=512,
                                       bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id))
        m.save_pretrained(tmp_path / name); tok.save_pretrained(tmp_path / name)
    sft = {f'{s}.{k}': v for s in ('teacher_sft', 'student_sft')
           for k, v in (('epochs', 1), ('per_device_batch_size', 4), ('grad_accum', 1), ('max_length', 128))}
    small = {'hub_dir': str(FX), 'model': str(tmp_path / 'teacher'), 'student.model': str(tmp_path / 'student'),
             'arms': '[okd, fkl]', 'train_items': 4, 'dev_items': 2, 'steps': 2, 'batch_size': 2, 'dev_every': 2,
             'kd.max_length': 128, 'evaluation.instruct_max_new_tokens': 8, 'evaluation.instruct_samples': 1,
             'evaluation.limit': 2, 'evaluation.batch_size': 8, **sft}
    sets = [x for k, v in small.items() for x in ('--set', f'{k}={v}')]
    t0, c0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    r = cli('--scale', 'paper', *sets, '--out', str(tmp_path / 'out'), env=fresh_env(tmp_path))
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path / 'out' / 'table3' / 'paper'
    raw = json.loads((out / 'raw.json').read_text())
    seed = raw['seeds'][0]
    assert raw['config']['scale'] == 'paper' and raw['config']['student']['model'] == str(tmp_path / 'student')
    assert {'teacher', 'okd', 'fkl', 'okd_teacher'} <= set(seed['rows']), sorted(seed['rows'])
    for arm in ('okd', 'fkl'): assert seed['rounds'][arm][0]['train']['steps'] == 2, arm
    okd = seed['rounds']['okd'][0]['train']
    assert okd['backbone_unchanged'] is True and okd['modules_changed'] is True
    assert seed['student_init']['layers'] is None                      # the separate student, not a cut teacher
    assert seed['data']['sets'] == {'dolly': 2, 'selfinst': 2, 'vicuna': 2, 'sni': 2, 'unni': 2, 'dev': 2, 'train': 4}
    assert seed['data']['dropped']['dolly_train: also a Dolly test item'] == 1
    md = (out / 'table.md').read_text()
    assert "MiniLLM's released files" in md and str(FX / 'sni.jsonl') in md and 'OKD' in md
    for f in ('table.csv', 'run.json'): assert (out / f).exists(), f
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    print(f"table 3 paper path: {time.time() - t0:.0f} s wall, {cpu:.0f} s CPU; stages {seed['stage_seconds']}")
