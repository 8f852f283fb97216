"""Processes sharing a small CPU: torch's default threads per process against one thread each, side by side.

    python benchmarks/cpu_threads.py [--procs 2] [--n 32] [--max-new-tokens 64] [--batch-size 32] [--out FILE.json]

`make test` runs `nbdev-test` with two workers and the Table 2 walkthrough beside them on a 2-core machine. Each process's
torch opens one OpenMP thread per core, so two processes run four busy threads on two cores; `02_sampling` took 1,317 s
there against 43 s alone (a 2-core Xeon, 2026-12-02), and the Makefile now sets `OMP_NUM_THREADS=1` for them. This
measures that choice on one workload, the greedy decode of `cpu_generation.py` (the project's `Sampler`, the
embedded SmolLM2-135M-Instruct, mini math prompts), in three configurations:
  alone           one process, torch's default threads (one per core): the reference
  shared-default  `--procs` processes at once, each with torch's default threads (what nbdev-test's workers did)
  shared-1        `--procs` processes at once, `OMP_NUM_THREADS=1` each (the Makefile's setting)
Printed: each configuration's wall time for all of its work (the alone row does one process's share; the shared rows do
`--procs` times that), the throughput in prompts per second and its ratio to the alone row's. Greedy answers must be
identical across configurations (threads change the reduction order only within a kernel's tolerance; the count of
identical answers is printed). `--kind bf16` decodes from the bf16 copy (CPUs with native bf16), `fp32` otherwise;
`--avx2` emulates an AVX2-only CPU. Ratios are within one run on one machine; the CPU is named.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AVX2 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}
GEN = Path(__file__).with_name('cpu_generation.py')

def launch(kind: str, a, threads: int | None, avx2: bool) -> subprocess.Popen:
    "One decoding process (`cpu_generation.py --worker`), started now; `threads` None = torch's default."
    env = {**os.environ, **(AVX2 if avx2 else {}),
           'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
    env.pop('OMP_NUM_THREADS', None)
    if threads: env['OMP_NUM_THREADS'] = str(threads)
    return subprocess.Popen([sys.executable, str(GEN), '--worker', kind, '--n', str(a.n), '--max-new-tokens',
                             str(a.max_new_tokens), '--batch-size', str(a.batch_size), '--split', a.split],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def run_config(procs: int, threads: int | None, a) -> dict:
    "Start `procs` processes at once; wall seconds until the last one ends, and each one's report."
    t0 = time.perf_counter()
    ps = [launch(a.kind, a, threads, a.avx2) for _ in range(procs)]
    outs = [p.communicate() for p in ps]
    wall = time.perf_counter() - t0
    for p, (out, err) in zip(ps, outs):
        if p.returncode: raise SystemExit(f"a worker failed (exit {p.returncode}):\n{err[-2000:]}")
    reps = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    if 'skipped' in reps[0]: raise SystemExit(f"--kind {a.kind}: {reps[0]['skipped']}")
    return {'procs': procs, 'omp_threads': threads or 'default', 'wall_s': wall, 'prompts': procs * reps[0]['n_rows'],
            'torch_threads': [r['threads'] for r in reps], 'decode_s': [r['seconds'] for r in reps],
            'capability': reps[0]['capability'], 'texts': [r['texts'] for r in reps]}

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--procs', type=int, default=2, help='processes side by side in the shared rows')
    ap.add_argument('--n', type=int, default=32); ap.add_argument('--max-new-tokens', type=int, default=64)
    ap.add_argument('--batch-size', type=int, default=32); ap.add_argument('--split', default='gsm8k')
    ap.add_argument('--kind', default='fp32', choices=['fp32', 'bf16'], help='decode dtype (bf16: native-bf16 CPUs)')
    ap.add_argument('--avx2', action='store_true', help='emulate an AVX2-only CPU in every process')
    ap.add_argument('--out', default=None)
    a = ap.parse_args(argv)
    from paper_repro.core import cpu_info
    res = {'cpu': cpu_info()['cpu_model'], 'cores': os.cpu_count(), 'kind': a.kind, 'avx2': a.avx2, 'n': a.n,
           'max_new_tokens': a.max_new_tokens, 'batch_size': a.batch_size,
           'runs': {'alone': run_config(1, None, a), 'shared-default': run_config(a.procs, None, a),
                    'shared-1': run_config(a.procs, 1, a)}}
    ref = res['runs']['alone']; ref_tp = ref['prompts'] / ref['wall_s']
    print(f"CPU: {res['cpu']} ({res['cores']} cores, {ref['capability']}); greedy {a.kind}, {a.n} prompts of mini "
          f"math/{a.split} per process, <= {a.max_new_tokens} new tokens, batch {a.batch_size}")
    for name, r in res['runs'].items():
        same = sum(t == u for ts in r['texts'] for t, u in zip(ts, ref['texts'][0])) / sum(len(ts) for ts in r['texts'])
        tp = r['prompts'] / r['wall_s']
        print(f"{name:15s} {r['procs']} proc(s) x OMP threads {str(r['omp_threads']):7s} (torch threads {r['torch_threads']}): "
              f"{r['wall_s']:6.1f} s for {r['prompts']} prompts = {tp:5.2f} prompts/s, x{tp / ref_tp:.2f} vs alone; "
              f"decode per process {', '.join(f'{s:.1f}' for s in r['decode_s'])} s; same answers as alone {same:.1%}")
    sd, s1 = res['runs']['shared-default'], res['runs']['shared-1']
    print(f"shared: one thread each is x{sd['wall_s'] / s1['wall_s']:.2f} faster than the default threads")
    if a.out:
        for r in res['runs'].values(): r.pop('texts', None)
        Path(a.out).write_text(json.dumps(res, indent=1))

if __name__ == '__main__': main()
