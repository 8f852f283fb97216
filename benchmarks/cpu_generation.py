"""CPU decoding of the embedded SmolLM2-135M-Instruct against the compute bound: fp32, bf16 and int8 side by side.

    python benchmarks/cpu_generation.py [--n 64] [--max-new-tokens 128] [--batch-size 64] [--out FILE.json]
    python benchmarks/cpu_generation.py --n 128 --batch-size 16,64,128 --kinds native-bf16,avx2-fp32   # batch sweep
    python benchmarks/cpu_generation.py --split train --kinds native-bf16,avx2-fp32 --kv-cache dynamic,growing
    python benchmarks/cpu_generation.py --kinds native-bf16,avx2-fp32 --prefill-logits slice,index
    python benchmarks/cpu_generation.py --kinds native-bf16,avx2-fp32 --attention model,default

The plain-CPU issue: on a CPU without native bf16, generation dominates every mini table. Each configuration runs in
its own process (the CPU capability must be fixed before torch loads), on the same greedy math workload: the first `n`
prompts of the mini GSM8K stand-in, one batch of `batch_size`, `max_new_tokens` new tokens, the project's `Sampler` on
its plain (CPU) path. Configurations:
  native-fp32, native-bf16 (where the CPU multiplies bf16), native-int8 — and the same under
  `ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2` (an AVX2-only CPU, how the plain-CPU issue emulates one).
int8 = `torch.ao.quantization.quantize_dynamic` on every `nn.Linear` (weights int8, activations quantized per batch;
fbgemm kernels, AVX2 or better). Printed per configuration: generated tokens per second, achieved GFLOP/s (2 x the
parameters a token passes through, lm head included), the fp32 matmul rate of this machine at the decode shapes (the
compute bound), answers identical to fp32's and math-verify accuracy. Ratios are within one run on one machine.
`--batch-size` may list several sizes (a sweep: is decoding bound by per-step overhead, which larger batches amortise?);
`--kinds` picks configurations. Ratios: with one batch size, to fp32 at that size; in a sweep, to the same configuration
at the first batch size; with several `--kv-cache` kinds (the plain path's `'dynamic'` transformers cache, which copies the
whole cache every step, or our `'growing'` one, written in place) or `--prefill-logits` kinds (`'slice'`: the prefill asks
transformers for `logits_to_keep=1`, whose non-contiguous last-position view makes torch's CPU matmul expand and copy the
head per row, the Sampler's code before 2026-12-02; `'index'`: the last position as an index tensor, one mm, the Sampler's
code now) or `--attention` kinds (`'model'`: the model's own SDPA path, which repeats the KV heads; `'default'`: the
Sampler's choice, `plain_attention`: `enable_gqa` for a bf16 copy; or `'gqa'` / `'grouped'` by name, bf16 only), to the
same configuration with the first. `--split` picks the mini math set the prompts come from (`train` has enough rows for large batches).
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AVX2 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}

def _prefill_slice(self, inp, mask, pos, capacity: int = 0):
    "The Sampler's plain prefill before 2026-12-02: `logits_to_keep=1` (a non-contiguous [B, 1, H] view into the head)."
    from paper_repro.sampling import _returned_cache, growing_cache
    kw = {self._cache_kw: growing_cache(self.model.config, capacity)} if self.kv_cache == 'growing' else {}
    out = self.model(input_ids=inp, attention_mask=mask.long(), position_ids=pos, use_cache=True, logits_to_keep=1, **kw)
    self._past, self._mask = _returned_cache(out), mask.long()
    return out.logits[:, -1].float()

def worker(kind: str, n: int, max_new: int, batch: int, split: str = 'gsm8k', kv_cache: str = 'growing',
           prefill: str = 'index', attention: str = 'default') -> dict:
    "One configuration, in this process: decode the workload and report speed, agreement inputs and accuracy."
    import torch
    from paper_repro.data import math_prompt
    from paper_repro.minidata import load_split
    from paper_repro.grading import math_grade
    from paper_repro.models import load_model
    from paper_repro.sampling import Sampler, SamplingConfig, cpu_has_bf16
    if kind == 'bf16' and not cpu_has_bf16(): return {'skipped': 'no native bf16 here'}
    rows = load_split('mini', 'math', split)[:n]
    model, tok = load_model(); model.eval()
    n_params = sum(p.numel() for n_, p in model.named_parameters() if 'embed' not in n_) + model.lm_head.weight.numel()
    if kind == 'int8':
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        sampler = Sampler(model, tok, dtype=torch.float32, kv_cache=kv_cache)   # the quantized model itself (fp32 activations, no bf16 copy)
    else:
        try: sampler = Sampler(model, tok, dtype=torch.bfloat16 if kind == 'bf16' else torch.float32, kv_cache=kv_cache,
                               attention=None if attention == 'default' else attention)
        except ValueError as e: return {'skipped': str(e)}   # a named attention needs a generation copy (bf16)
    if prefill == 'slice': Sampler._prefill_plain = _prefill_slice
    cfg = SamplingConfig(k=1, temperature=0.0, max_new_tokens=max_new, batch_size=batch)
    prompts = [math_prompt(r['question']) for r in rows]
    sampler.generate(prompts[:2], SamplingConfig(k=1, temperature=0.0, max_new_tokens=4, batch_size=2), progress=False)
    t0 = time.perf_counter()
    outs = sampler.generate(prompts, cfg, progress=False)
    s = time.perf_counter() - t0
    texts = [o[0].text for o in outs]
    toks = sum(o[0].n_tokens for o in outs)
    graded = math_grade(rows, [[t] for t in texts])
    # the compute bound: fp32 GEMM rate at the decode step's largest shapes (batch x hidden @ hidden x intermediate)
    h, f = model.config.hidden_size, model.config.intermediate_size
    a, w = torch.randn(batch, h), torch.randn(h, f)
    for _ in range(3): a @ w
    t1 = time.perf_counter(); reps = 200
    for _ in range(reps): a @ w
    gemm = 2 * batch * h * f * reps / (time.perf_counter() - t1) / 1e9
    return {'seconds': s, 'tokens': toks, 'tok_s': toks / s, 'gflop_s': toks * 2 * n_params / s / 1e9,
            'fp32_gemm_gflop_s': gemm, 'accuracy': sum(g[0]['correct'] for g in graded) / len(rows), 'texts': texts,
            'capability': torch.backends.cpu.get_cpu_capability(), 'threads': torch.get_num_threads(),
            'finished': sum(o[0].finished for o in outs) / len(outs), 'n_rows': len(rows)}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=64); ap.add_argument('--max-new-tokens', type=int, default=128)
    ap.add_argument('--batch-size', default='64', help='one size, or several comma-separated (a sweep)')
    ap.add_argument('--kinds', default='', help='comma-separated configurations, e.g. native-bf16,avx2-fp32 (default: all)')
    ap.add_argument('--split', default='gsm8k', help="mini math set of the prompts (gsm8k: 60 rows; train: thousands)")
    ap.add_argument('--kv-cache', default='growing', help="plain path's KV cache: growing | dynamic, or both (compared)")
    ap.add_argument('--prefill-logits', default='index', help="plain path's prefill head: index | slice, or both (compared)")
    ap.add_argument('--attention', default='default', help="plain path's attention: default | model | gqa | grouped, or several (compared)")
    ap.add_argument('--out', default=None); ap.add_argument('--worker', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.n, a.max_new_tokens, int(a.batch_size), a.split, a.kv_cache, a.prefill_logits,
                                a.attention))); return
    from paper_repro.core import cpu_info
    batches = [int(b) for b in a.batch_size.split(',')]
    every = [f"{e}-{k}" for e in ('native', 'avx2') for k in ('fp32', 'bf16', 'int8') if (e, k) != ('avx2', 'bf16')]
    kinds = a.kinds.split(',') if a.kinds else every   # (no native bf16 under AVX2 by construction)
    if bad := [k for k in kinds if k not in every]: ap.error(f"--kinds: unknown {bad}; choose from {every}")
    caches, prefills, attns = a.kv_cache.split(','), a.prefill_logits.split(','), a.attention.split(',')
    if bad := [x for x in attns if x not in ('default', 'model', 'gqa', 'grouped')]: ap.error(f"--attention: unknown {bad}")
    if bad := [c for c in caches if c not in ('growing', 'dynamic')]: ap.error(f"--kv-cache: unknown {bad}")
    if bad := [c for c in prefills if c not in ('index', 'slice')]: ap.error(f"--prefill-logits: unknown {bad}")
    variants = [f"{c}+{p}+{x}" for c in caches for p in prefills for x in attns]   # compared: each with the first
    res = {'cpu': cpu_info()['cpu_model'], 'cores': os.cpu_count(), 'n': a.n, 'split': a.split,
           'max_new_tokens': a.max_new_tokens, 'batch_sizes': batches, 'kv_caches': caches, 'prefill_logits': prefills,
           'attention': attns, 'runs': {}}
    for b in batches:
      for name in kinds:
        for variant in variants:
            cache, prefill, attn = variant.split('+')
            env_name, kind = name.split('-')
            env = {**os.environ, **(AVX2 if env_name == 'avx2' else {}),
                   'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
            p = subprocess.run([sys.executable, __file__, '--worker', kind, '--n', str(a.n), '--max-new-tokens', str(a.max_new_tokens),
                                '--batch-size', str(b), '--split', a.split, '--kv-cache', cache, '--prefill-logits', prefill,
                                '--attention', attn],
                               env=env, capture_output=True, text=True)
            if p.returncode: print(f"{name} batch {b}: failed\n{p.stderr[-2000:]}"); continue
            tag = f"/{variant}" if len(variants) > 1 else ''
            res['runs'][f"{name}{tag}@{b}"] = json.loads(p.stdout.strip().splitlines()[-1])
    n = next((r['n_rows'] for r in res['runs'].values() if 'n_rows' in r), a.n)
    print(f"CPU: {res['cpu']} ({res['cores']} cores); greedy, {n} prompts of mini math/{a.split}, <= {a.max_new_tokens} new tokens")
    for key, r in res['runs'].items():
        name, b = key.split('@')
        if 'skipped' in r: print(f"{key:24s} skipped: {r['skipped']}"); continue
        env_name = name.split('-')[0]
        # variants compared: each configuration with itself in the first variant; a sweep: with itself at the first
        # batch size; one batch size: with fp32
        ref_key = (f"{name.split('/')[0]}/{variants[0]}@{b}" if len(variants) > 1 else
                   f"{name}@{batches[0]}" if len(batches) > 1 else f"{env_name}-fp32@{b}")
        if ref_key not in res['runs']: ref_key = key
        ref = res['runs'][ref_key]
        same = sum(x == y for x, y in zip(r['texts'], ref['texts'])) / len(r['texts'])
        print(f"{key:24s} {r['capability']:8s} {r['tok_s']:7.1f} tok/s  x{r['tok_s'] / ref['tok_s']:.2f} vs {ref_key:24s} "
              f"{r['gflop_s']:6.1f} GFLOP/s (fp32 GEMM bound {r['fp32_gemm_gflop_s']:6.1f})  same answers {same:5.1%}  "
              f"accuracy {r['accuracy']:5.1%}  finished {r['finished']:5.1%}  ({r['seconds']:.1f} s)")
    if a.out:
        for r in res['runs'].values(): r.pop('texts', None)
        Path(a.out).write_text(json.dumps(res, indent=1))

if __name__ == '__main__': main()
