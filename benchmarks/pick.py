"""The Sampler's token pick, two ways side by side in one run:
  T 1, top-p 1 (default): the whole-vocabulary inverse CDF block by block (`_inverse_cdf`, the Sampler's since
    2026-12-03) against one fp32 scan over the row (`_inverse_cdf_scan`, before);
  --compiled: the decode step's whole picker (`_pick_no_sync`) compiled by `torch.compile` (a compiled Sampler's
    `_pick_fn` since the evening of 2026-12-03: the softmax fuses into the reductions that read it) against it eager (before), at the
    given T / top-p (top-p < 1 only with --compiled: the other top-p comparison this script made, the candidates by
    `topk` on the logits, measured ×1.03–1.05 on an H200 and was dropped; records h200-2026-12-03/evening/call2_pick).

    python benchmarks/pick.py [--batch 64,1024] [--vocab 49152] [--reps 20] [--out FILE.json]
    python benchmarks/pick.py --compiled [--temperature 0.8 --top-p 0.95 --scale 8]

Random logits N(0, scale²) (scale 3: a spread-out softmax, the scan's worst case for rounding; a larger scale gives the
peaked rows top-p meets in a trained model), uniforms from the Sampler's counter-based stream. The picker of each
path: `_pick_no_sync` (the GPU's captured step), `pick_tokens` (the CPU's plain loop); logits in the generation copy's
dtype (bf16 on a GPU and on a CPU that multiplies bf16 natively, else fp32). Prints per batch size: ms per pick for
each (A first), the ratio B / A, how many rows picked a different token (a rounding edge) and, with top-p, the share of rows whose 256
candidates lack the nucleus; names the machine (CPU model and capability, or the GPU).
"""
from __future__ import annotations
import argparse, json, platform, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import paper_repro.sampling as S

def machine() -> str:
    if torch.cuda.is_available(): return torch.cuda.get_device_name()
    name = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
    return f"{name}, {torch.get_num_threads()} threads, torch CPU capability {torch.backends.cpu.get_cpu_capability()}"

def timed(fn, reps: int, dev) -> float:
    fn()  # warm
    if dev.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(reps): fn()
    if dev.type == 'cuda': torch.cuda.synchronize()
    return (time.perf_counter() - t0) / reps * 1e3

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--batch', default='64,1024'); ap.add_argument('--vocab', type=int, default=49152)
    ap.add_argument('--temperature', type=float, default=1.0); ap.add_argument('--top-p', type=float, default=1.0)
    ap.add_argument('--scale', type=float, default=3.0, help='logits ~ N(0, scale^2)')
    ap.add_argument('--reps', type=int, default=20); ap.add_argument('--out', default='')
    ap.add_argument('--compiled', action='store_true', help='compiled _pick_no_sync vs eager (the GPU step picker)')
    a = ap.parse_args(argv)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    dtype = S.generation_dtype(torch.float32, dev)
    T, top_p = a.temperature, a.top_p
    if top_p < 1 and not a.compiled: ap.error('--top-p < 1 compares only with --compiled')
    # the module name the picker calls, (A, B): A = the Sampler's pick since 2026-12-03, B = the full scan
    name, new, old = '_inverse_cdf', S._inverse_cdf, S._inverse_cdf_scan
    if a.compiled:   # (A, B) = the picker compiled, eager; nothing to swap inside it
        name, new, old = None, torch.compile(S._pick_no_sync, dynamic=None), S._pick_no_sync
        new.__name__, old.__name__ = 'compiled _pick_no_sync', 'eager _pick_no_sync'
    saved = getattr(S, name) if name else None
    rec = dict(machine=machine(), device=dev.type, dtype=str(dtype), vocab=a.vocab, temperature=T, top_p=top_p,
               scale=a.scale, compared=f'{new.__name__} vs {old.__name__}', torch=torch.__version__, rows=[])
    print(rec['machine'], '|', dtype, '|', rec['compared'], f'| T {T}, top-p {top_p}, logits N(0, {a.scale}²)')
    for B in (int(x) for x in a.batch.split(',')):
        g = torch.Generator().manual_seed(B)
        logits = (torch.randn(B, a.vocab, generator=g) * a.scale).to(dev, dtype)
        u = S.uniforms(0, torch.arange(B), 1).to(dev)
        if dev.type == 'cuda':   # the captured step's picker; short rows would be picked again outside it
            pick = lambda: S._pick_no_sync(logits, T, top_p, u)[0]
        else:
            pick = lambda: S.pick_tokens(logits.float(), T, top_p, u)
        r = dict(batch=B)
        for label, fn in (('new', new), ('old', old)):
            if a.compiled: p1 = lambda: fn(logits, T, top_p, u)[0]
            else: setattr(S, name, fn); p1 = pick
            try: r[f'{label}_ms'] = timed(p1, a.reps, dev); r[label] = p1()
            finally:
                if name: setattr(S, name, saved)
        r['rows_differing'] = int((r.pop('new') != r.pop('old')).sum())
        r['ratio'] = r['old_ms'] / r['new_ms']
        if top_p < 1:
            r['short_rows'] = int((S._top_candidates(logits, T, 256)[0].sum(-1) < top_p).sum())
        rec['rows'].append(r)
        extra = f"  short rows {r['short_rows']}/{B}" if top_p < 1 else ''
        print(f"batch {B:5d}: {new.__name__} {r['new_ms']:7.3f} ms  {old.__name__} {r['old_ms']:7.3f} ms  x{r['ratio']:.2f}  "
              f"rows differing {r['rows_differing']}/{B}{extra}")
    if a.out: Path(a.out).write_text(json.dumps(rec, indent=1))

if __name__ == '__main__': main()
