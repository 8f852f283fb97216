"""Table 1's paper path through the CLI: the plan (no model loaded), the one-line errors of an offline run and of the
QLoRA row without bitsandbytes/CUDA, and the paper recipe end to end on GSM8K files in the hub schema with tiny local
stand-ins for the 7B policy and for Prometheus-2-7B."""
import json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAPER_FX = ROOT / 'tests' / 'fixtures' / 'paper'   # GSM8K train (8 rows) and test (2 rows) in the hub schema

def cli(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, '-m', 'paper_repro.reproduce', '--table', '1', '--scale', 'paper', *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)

def isolated_env(tmp_path):
    "A fresh run cache that shares the converted models, embeddings and generated data of the user cache."
    env = dict(os.environ, PAPER_REPRO_CACHE=str(tmp_path / 'cache'), PYTHONUNBUFFERED='1', HF_HUB_OFFLINE='1',
               HF_DATASETS_OFFLINE='1')
    shared = Path(os.environ.get('PAPER_REPRO_CACHE') or Path.home() / '.cache' / 'paper_repro')
    (tmp_path / 'cache').mkdir(parents=True, exist_ok=True)
    for sub in ('models', 'embeddings', 'data'):
        if (shared / sub).exists(): os.symlink(shared / sub, tmp_path / 'cache' / sub)
    return env

def verdict_model(tok, text: str, path):
    """A tiny Llama that greedily writes `text` after any chat prompt, then stops: attention and MLP outputs are zero,
    so each next token depends on the current token alone (a bigram chain over one-hot embeddings). A deterministic
    stand-in for Prometheus-2-7B."""
    import torch
    from paper_repro.models import tiny_llama
    m = tiny_llama(tok)
    last = tok.apply_chat_template([{'role': 'user', 'content': 'x'}], add_generation_prompt=True, tokenize=True)
    last = last['input_ids'][-1] if isinstance(last, dict) or hasattr(last, 'keys') else last[-1]
    chain = [last, *tok.encode(text, add_special_tokens=False), tok.eos_token_id]
    assert len(set(chain)) == len(chain) and len(chain) <= m.config.hidden_size
    with torch.no_grad():
        for layer in m.model.layers: layer.self_attn.o_proj.weight.zero_(); layer.mlp.down_proj.weight.zero_()
        m.lm_head.weight.zero_()
        for i, (t, nxt) in enumerate(zip(chain, chain[1:])):
            m.model.embed_tokens.weight[t] = 0; m.model.embed_tokens.weight[t, i] = 1.0
            m.lm_head.weight[nxt, i] = 10.0
    m.save_pretrained(path); tok.save_pretrained(path)
    return path

def test_table1_paper_plan_loads_nothing():
    t0 = time.time()
    r = cli('--plan')
    assert r.returncode == 0, r.stderr[-2000:]
    out = r.stdout
    for s in ('prometheus-eval/prometheus-7b-v2.0', 'openai/gsm8k (main) train: 7473', 'mmlu', 'ifeval', 'qlora_sft',
              'meta-llama/Llama-2-7b-chat-hf', 'DPO optimizer steps (at most): 468'):
        assert s in out, s
    r2 = cli('--plan', '--set', 'model=mistralai/Mistral-7B-Instruct-v0.3')
    assert r2.returncode == 0 and 'mistralai/Mistral-7B-Instruct-v0.3' in r2.stdout
    print(f"plan: {time.time() - t0:.0f} s for two calls")

def test_table1_paper_offline_and_qlora_refuse_in_one_line(tmp_path):
    env = isolated_env(tmp_path)
    r = cli('--set', 'arms=[apt]', '--out', str(tmp_path / 'out'), env=env)        # no hub, no hub_dir
    assert r.returncode == 2 and r.stderr.count('\n') == 1 and 'hub_dir=DIR' in r.stderr and 'gsm8k' in r.stderr, r.stderr
    r = cli('--set', f'hub_dir={PAPER_FX}', '--set', 'arms=[apt, qlora_sft]', '--out', str(tmp_path / 'out'), env=env)
    if r.returncode != 2: return                                                   # a CUDA machine with bitsandbytes
    assert r.stderr.count('\n') == 1 and 'QLoRA-SFT row needs bitsandbytes' in r.stderr, r.stderr
    assert not list((tmp_path / 'cache' / 'runs' / 'table1').glob('*/stages/*__train')), 'nothing may train before it refuses'

def test_table1_paper_path_on_hub_fixtures(tmp_path):
    """The paper recipe's code path (hub loaders with hub_dir, every row of GSM8K as the domain, the rubric judge through
    make_judge/LLMJudge, mining, APT's DPO round, SFT, evaluation, table) with a tiny random policy and a judge that
    scores every answer 1, so every pool item is a bad case. The general suite is the offline one (lm-eval's own tasks
    need the hub) and there is no other math set."""
    from paper_repro.models import load_tokenizer, tiny_llama
    tok = load_tokenizer()
    policy = tmp_path / 'policy'; tiny_llama(tok).save_pretrained(policy); tok.save_pretrained(policy)
    judge = verdict_model(tok, 'Feedback: wrong. [RESULT] 1', tmp_path / 'judge')
    small = {'hub_dir': str(PAPER_FX), 'model': str(policy), 'apt.judge.model': str(judge), 'arms': '[apt, sft]', 'rounds': 1,
             'train_items': 4, 'domain_test_items': 2, 'math_sets': '[]', 'general_tasks': '[]', 'general_limit': 2,
             'max_new_tokens': 16, 'ifeval_max_new_tokens': 16, 'batch_size': 16, 'max_prompt_tokens': 128,
             'apt.mine.max_new_tokens': 16, 'apt.mine.batch_size': 16, 'apt.mine.max_prompt_tokens': 128,
             'apt.similar.max_new_tokens': 16, 'apt.similar.k': 2, 'apt.similar.batch_size': 16, 'apt.similar.max_prompt_tokens': 128,
             'apt.judge.max_new_tokens': 16, 'apt.judge.batch_size': 16,
             'apt.dpo.per_device_batch_size': 2, 'apt.dpo.grad_accum': 1, 'apt.dpo.max_length': 160,
             'apt.dpo.gradient_checkpointing': 'false', 'sft.per_device_batch_size': 2, 'sft.grad_accum': 1,
             'sft.max_length': 160, 'sft.gradient_checkpointing': 'false', 'sft.epochs': 1}
    sets = [x for k, v in small.items() for x in ('--set', f'{k}={v}')]
    env = isolated_env(tmp_path)
    t0 = time.time()
    r = cli(*sets, '--out', str(tmp_path / 'out'), env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path / 'out' / 'table1' / 'paper'
    raw = json.loads((out / 'raw.json').read_text())
    seed = raw['seeds'][0]
    assert raw['config']['scale'] == 'paper' and raw['config']['apt']['domain']['cells'] == []
    assert seed['base_mine']['n_bad'] >= 1 and seed['base_mine']['n_unparseable'] == 0, seed['base_mine']   # the judge's verdicts parsed
    mine = seed['rounds']['apt'][0]['mine']
    assert mine['n_pairs_bad'] >= 1 and 'n_unparseable_total' in mine, mine
    for arm in ('apt', 'sft'): assert seed['rounds'][arm][0]['train']['steps'] >= 1, arm
    assert seed['data_card']['sources']['train'] == [str(PAPER_FX / 'gsm8k_train.jsonl')] and seed['n_pool'] == 4
    assert seed['n_domain_test'] == 2 and 'math_avg' not in seed['rows']['apt']
    md = (out / 'table.md').read_text()
    assert 'APT bad+similar' in md and 'unparseable judge verdicts 0' in md and 'openai/gsm8k (main) train' in md
    print(f"paper path: {time.time() - t0:.0f} s; stages {seed['stage_seconds']}")
