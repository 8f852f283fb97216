"""Tokens per second of `paper_repro.sampling.Sampler` next to plain `model.generate`: same prompts, same sizes.

GPU (the fixed-shape, compiled, bf16 path; the DESIGN.md pilot measured ~36k tok/s for 6,144 samples x 64 tokens):
    python benchmarks/sampling.py --n-prompts 768 --k 8 --max-new-tokens 64 --batch-size 256
CPU (the plain fp32 path; add --fixed to time the fixed-shape logic uncompiled):
    python benchmarks/sampling.py --n-prompts 8 --k 2 --max-new-tokens 16 --batch-size 8 --device cpu

Generated tokens are counted the same way for both: every sampled token up to and including the first EOS.
The sampler is timed twice: the first call includes compilation (GPU), the second is a warm call after
`load_weights(model)` (an in-place weight refresh, as in every training round; it must not recompile).
"""
from __future__ import annotations
import argparse, json, platform, random, sys, time
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

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
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
