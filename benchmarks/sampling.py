"""Tokens per second of `paper_repro.sampling.Sampler` next to plain `model.generate`: same prompts, same sizes.

Issue 11's side-by-side suite (one process, one GPU; raw JSON after every row under --out):
    python benchmarks/sampling.py --suite --tokenizer DIR --out DIR
  random-weight SmolLM2-135M-shaped model (config and tokenizer from DIR; every row runs to the limit), 256 prompts x
  K 8 = 2,048 rows, prompt width 128, T = 1, 256 new tokens: the Sampler (default: SDPA `enable_gqa`) at batch
  256-2048, with sampling inside the compiled step (`fuse_sampling`), with the grouped-query and the model's own attention, HF `generate` with a static cache (compiled,
  prompts padded to the same width) and with the dynamic cache; then, where the embedded model loads, the same
  Sampler and static-cache `generate` on its real weights (EOS ends rows early) at T = 0.8 / top-p 0.95.

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

def suite_sampler(model, tok, prompts, cfg, attention, calls=2, sampler=None, fuse=False):
    "first call (compile), then warm calls after load_weights; returns the row and the sampler (reused by later rows)."
    from paper_repro.sampling import Sampler
    s = sampler or Sampler(model, tok, cfg, attention=attention)
    s.fuse_sampling = fuse and s.compile
    row, texts = dict(method=f'Sampler[{s.attention}]', batch=cfg.fixed_batch_size, attention=s.attention,
                      fused_sampling=s.fuse_sampling and cfg.top_p >= 1, temperature=cfg.temperature, top_p=cfg.top_p), []
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
    import torch._dynamo
    for k in ('cache_size_limit', 'recompile_limit'):  # one compiled decode step per Sampler and shape
        if hasattr(torch._dynamo.config, k): setattr(torch._dynamo.config, k, 64)
    if a.deterministic:
        from paper_repro.sampling import deterministic_cuda
        deterministic_cuda()
    T0, out = time.perf_counter(), Path(a.out); out.mkdir(parents=True, exist_ok=True)
    fname = 'bench_issue11_deterministic.json' if a.deterministic else 'bench_issue11.json'
    rec = dict(call=' '.join(sys.argv), deterministic_cuda=a.deterministic, **card_info(), rows=[], skipped=[], errors=[])
    print(rec['card'], rec['nvidia_smi'], rec['torch'], rec['transformers'], flush=True)
    model, tok = random_smollm2(a.tokenizer)
    prompts = math_prompts(a.n_prompts, a.seed)
    base = SamplingConfig(k=a.k, temperature=1.0, top_p=1.0, max_new_tokens=a.max_new_tokens, seed=a.seed,
                          max_prompt_tokens=a.max_prompt_tokens, fixed_batch_size=1024)
    rec['setup'] = dict(model='SmolLM2-135M shape, random weights (seed 0), bf16 on the GPU', prompts=a.n_prompts,
                        k=a.k, rows=a.n_prompts * a.k, max_new_tokens=a.max_new_tokens, width=a.max_prompt_tokens,
                        temperature=1.0, top_p=1.0)
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
            r = fn(); r['row'] = name; r['wall_s'] = time.perf_counter() - t0; rec['rows'].append(r)
            print(f"{name}: {r['tok_per_s']:,.0f} tok/s  ({r.get('tokens')} tokens, row {r['wall_s']:.0f}s)", flush=True)
        except Exception as e:  # keep going: one broken row must not lose the others
            import traceback; rec['errors'].append(dict(row=name, error=repr(e), tb=traceback.format_exc()[-3000:]))
            print(f'ERROR {name}: {e!r}', flush=True)
        rec['elapsed_s'] = time.perf_counter() - T0
        (out / fname).write_text(json.dumps(rec, indent=1))
    def sampler_row(attention, B, calls=2, store=None, fuse=False):
        def fn():
            r, s, _ = suite_sampler(model, tok, prompts, replace(base, fixed_batch_size=B), attention, calls, fuse=fuse)
            if store: keep[store] = s
            else: del s
            torch.cuda.empty_cache(); return r
        return fn
    default_attention = 'grouped' if a.deterministic else 'gqa'  # the Sampler's own default on CUDA
    row(f'sampler_{default_attention}_b1024', 60, sampler_row(default_attention, 1024, calls=3, store='s1024'))
    if a.deterministic:  # under deterministic_cuda(): the default row only, three calls (are the warm calls identical?)
        print(json.dumps(rec['rows'], indent=0)); return
    row('generate_static_b1024', 90, lambda: suite_generate(hf(), tok, prompts, base, static=True))
    # the embedded model's real weights (EOS ends rows early): the same compiled Sampler and generate, weights copied in place
    real = None
    try:
        from paper_repro.models import load_model
        real, _ = load_model(a.model)
    except Exception as e: rec['errors'].append(dict(row='load real weights', error=repr(e)))
    if real is not None:
        rcfg = replace(base, temperature=0.8, top_p=0.95)
        def real_sampler():
            s = keep['s1024']; s.load_weights(real)
            r, _, _ = suite_sampler(real, tok, prompts, rcfg, 'gqa', calls=3, sampler=s)
            r['weights'] = 'embedded SmolLM2-135M-Instruct'; return r
        def real_sampler_t1():
            r, _, _ = suite_sampler(real, tok, prompts, base, 'gqa', calls=2, sampler=keep['s1024'])
            r['weights'] = 'embedded SmolLM2-135M-Instruct'; return r
        def copy_into(g, src):
            sd = src.state_dict()
            with torch.no_grad():
                for k, t in g.state_dict().items(): t.copy_(sd[k])
        def real_generate():
            g = hf(); copy_into(g, real)
            try: r = suite_generate(g, tok, prompts, rcfg, static=True)
            finally: copy_into(g, model)  # the rows below run on the random weights again
            r['weights'] = 'embedded SmolLM2-135M-Instruct'; return r
        if 's1024' in keep: row('real_sampler_gqa_b1024', 40, real_sampler)
        row('real_generate_static_b1024', 90, real_generate)
        if 's1024' in keep: row('real_sampler_gqa_T1_b1024', 30, real_sampler_t1)
    keep.clear(); torch.cuda.empty_cache()
    row('sampler_gqa_fused_b1024', 45, sampler_row('gqa', 1024, fuse=True))
    for B in (256, 512, 2048): row(f'sampler_gqa_b{B}', 50, sampler_row('gqa', B))
    row('generate_static_b256', 90, lambda: suite_generate(hf(), tok, prompts, replace(base, fixed_batch_size=256), static=True))
    row('sampler_grouped_b1024', 45, sampler_row('grouped', 1024))
    row('sampler_model_attention_b1024', 70, sampler_row('model', 1024))
    row('generate_dynamic_b256', 60, lambda: suite_generate(hf(), tok, prompts, replace(base, fixed_batch_size=256),
                                                          static=False, rows_limit=512))
    by = {r['row']: r for r in rec['rows']}
    def ratio(x, y): return by[x]['tok_per_s'] / by[y]['tok_per_s'] if x in by and y in by else None
    rec['ratios'] = {f'{x} / {y}': ratio(x, y) for x, y in [
        ('sampler_gqa_b1024', 'generate_static_b1024'), ('sampler_gqa_b256', 'generate_static_b256'),
        ('sampler_gqa_b1024', 'sampler_model_attention_b1024'), ('sampler_gqa_fused_b1024', 'sampler_gqa_b1024'),
        ('sampler_gqa_b256', 'generate_dynamic_b256'), ('sampler_gqa_b1024', 'generate_dynamic_b256'),
        ('real_sampler_gqa_b1024', 'real_generate_static_b1024')]}
    rec['elapsed_s'] = time.perf_counter() - T0
    (out / fname).write_text(json.dumps(rec, indent=1))
    print('\n'.join(f"{r['row']:34s} {r['tok_per_s']:>10,.0f} tok/s" for r in rec['rows']))
    print(json.dumps(rec['ratios'], indent=0)); print('errors:', [e['row'] for e in rec['errors']], 'skipped:', rec['skipped'])

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--suite', action='store_true', help="issue 11's side-by-side suite (needs --tokenizer, --out)")
    ap.add_argument('--tokenizer', help='directory with the SmolLM2 config.json and tokenizer files (--suite)')
    ap.add_argument('--out', default='bench_out', help='where --suite writes bench_issue11.json')
    ap.add_argument('--budget-s', type=float, default=530, help='--suite skips rows that would run past this')
    ap.add_argument('--deterministic', action='store_true', help='--suite: deterministic_cuda() and the default row only')
    ap.add_argument('--only', default='', help='--suite: comma-separated row names to run (default: all)')
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
