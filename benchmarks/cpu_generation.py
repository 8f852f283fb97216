"""CPU decoding of the embedded SmolLM2-135M-Instruct against the compute bound: fp32, bf16 and int8 side by side.

    python benchmarks/cpu_generation.py [--n 64] [--max-new-tokens 128] [--batch-size 64] [--out FILE.json]

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
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AVX2 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}

def worker(kind: str, n: int, max_new: int, batch: int) -> dict:
    "One configuration, in this process: decode the workload and report speed, agreement inputs and accuracy."
    import torch
    from paper_repro.data import load_split, math_prompt
    from paper_repro.grading import math_grade
    from paper_repro.models import load_model
    from paper_repro.sampling import Sampler, SamplingConfig, cpu_has_bf16
    if kind == 'bf16' and not cpu_has_bf16(): return {'skipped': 'no native bf16 here'}
    rows = load_split('mini', 'math', 'gsm8k')[:n]
    model, tok = load_model(); model.eval()
    n_params = sum(p.numel() for n_, p in model.named_parameters() if 'embed' not in n_) + model.lm_head.weight.numel()
    if kind == 'int8':
        model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        sampler = Sampler(model, tok, dtype=torch.float32)   # the quantized model itself (fp32 activations, no bf16 copy)
    else:
        sampler = Sampler(model, tok, dtype=torch.bfloat16 if kind == 'bf16' else torch.float32)
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
            'finished': sum(o[0].finished for o in outs) / len(outs)}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=64); ap.add_argument('--max-new-tokens', type=int, default=128)
    ap.add_argument('--batch-size', type=int, default=64); ap.add_argument('--out', default=None)
    ap.add_argument('--worker', default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(worker(a.worker, a.n, a.max_new_tokens, a.batch_size))); return
    from paper_repro.core import cpu_info
    res = {'cpu': cpu_info()['cpu_model'], 'cores': os.cpu_count(), 'n': a.n, 'max_new_tokens': a.max_new_tokens,
           'batch_size': a.batch_size, 'runs': {}}
    for env_name, extra in (('native', {}), ('avx2', AVX2)):
        for kind in ('fp32', 'bf16', 'int8'):
            if env_name == 'avx2' and kind == 'bf16': continue   # no native bf16 there by construction
            env = {**os.environ, **extra, 'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
            p = subprocess.run([sys.executable, __file__, '--worker', kind, '--n', str(a.n), '--max-new-tokens',
                                str(a.max_new_tokens), '--batch-size', str(a.batch_size)], env=env, capture_output=True, text=True)
            if p.returncode: print(f"{env_name}-{kind}: failed\n{p.stderr[-2000:]}"); continue
            r = json.loads(p.stdout.strip().splitlines()[-1]); res['runs'][f"{env_name}-{kind}"] = r
    base = {e: res['runs'].get(f"{e}-fp32") for e in ('native', 'avx2')}
    print(f"CPU: {res['cpu']} ({res['cores']} cores); greedy, {a.n} GSM8K-style prompts, batch {a.batch_size}, "
          f"<= {a.max_new_tokens} new tokens")
    for name, r in res['runs'].items():
        if 'skipped' in r: print(f"{name:12s} skipped: {r['skipped']}"); continue
        b = base[name.split('-')[0]]
        same = sum(x == y for x, y in zip(r['texts'], b['texts'])) / len(r['texts']) if b else float('nan')
        print(f"{name:12s} {r['capability']:8s} {r['tok_s']:7.1f} tok/s  x{r['tok_s'] / b['tok_s']:.2f} vs fp32  "
              f"{r['gflop_s']:6.1f} GFLOP/s (fp32 GEMM bound {r['fp32_gemm_gflop_s']:6.1f})  same answers as fp32 {same:5.1%}  "
              f"accuracy {r['accuracy']:5.1%}  finished {r['finished']:5.1%}  ({r['seconds']:.1f} s)")
    if a.out:
        for r in res['runs'].values(): r.pop('texts', None)
        Path(a.out).write_text(json.dumps(res, indent=1))

if __name__ == '__main__': main()
