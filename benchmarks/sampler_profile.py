"""Where one decode step of the `Sampler`'s CUDA path spends its time (issue 11: ≥ 200k tok/s at batch 1024 × 256).

    python benchmarks/sampler_profile.py --tokenizer DIR --out DIR     (on the lent machine: tools/device.sh py ...)

SmolLM2-135M shape with random weights (as `sampling.py --suite`), 2,048 rows = 256 prompts × K 8, 256 new tokens,
batch 1024, T 1 (top-p 1) unless told. It measures, in one run on one card:
  1. the warm `generate` call: seconds per decode step (the suite's tok/s figure, divided out);
  2. each captured step graph replayed alone (per cache bucket), timed with CUDA events: the GPU time of one step;
     (1) − mean (2) = what the host loop adds between replays;
  3. a `torch.profiler` trace of the same step run eagerly (compiled forward, no graph), its CUDA kernels' time summed
     by kernel family (attention, matmul, sampling: softmax / cumsum / searchsorted / sort, the rest), per bucket;
  4. one batch's prefill, timed with CUDA events: each distinct prompt once (the default) and every row.
Writes `sampler_profile.json` (and the profiler's top kernels) to --out and prints a summary naming the card."""
import argparse, json, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sampling import card_info, math_prompts, random_smollm2, sync  # the suite's model, prompts and card record

FAMILIES = (('attention', ('fmha', 'flash', 'attention', 'sdpa', 'efficient')),
            ('matmul', ('gemm', 'cutlass', 'sm90', 'nvjet', 'cublas', 'matmul', 'mm_')),
            ('sampling', ('softmax', 'cumsum', 'scan', 'searchsorted', 'sort', 'topk', 'radix')))

def family(name: str) -> str:
    n = name.lower()
    return next((f for f, keys in FAMILIES if any(k in n for k in keys)), 'other')

def put_back(st, cache, cur0, pos0):
    "The step's position state before a measured step: cache slot `cur0` (and the cache's own fill counter, transformers >= 5.2x)."
    st['cur'].fill_(cur0); st['t'].fill_(0); st['pos'].copy_(pos0)
    for x in getattr(cache, 'layers', []):
        if isinstance(getattr(x, 'cumulative_length', None), torch.Tensor): x.cumulative_length.fill_(cur0)

def graph_ms(g, st, cache, cur0, pos0, reps: int) -> float:
    "GPU ms of one replay of the captured step `g`, the state put back before each replay (writes stay in the cache)."
    start, end, total = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True), 0.0
    for _ in range(reps):
        put_back(st, cache, cur0, pos0)
        start.record(); g.replay(); end.record(); end.synchronize(); total += start.elapsed_time(end)
    return total / reps

def prefill_ms(s, prompts, cfg, cache, reps: int) -> dict:
    """GPU ms of one batch's prefill (its first B rows, K samples a prompt): shared (each distinct prompt once, its host
    padding included, as in the Sampler) vs every row (already padded, on the device)."""
    from paper_repro.sampling import _distinct, _left_pad, encode_prompts
    ids = encode_prompts(s.tok, prompts, cfg)
    B = cfg.fixed_batch_size
    rows = [ids[i] for i in range(len(ids)) for _ in range(cfg.k)][:B]
    W = -(-max(map(len, rows)) // 16) * 16
    inp, mask = (x.to(s.device) for x in _left_pad(rows, W, s.pad_id))
    dev = s.device
    def full(): return s._prefill_fixed(inp, mask, mask, cache).logits[:, -1]
    out = dict(rows=B, width=W, distinct_prompts=len(_distinct(rows)[0]))
    cuda = dev.type == 'cuda'
    for name, fn in (('shared_ms', lambda: s._prefill_shared(rows, W, cache)), ('every_row_ms', full)):
        with torch.no_grad():
            cache.reset(); fn(); cuda and torch.cuda.synchronize()
            total = 0.0
            for _ in range(reps):
                cache.reset()   # as `_batch_fixed` does before its prefill (the static cache counts what it holds)
                if cuda:
                    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                    start.record(); fn(); end.record(); end.synchronize(); total += start.elapsed_time(end)
                else: t0 = time.perf_counter(); fn(); total += 1e3 * (time.perf_counter() - t0)   # (a CPU smoke test)
        out[name] = total / reps
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tokenizer', required=True, help='directory with the SmolLM2 config.json and tokenizer files')
    ap.add_argument('--out', default='bench_out')
    ap.add_argument('--batch', type=int, default=1024)
    ap.add_argument('--max-new-tokens', type=int, default=256)
    ap.add_argument('--temperature', type=float, default=1.0)
    ap.add_argument('--top-p', type=float, default=1.0)
    ap.add_argument('--reps', type=int, default=20, help='replays per bucket graph; profiled eager steps per bucket: 3')
    a = ap.parse_args(argv)
    from paper_repro.sampling import Sampler, SamplingConfig
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    model, tok = random_smollm2(a.tokenizer)
    if a.top_p < 1:  # as the suite's top-p rows: plain random weights spread the nucleus over most of the vocabulary, so
        # every row would be re-picked on the host (seen: records h200-2026-12-03/evening/call2_pick); final norm x 20
        with torch.no_grad(): model.model.norm.weight.mul_(20)
    cfg = SamplingConfig(k=8, temperature=a.temperature, top_p=a.top_p, max_new_tokens=a.max_new_tokens,
                         batch_size=a.batch, fixed_batch_size=a.batch, seed=0, max_prompt_tokens=128)
    prompts = math_prompts(256, 0)
    s = Sampler(model, tok, cfg)
    rec = dict(card=card_info(), torch=torch.__version__, batch=a.batch, max_new_tokens=a.max_new_tokens,
               temperature=a.temperature, top_p=a.top_p, attention=s.attention, bucket=s.BUCKET,
               weights='random' + (', final norm x20' if a.top_p < 1 else ''))
    s.generate(prompts, cfg, progress=False)                       # compile and capture
    sync(s.device); t0 = time.perf_counter(); res = s.generate(prompts, cfg, progress=False); sync(s.device)
    wall = time.perf_counter() - t0
    toks = sum(c.n_tokens + c.finished for cs in res for c in cs)
    steps = (len(prompts) * cfg.k // a.batch) * (a.max_new_tokens - 1)
    rec.update(warm_s=wall, tok_per_s=toks / wall, ms_per_step=1e3 * wall / steps, steps=steps)
    (B, L, N), st = next(iter(s._states)), next(iter(s._states.values()))
    cache = s._caches[(B, L)][0]
    pos0 = st['pos'].clone()
    rec['buckets'] = {}
    from torch.autograd import DeviceType
    from torch.profiler import ProfilerActivity, profile
    for key, g in sorted(s._graphs.items(), key=lambda kv: kv[0][3]):
        Lb = key[3]
        try:
            cur0 = max(0, min(Lb, L) - 2)                  # a step near the bucket's end: the most keys read
            b = dict(graph_ms=graph_ms(g, st, cache, cur0, pos0, a.reps))
            with profile(activities=[ProfilerActivity.CUDA, ProfilerActivity.CPU]) as prof:
                for _ in range(3):
                    put_back(st, cache, cur0, pos0)
                    s._decode_step(st, cache, Lb, float(cfg.temperature), float(cfg.top_p))
                torch.cuda.synchronize()
            fam, top = {}, []
            for e in prof.key_averages():
                if getattr(e, 'device_type', None) != DeviceType.CUDA: continue   # kernels only: an aten op repeats its kernels' time
                us = getattr(e, 'self_device_time_total', None) or getattr(e, 'self_cuda_time_total', 0) or 0
                if us <= 0: continue
                fam[family(e.key)] = fam.get(family(e.key), 0.0) + us / 3e3   # ms per step
                top.append((us / 3e3, e.key[:90], e.count // 3))
            b['eager_ms_by_family'] = {k: round(v, 3) for k, v in sorted(fam.items(), key=lambda kv: -kv[1])}
            b['eager_gpu_ms'] = round(sum(fam.values()), 3)
            b['top_kernels'] = [dict(ms=round(m, 3), kernel=k, per_step=c) for m, k, c in sorted(top, reverse=True)[:15]]
            rec['buckets'][int(Lb)] = b
            print(f"bucket {Lb}: graph {b['graph_ms']:.3f} ms, eager kernels {b['eager_gpu_ms']:.3f} ms {b['eager_ms_by_family']}")
        except Exception as e:  # one bucket failing still leaves the others' figures
            rec.setdefault('errors', []).append(f'bucket {Lb}: {type(e).__name__}: {e}'); print(rec['errors'][-1])
    try: rec['prefill'] = prefill_ms(s, prompts, cfg, cache, a.reps)
    except Exception as e: rec.setdefault('errors', []).append(f'prefill: {type(e).__name__}: {e}')
    print('prefill of one batch:', rec.get('prefill'))
    gm = [b['graph_ms'] for b in rec['buckets'].values()]
    rec['mean_graph_ms'] = sum(gm) / max(len(gm), 1)
    rec['host_gap_ms'] = rec['ms_per_step'] - rec['mean_graph_ms']
    (out / 'sampler_profile.json').write_text(json.dumps(rec, indent=1))
    print(f"{rec['card']}: warm {rec['tok_per_s']:,.0f} tok/s, {rec['ms_per_step']:.3f} ms a step; graphs alone "
          f"{rec['mean_graph_ms']:.3f} ms (buckets {list(rec['buckets'])}); host and prefill add {rec['host_gap_ms']:.3f} ms")
    for Lb, b in rec['buckets'].items():
        print(f"-- bucket {Lb}: top kernels"); [print(f"   {k['ms']:.3f} ms x{k['per_step']} {k['kernel']}") for k in b['top_kernels'][:10]]

if __name__ == '__main__':
    main()
