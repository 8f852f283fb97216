"""The Sampler's token pick at T = 1 (top-p 1): the whole-vocabulary inverse CDF block by block (`_inverse_cdf`, the
default since 2026-12-03) against one fp32 scan over the row (`_inverse_cdf_scan`, before), side by side in one run.

    python benchmarks/pick.py [--batch 64,1024] [--vocab 49152] [--reps 20] [--out FILE.json]

Random logits (N(0, 3²): a spread-out softmax, the scan's worst case for rounding), uniforms from the Sampler's
counter-based stream. The picker of each path: `_pick_no_sync` (the GPU's captured step), `pick_tokens` (the CPU's
plain loop). Prints per batch size: ms per pick for each, the ratio, and how many rows picked a different
token (a rounding-edge case), naming the machine (CPU model and flags, or the GPU). On a CPU the pick runs in the
generation copy's dtype path: bf16 logits where the CPU multiplies bf16 natively, else fp32.
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
    ap.add_argument('--reps', type=int, default=20); ap.add_argument('--out', default='')
    a = ap.parse_args(argv)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    dtype = S.generation_dtype(torch.float32, dev)
    rec = dict(machine=machine(), device=dev.type, dtype=str(dtype), vocab=a.vocab, torch=torch.__version__, rows=[])
    print(rec['machine'], '|', dtype)
    for B in (int(x) for x in a.batch.split(',')):
        g = torch.Generator().manual_seed(B)
        logits = (torch.randn(B, a.vocab, generator=g) * 3).to(dev, dtype)
        u = S.uniforms(0, torch.arange(B), 1).to(dev)
        # the picker each path uses: the GPU's captured step `_pick_no_sync`, the CPU's plain loop `pick_tokens`
        pick = ((lambda: S._pick_no_sync(logits, 1.0, 1.0, u)[0]) if dev.type == 'cuda' else
                (lambda: S.pick_tokens(logits, 1.0, 1.0, u)))
        block_ms = timed(pick, a.reps, dev); block = pick()
        saved, S._inverse_cdf = S._inverse_cdf, S._inverse_cdf_scan
        try: scan_ms = timed(pick, a.reps, dev); scan = pick()
        finally: S._inverse_cdf = saved
        r = dict(batch=B, block_ms=block_ms, scan_ms=scan_ms, ratio=scan_ms / block_ms, rows_differing=int((block != scan).sum()))
        rec['rows'].append(r)
        print(f"batch {B:5d}: block {block_ms:7.3f} ms  scan {scan_ms:7.3f} ms  x{r['ratio']:.2f}  rows differing {r['rows_differing']}/{B}")
    if a.out: Path(a.out).write_text(json.dumps(rec, indent=1))

if __name__ == '__main__': main()
