"""Tokens per second of `paper_repro.sampling.Sampler` next to plain `model.generate`: same prompts, same sizes.

Issue 11's side-by-side suite (one process, one GPU; raw JSON after every row under --out):
    python benchmarks/sampling.py --suite --tokenizer DIR --out DIR      (on the lent machine: tools/device.sh bench-suite)
  random-weight SmolLM2-135M-shaped model (config and tokenizer from DIR; every row runs to the limit), 256 prompts x
  K 8 = 2,048 rows, prompt width 128, T = 1, 256 new tokens: the Sampler (one compiled instance: a new batch size or
  bucket only captures new CUDA graphs) at batch 1024, without attention buckets, with buckets of 32 slots (default
  64), at batch 256 / 512 / 2048; four fresh Samplers beside it at batch 1024 (decode attention as two batched
  matmuls, `'matmul'`; the previous full-scan token pick; every row prefilled, `SHARED_PREFILL = False`; the token
  pick eager, `COMPILE_PICK = False`); HF
  `generate` with a static cache (compiled, prompts padded to the same width) and with the dynamic cache; both on
  "peaked" random weights (final norm x 20) at T = 0.8 / top-p 0.95 (the in-graph top-p path); then, where the
  embedded model loads, the same Sampler and static-cache `generate` on its real weights (EOS ends rows early).
  --deterministic: under `deterministic_cuda()`, the default Sampler at T 1 and on the peaked weights at top-p 0.95,
  and a fresh one with the `'grouped'` attention: three calls each (do the warm calls repeat?).

GPU (the fixed-shape, compiled, bf16 path; the DESIGN.md pilot measured ~36k tok/s for 6,144 samples x 64 tokens):
    python benchmarks/sampling.py --n-prompts 768 --k 8 --max-new-tokens 64 --batch-size 256
CPU (the plain fp32 path; add --fixed to time the fixed-shape logic uncompiled):
    python benchmarks/sampling.py --n-prompts 8 --k 2 --max-new-tokens 16 --batch-size 8 --device cpu

Generated tokens are counted the same way for both: every sampled token up to and including the first EOS.
The sampler is timed twice: the first call includes compilation (GPU), the second is a warm call after
`load_weights(model)` (an in-place weight refresh, as in every training round; it must not recompile).
"""
from __future__ import annotations
import argparse, copy, json, platform, random, sys, time
from dataclasses import replace

import torch

try: import paper_repro  # noqa: F401
except ImportError: sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))  # run from a checkout

def math_prompts(n: int, seed: int = 0) -> list[str]:
    "Short arithmetic word problems in the style of the project's math data."
    rng, out = random.Random(seed), []
    names, items = ['Ana', 'Ben', 'Chen', 'Dana', 'Eli', 'Fay'], ['apples', 'pens', 'books', 'marbles', 'stamps']
    for i in range(n):
        a, b, c = rng.randint(2, 40), rng.randint(2, 12), rng.randint(1, 30)
        who, what = rng.choice(names), rng.choice(items)
        out.append(f"{who} has {a} {what} and buys {b} packs of {c} more. How many {what} does {who} have now? "
                   f"Think step by step and end with '#### <answer>'.")
    return out

def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()

def time_sampler(model, tok, prompts, cfg, device, fixed, compile_):
    from paper_repro.sampling import Sampler
    t0 = time.perf_counter()
    s = Sampler(model, tok, cfg, device=device, fixed_shapes=fixed, compile=compile_)
    t_init = time.perf_counter() - t0
    t0 = time.perf_counter(); res = s.generate(prompts); sync(device); t_first = time.perf_counter() - t0
    s.load_weights(model)
    t0 = time.perf_counter(); res2 = s.generate(prompts); sync(device); t_warm = time.perf_counter() - t0
    s.load_weights(model); res3 = s.generate(prompts)  # a second warm call: is the warm path reproducible?
    n_tok = sum(c.n_tokens + c.finished for cs in res2 for c in cs)
    texts = lambda r: [[c.text for c in cs] for cs in r]
    return dict(init_s=t_init, first_s=t_first, warm_s=t_warm, tokens=n_tok, tok_per_s=n_tok / t_warm,
                same_samples_after_reload=texts(res) == texts(res2), same_samples_warm_calls=texts(res2) == texts(res3),
                rows_differing_first_vs_warm=sum(a != b for x, y in zip(texts(res), texts(res2)) for a, b in zip(x, y)),
                path='fixed-shape' + (' compiled' if s.compile else '') if s.fixed_shapes
                else 'plain', dtype=str(getattr(s, 'dtype', next(s.model.parameters()).dtype)))

@torch.no_grad()
def time_generate(model, tok, prompts, cfg, device):
    "HF `model.generate` over the same rows (each prompt repeated k times, or once when greedy), in prompt order."
    from paper_repro.sampling import encode_prompts
    ids = encode_prompts(tok, prompts, cfg)
    per = cfg.k if cfg.temperature > 0 else 1
    rows = [x for x in ids for _ in range(per)]
    eos = {tok.eos_token_id} | set(model.generation_config.eos_token_id if isinstance(model.generation_config.eos_token_id, list)
                                   else [model.generation_config.eos_token_id])
    kw = dict(do_sample=cfg.temperature > 0, max_new_tokens=cfg.max_new_tokens, pad_token_id=tok.pad_token_id)
    if cfg.temperature > 0: kw.update(temperature=cfg.temperature, top_p=cfg.top_p, top_k=0)
    def run(rows):
        n = 0
        for s in range(0, len(rows), cfg.batch_size):
            batch = tok.pad({'input_ids': rows[s:s + cfg.batch_size]}, padding=True, padding_side='left', return_tensors='pt')
            batch = {k: v.to(device) for k, v in batch.items()}
            out = model.generate(**batch, **kw)[:, batch['input_ids'].shape[1]:].tolist()
            for r in out:
                hit = next((i for i, t in enumerate(r) if t in eos), None)
                n += len(r) if hit is None else hit + 1
        return n
    run(rows[:min(len(rows), cfg.batch_size)][:2])  # warm-up (kernels, allocator)
    sync(device); t0 = time.perf_counter(); n_tok = run(rows); sync(device); dt = time.perf_counter() - t0
    return dict(s=dt, tokens=n_tok, tok_per_s=n_tok / dt)

# ---- issue 11: the side-by-side suite ----------------------------------------------------------------------------
def card_info():
    import subprocess, transformers
    smi = subprocess.run(['nvidia-smi', '--query-gpu=name,memory.total,clocks.max.sm,clocks.max.mem,driver_version',
                          '--format=csv,noheader'], capture_output=True, text=True).stdout.strip()
    return dict(card=torch.cuda.get_device_name(), nvidia_smi=smi, torch=torch.__version__,
                transformers=transformers.__version__, cuda=torch.version.cuda, python=platform.python_version())

def random_smollm2(tok_dir, seed=0):
    "SmolLM2-135M's architecture (the embedded model's config.json) with random weights, fp32 on the CPU."
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GenerationConfig
    cfg = AutoConfig.from_pretrained(tok_dir)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
    try: model.generation_config = GenerationConfig.from_pretrained(tok_dir)
    except OSError: pass
    tok = AutoTokenizer.from_pretrained(tok_dir)
    if model.generation_config.pad_token_id is None: model.generation_config.pad_token_id = tok.pad_token_id
    return model.eval(), tok

def n_tokens(res): return sum(c.n_tokens + c.finished for cs in res for c in cs)

def suite_sampler(model, tok, prompts, cfg, attention=None, calls=2, sampler=None, label=None):
    "first call (compile/capture), then warm calls after load_weights; returns the row, the sampler and the texts."
    from paper_repro.sampling import Sampler
    s = sampler or Sampler(model, tok, cfg, attention=attention)
    row, texts = dict(method=label or f'Sampler[{s.attention}]', batch=cfg.fixed_batch_size, attention=s.attention,
                      bucket=s.BUCKET, temperature=cfg.temperature, top_p=cfg.top_p), []
    for c in range(calls):
        if c: s.load_weights(model)
        sync(s.device); t0 = time.perf_counter(); res = s.generate(prompts, cfg, progress=False); sync(s.device)
        dt = time.perf_counter() - t0
        texts.append([[x.text for x in cs] for cs in res])
        row['first_s' if c == 0 else f'warm{c}_s'] = dt
        if c: row.setdefault('warm_tok_per_s', []).append(n_tokens(res) / dt)
        row['tokens'] = n_tokens(res)
    row['tok_per_s'] = max(row['warm_tok_per_s'])
    row['mean_tokens_per_row'] = row['tokens'] / sum(len(cs) for cs in res)
    row['first_vs_warm_identical'] = texts[0] == texts[1]
    if calls > 2: row['warm_calls_identical'] = texts[1] == texts[2]
    row['graphs_captured'] = len(getattr(s, '_graphs', {}))
    return row, s, texts

@torch.no_grad()
def suite_generate(gm, tok, prompts, cfg, static: bool, rows_limit=None):
    "HF generate over the same rows: fixed-width left padding; static cache (auto-compiled by transformers) or dynamic."
    from paper_repro.sampling import encode_prompts
    ids = encode_prompts(tok, prompts, cfg)
    rows = [x for x in ids for _ in range(cfg.k if cfg.temperature > 0 else 1)][:rows_limit]
    B, W = cfg.fixed_batch_size, cfg.max_prompt_tokens
    eos = set(tok.convert_tokens_to_ids([tok.eos_token])) | set(_as_list(gm.generation_config.eos_token_id))
    kw = dict(do_sample=cfg.temperature > 0, max_new_tokens=cfg.max_new_tokens, pad_token_id=tok.pad_token_id)
    if cfg.temperature > 0: kw.update(temperature=cfg.temperature, top_p=cfg.top_p, top_k=0)
    if static: kw.update(cache_implementation='static')
    def run(rs):
        n = 0
        for s in range(0, len(rs), B):
            batch = tok.pad({'input_ids': rs[s:s + B]}, padding='max_length', max_length=W, padding_side='left',
                            return_tensors='pt')
            batch = {k: v.to(gm.device) for k, v in batch.items()}
            out = gm.generate(**batch, **kw)[:, W:].tolist()
            for r in out:
                hit = next((i for i, t in enumerate(r) if t in eos), None)
                n += len(r) if hit is None else hit + 1
        return n
    torch.cuda.synchronize(); t0 = time.perf_counter(); run(rows[:B]); torch.cuda.synchronize()  # compile + warm-up
    first = time.perf_counter() - t0
    t0 = time.perf_counter(); n = run(rows); torch.cuda.synchronize(); dt = time.perf_counter() - t0
    return dict(method='generate, ' + ('static cache (compiled)' if static else 'dynamic cache'), batch=B,
                rows=len(rows), warmup_s=first, s=dt, tokens=n, tok_per_s=n / dt, mean_tokens_per_row=n / len(rows))

def _as_list(v): return [] if v is None else list(v) if isinstance(v, (list, tuple)) else [v]

def suite(a):
    "Issue 11's rows, most important first; JSON rewritten after each row; rows that would overrun --budget-s are skipped."
    from pathlib import Path
    from paper_repro.sampling import SamplingConfig
    import torch._dynamo, torch._dynamo.utils
    for k in ('cache_size_limit', 'recompile_limit'):  # one compiled decode step per Sampler and shape
        if hasattr(torch._dynamo.config, k): setattr(torch._dynamo.config, k, 64)
    if a.deterministic:
        from paper_repro.sampling import deterministic_cuda
        deterministic_cuda()
    T0, out = time.perf_counter(), Path(a.out); out.mkdir(parents=True, exist_ok=True)
    fname = 'bench_issue11_deterministic.json' if a.deterministic else f'bench_issue11{a.tag}.json'
    rec = dict(call=' '.join(sys.argv), deterministic_cuda=a.deterministic, **card_info(), rows=[], skipped=[], errors=[])
    print(rec['card'], rec['nvidia_smi'], rec['torch'], rec['transformers'], flush=True)
    model, tok = random_smollm2(a.tokenizer)
    prompts = math_prompts(a.n_prompts, a.seed)
    base = SamplingConfig(k=a.k, temperature=1.0, top_p=1.0, max_new_tokens=a.max_new_tokens, seed=a.seed,
                          max_prompt_tokens=a.max_prompt_tokens, fixed_batch_size=1024)
    rec['setup'] = dict(model='SmolLM2-135M shape, random weights (seed 0), bf16 on the GPU', prompts=a.n_prompts,
                        k=a.k, rows=a.n_prompts * a.k, max_new_tokens=a.max_new_tokens, width=a.max_prompt_tokens,
                        temperature=1.0, top_p=1.0,
                        prompt_tokens=sorted(len(x) for x in __import__('paper_repro.sampling', fromlist=['x'])
                                             .encode_prompts(tok, prompts[:64], base))[::16])
    gm = None
    def hf():
        nonlocal gm
        if gm is None: gm = copy.deepcopy(model).to('cuda', torch.bfloat16).eval()
        return gm
    keep = {}
    def row(name, est_s, fn):
        if a.only and name not in a.only.split(','): return
        left = a.budget_s - (time.perf_counter() - T0)
        if est_s > left:
            rec['skipped'].append(dict(row=name, est_s=est_s, left_s=left)); print(f'skip {name}', flush=True); return
        t0 = time.perf_counter()
        try:
            r = fn(); r['row'] = name; r['wall_s'] = time.perf_counter() - t0
            r['dynamo_graphs_so_far'] = dict(torch._dynamo.utils.counters['stats']); rec['rows'].append(r)
            print(f"{name}: {r['tok_per_s']:,.0f} tok/s  ({r.get('tokens')} tokens, row {r['wall_s']:.0f}s)", flush=True)
        except Exception as e:  # keep going: one broken row must not lose the others
            import traceback; rec['errors'].append(dict(row=name, error=repr(e), tb=traceback.format_exc()[-3000:]))
            print(f'ERROR {name}: {e!r}', flush=True); traceback.print_exc()
        rec['elapsed_s'] = time.perf_counter() - T0
        (out / fname).write_text(json.dumps(rec, indent=1))
    def sampler(B=1024, cfg=None, calls=2, weights=None, label=None, bucket=None):
        "a row of the one shared Sampler (compiled once; a new batch size or bucket only captures new graphs)"
        def fn():
            s = keep.get('s')
            if s is not None and weights is not None: s.load_weights(weights)
            old = s.BUCKET if s is not None else None
            try:
                if s is not None and bucket: s.BUCKET = bucket
                r, s2, _ = suite_sampler(weights if weights is not None else model, tok, prompts,
                                         replace(cfg or base, fixed_batch_size=B), None, calls, sampler=s, label=label)
                keep['s'] = s2
            finally:
                if s is not None and bucket: s.BUCKET = old
                if weights is not None and 's' in keep: keep['s'].load_weights(model)
            return r
        return fn
    row('sampler_b1024', 60, sampler(calls=3))
    # the default's alternatives, each its own Sampler (compiled afresh) beside the default in this call: the decode
    # attention as two batched matmuls; the previous token pick (one fp32 scan over the vocabulary); every row prefilled
    def fresh(attention=None, scan_pick=False, shared_prefill=True, compile_pick=True):
        def fn():
            import paper_repro.sampling as S
            saved = S._inverse_cdf
            if scan_pick: S._inverse_cdf = S._inverse_cdf_scan   # looked up when the step graph is captured
            try:
                s = S.Sampler(model, tok, replace(base, fixed_batch_size=1024), attention=attention)
                s.SHARED_PREFILL, s.COMPILE_PICK = shared_prefill, compile_pick
                label = ('Sampler, pick by a full scan (before 2026-12-03)' if scan_pick else
                         'Sampler, every row prefilled (before 2026-12-03)' if not shared_prefill else
                         'Sampler, eager pick (before 2026-12-03 evening)' if not compile_pick else None)
                return suite_sampler(model, tok, prompts, replace(base, fixed_batch_size=1024), calls=3, sampler=s,
                                     label=label)[0]
            finally: S._inverse_cdf = saved
        return fn
    peaked = copy.deepcopy(model)  # final norm x 20: a few tokens hold most of the mass (top-p's candidate path)
    with torch.no_grad(): peaked.model.norm.weight.mul_(20)
    pcfg = replace(base, temperature=0.8, top_p=0.95)
    if a.deterministic:  # under deterministic_cuda(): three calls each (are the warm calls identical?); the default
        # ('matmul' under it since 2026-12-03 evening) beside the previous one ('grouped')
        row('sampler_peaked_T0.8_p0.95_b1024', 30, sampler(cfg=pcfg, calls=3, weights=peaked,
                                                           label='Sampler, random weights with final norm x20'))
        row('sampler_grouped_b1024', 90, fresh('grouped'))
        print(json.dumps([{k: v for k, v in r.items() if k != 'dynamo_graphs_so_far'} for r in rec['rows']], indent=0))
        return
    row('sampler_matmul_b1024', 90, fresh('matmul'))
    row('sampler_scan_pick_b1024', 90, fresh(scan_pick=True))
    row('sampler_full_prefill_b1024', 90, fresh(shared_prefill=False))
    row('sampler_eager_pick_b1024', 90, fresh(compile_pick=False))
    row('generate_static_b1024', 90, lambda: suite_generate(hf(), tok, prompts, base, static=True))
    row('sampler_b1024_no_buckets', 20, sampler(bucket=1 << 30, label='Sampler, attention over the whole static cache'))
    row('sampler_b1024_bucket32', 20, sampler(bucket=32, label='Sampler, attention buckets of 32 slots'))
    for B in (256, 512, 2048): row(f'sampler_b{B}', 40, sampler(B))
    # peaked random weights, T 0.8 / top-p 0.95: the in-graph top-p
    row('sampler_peaked_T0.8_p0.95_b1024', 30, sampler(cfg=pcfg, calls=3, weights=peaked,
                                                       label='Sampler, random weights with final norm x20'))
    def copy_into(g, src):
        sd = src.state_dict()
        with torch.no_grad():
            for k, t in g.state_dict().items(): t.copy_(sd[k])
    def gen_with(weights, cfg, label):
        def fn():
            g = hf(); copy_into(g, weights)
            try: r = suite_generate(g, tok, prompts, cfg, static=True)
            finally: copy_into(g, model)  # the rows below run on the random weights again
            r['weights'] = label; return r
        return fn
    row('generate_static_peaked_T0.8_p0.95_b1024', 60, gen_with(peaked, pcfg, 'random, final norm x20'))
    def graph_vs_eager():  # the captured steps compute what the same loop computes eagerly (peaked weights: clear argmaxes)
        from paper_repro.sampling import Sampler
        g = replace(base, temperature=0.0, k=1, fixed_batch_size=256)  # the shapes of the sweep's b256 row: no new compile
        s = keep['s']; s.load_weights(peaked)
        try:
            got = [cs[0].text for cs in s.generate(prompts, g, progress=False)]
            for c in (replace(g, temperature=0.8, top_p=0.95, k=2), replace(g, temperature=1.0, k=2)):
                got += [x.text for cs in s.generate(prompts[:64], c, progress=False) for x in cs]
        finally: s.load_weights(model)
        e = Sampler(peaked, tok, g, compile=False)
        ref = [cs[0].text for cs in e.generate(prompts, g, progress=False)]
        for c in (replace(g, temperature=0.8, top_p=0.95, k=2), replace(g, temperature=1.0, k=2)):
            ref += [x.text for cs in e.generate(prompts[:64], c, progress=False) for x in cs]
        same = sum(x == y for x, y in zip(got, ref))
        return dict(method='compiled + captured vs eager fixed-shape loop, peaked weights: greedy 256 rows, then 128 rows '
                    'at T 0.8/top-p 0.95 and 128 at T 1, 256 tokens', rows=len(ref), identical_rows=same,
                    tok_per_s=float('nan'), examples=[got[0][:200], ref[0][:200]])
    if 's' in keep: row('check_graph_vs_eager', 40, graph_vs_eager)
    row('generate_dynamic_b256', 45, lambda: suite_generate(hf(), tok, prompts, replace(base, fixed_batch_size=256),
                                                          static=False, rows_limit=256))
    # the embedded model's real weights (EOS ends rows early): the same compiled Sampler and generate, weights copied in place
    real = None
    if not a.skip_real:
        try:
            from paper_repro.models import load_model
            real, _ = load_model(a.model)
        except Exception as e: rec['errors'].append(dict(row='load real weights', error=repr(e)))
    if real is not None:
        rcfg = replace(base, temperature=0.8, top_p=0.95)
        row('real_sampler_T0.8_p0.95_b1024', 40, sampler(cfg=rcfg, calls=3, weights=real, label='Sampler, real weights'))
        row('real_generate_static_T0.8_p0.95_b1024', 90, gen_with(real, rcfg, 'embedded SmolLM2-135M-Instruct'))
        row('real_sampler_T1_b1024', 30, sampler(weights=real, label='Sampler, real weights'))
    by = {r['row']: r for r in rec['rows']}
    def ratio(x, y): return by[x]['tok_per_s'] / by[y]['tok_per_s'] if x in by and y in by else None
    rec['ratios'] = {f'{x} / {y}': ratio(x, y) for x, y in [
        ('sampler_b1024', 'generate_static_b1024'), ('sampler_matmul_b1024', 'generate_static_b1024'),
        ('sampler_b1024', 'sampler_scan_pick_b1024'), ('sampler_matmul_b1024', 'sampler_b1024'),
        ('sampler_b1024', 'sampler_full_prefill_b1024'), ('sampler_b1024', 'sampler_eager_pick_b1024'), ('sampler_b1024_bucket32', 'sampler_b1024'),
        ('sampler_b1024', 'generate_dynamic_b256'),
        ('sampler_b256', 'generate_dynamic_b256'), ('sampler_b1024', 'sampler_b1024_no_buckets'),
        ('sampler_peaked_T0.8_p0.95_b1024', 'generate_static_peaked_T0.8_p0.95_b1024'),
        ('real_sampler_T0.8_p0.95_b1024', 'real_generate_static_T0.8_p0.95_b1024')]}
    rec['elapsed_s'] = time.perf_counter() - T0
    (out / fname).write_text(json.dumps(rec, indent=1))
    print('\n'.join(f"{r['row']:40s} {r['tok_per_s']:>10,.0f} tok/s" for r in rec['rows']))
    print(json.dumps(rec['ratios'], indent=0)); print('errors:', [e['row'] for e in rec['errors']], 'skipped:', rec['skipped'])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--suite', action='store_true', help="issue 11's side-by-side suite (needs --tokenizer, --out)")
    ap.add_argument('--tokenizer', help='directory with the SmolLM2 config.json and tokenizer files (--suite)')
    ap.add_argument('--out', default='bench_out', help='where --suite writes bench_issue11.json')
    ap.add_argument('--budget-s', type=float, default=530, help='--suite skips rows that would run past this')
    ap.add_argument('--deterministic', action='store_true', help='--suite: under deterministic_cuda(): the default row, its top-p row and the grouped attention')
    ap.add_argument('--only', default='', help='--suite: comma-separated row names to run (default: all)')
    ap.add_argument('--skip-real', action='store_true', help='--suite: no rows with the embedded real weights')
    ap.add_argument('--tag', default='', help='--suite: suffix of the JSON file name')
    cuda = torch.cuda.is_available()
    ap.add_argument('--n-prompts', type=int, default=768 if cuda else 8)
    ap.add_argument('--k', type=int, default=8 if cuda else 2)
    ap.add_argument('--max-new-tokens', type=int, default=64 if cuda else 16)
    ap.add_argument('--batch-size', type=int, default=256 if cuda else 8, help='rows per batch (both methods)')
    ap.add_argument('--device', default='cuda' if cuda else 'cpu')
    ap.add_argument('--temperature', type=float, default=1.0)
    ap.add_argument('--top-p', type=float, default=1.0)
    ap.add_argument('--max-prompt-tokens', type=int, default=128, help='fixed prompt width of the fixed-shape path')
    ap.add_argument('--fixed', action=argparse.BooleanOptionalAction, default=None,
                    help='force the fixed-shape path on/off (default: on for cuda)')
    ap.add_argument('--compile', action=argparse.BooleanOptionalAction, default=None, help='default: on for cuda')
    ap.add_argument('--model', default='smollm2-135m-instruct')
    ap.add_argument('--skip-generate', action='store_true')
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args(argv)
    if a.suite:
        if '--n-prompts' not in (argv or sys.argv): a.n_prompts, a.k = 256, 8
        if '--max-new-tokens' not in (argv or sys.argv): a.max_new_tokens = 256
        return suite(a)
    import transformers
    from paper_repro.models import load_model
    from paper_repro.sampling import SamplingConfig
    device = torch.device(a.device)
    cfg = SamplingConfig(k=a.k, temperature=a.temperature, top_p=a.top_p, max_new_tokens=a.max_new_tokens,
                         batch_size=a.batch_size, fixed_batch_size=a.batch_size, seed=a.seed,
                         max_prompt_tokens=a.max_prompt_tokens)
    prompts = math_prompts(a.n_prompts, a.seed)
    model, tok = load_model(a.model)  # fp32 on CPU: the sampler makes its own (bf16 on cuda) copy
    card = torch.cuda.get_device_name(device) if device.type == 'cuda' else platform.processor() or platform.machine()
    print(f"device {device} ({card}), torch {torch.__version__}, transformers {transformers.__version__}, "
          f"threads {torch.get_num_threads()}")
    print(f"{a.n_prompts} prompts x k={a.k}, max_new_tokens={a.max_new_tokens}, batch {a.batch_size}, "
          f"temperature {a.temperature}, top_p {a.top_p}")
    smp = time_sampler(model, tok, prompts, cfg, device, a.fixed, a.compile)
    print(f"Sampler [{smp['path']}, {smp['dtype']}]: init {smp['init_s']:.1f}s, first call {smp['first_s']:.1f}s "
          f"(incl. compile), warm call after load_weights {smp['warm_s']:.2f}s, {smp['tokens']} tokens -> "
          f"{smp['tok_per_s']:,.0f} tok/s (same samples: first vs warm call {smp['same_samples_after_reload']} "
          f"[{smp['rows_differing_first_vs_warm']} rows differ], warm vs warm {smp['same_samples_warm_calls']})")
    gen = None
    if not a.skip_generate:
        gm = model
        if device.type == 'cuda':
            gm, _ = load_model(a.model, dtype=torch.bfloat16); gm.to(device)
        gm.eval()
        gen = time_generate(gm, tok, prompts, cfg, device)
        print(f"model.generate [{next(gm.parameters()).dtype}, dynamic cache]: {gen['s']:.2f}s, {gen['tokens']} tokens -> "
              f"{gen['tok_per_s']:,.0f} tok/s")
        print(f"ratio Sampler / model.generate: {smp['tok_per_s'] / gen['tok_per_s']:.2f}x")
    print(json.dumps(dict(args=vars(a), device=str(device), card=card, sampler=smp, generate=gen)))

if __name__ == '__main__':
    sys.exit(main())
