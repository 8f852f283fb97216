"""CPU DPO rounds of the embedded SmolLM2-135M-Instruct on Table 1's mini workload: what would bring APT's mini under budget.

    python benchmarks/cpu_dpo.py [--pairs 40] [--out FILE.json]

Table 1 at mini spends most of its time in APT's DPO rounds (644 + 299 s of 1,696 stage-seconds on a 2-core EPYC with
native bf16, 2026-12-02). This times one DPO round of the shared preference loop (`preference.dpo_round`, trl's
`DPOTrainer`, the mini recipe's settings: batch 8, β 0.1, 1 epoch) on the first `pairs` round-1 pairs of APT at mini —
mined through the runner (`Table1` prepare stage, cached in the user cache: a first run mines for ~3 min) — in
these configurations, each in its own process (the CPU capability must be fixed before torch loads):
  full-bf16   the mini recipe on a CPU with native bf16 (full fine-tuning, bf16 mixed precision), with the CPU
              training speed-ups (`preference.CPU_TRAINING`: trl's LM head scores only the answer tokens, fused AdamW)
  plain-bf16  full-bf16 without them (trl's head scores every position, per-tensor AdamW: before 2026-12-03)
  nofused-bf16 full-bf16 with the compact head but per-tensor AdamW
  full-fp32   the same in fp32
  lora-bf16   LoRA r = 16, α = 32 on every projection (the reference = the adapters disabled, no weight copy)
  stop-bf16   full-bf16 on the same pairs with every answer cut after its `#### n` answer line (what a sampler that
              stops there would have produced: the same prefix, fewer tokens)
  avx2-full-fp32, avx2-plain-fp32, avx2-lora-fp32, avx2-stop-fp32   under `ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2`
Printed per configuration: seconds per pair (trainer set-up included: every round pays it), tokens trained, the
ratio to full-bf16 (native) or to avx2-full-fp32, and the DPO loss after the round (the variants must still learn).
Ratios are within one run on one machine; the CPU is named.
"""
from __future__ import annotations
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AVX2 = {'ATEN_CPU_CAPABILITY': 'avx2', 'ONEDNN_MAX_CPU_ISA': 'AVX2'}
CONFIGS = {'full-bf16': {}, 'plain-bf16': {'plain': True}, 'nofused-bf16': {'nofused': True},
           'full-fp32': {'bf16': False}, 'lora-bf16': {'lora': True}, 'stop-bf16': {'stop': True},
           'avx2-full-fp32': {'avx2': True}, 'avx2-plain-fp32': {'avx2': True, 'plain': True},
           'avx2-lora-fp32': {'avx2': True, 'lora': True}, 'avx2-stop-fp32': {'avx2': True, 'stop': True}}

def cut_at_answer(text: str) -> str:
    "`text` up to the end of its first line holding `####` (the GSM8K answer line); unchanged when it has none."
    i = text.find('####')
    if i < 0: return text
    j = text.find('\n', i)
    return text if j < 0 else text[:j]

def mini_pairs(n: int) -> list[dict]:
    "The first `n` round-1 pairs of APT bad + similar at mini, through the runner's cached prepare stage."
    from paper_repro.core import iter_jsonl
    from paper_repro.experiment import SeedRun, get_experiment, load_recipe, recipe_path
    exp = get_experiment(1); cfg = load_recipe(exp, recipe_path(1, 'mini'))
    run = (exp.run_cls or SeedRun)(exp, cfg, 0)
    return [p for _, p in iter_jsonl(exp.prepare(run, 'apt', 1)['_pairs'])][:n]

def worker(kind: str, pairs_file: str) -> dict:
    import dataclasses, torch
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    from paper_repro.models import load_model
    from paper_repro.models import LoraSettings
    from paper_repro.preference import CPU_TRAINING, PreferencePair, use_bf16, dpo_round
    from paper_repro.core import cpu_info
    opt = CONFIGS[kind]
    if opt.get('plain'): CPU_TRAINING.update(compact_lm_head=False, fused_adamw=False)
    if opt.get('nofused'): CPU_TRAINING.update(fused_adamw=False)
    cfg = load_recipe(get_experiment(1), recipe_path(1, 'mini')).apt.dpo
    cfg = dataclasses.replace(cfg, bf16=opt.get('bf16', 'auto'),
                              lora=LoraSettings(r=16, alpha=32) if opt.get('lora') else None)
    rows = json.loads(Path(pairs_file).read_text())
    cut = cut_at_answer if opt.get('stop') else (lambda s: s)
    pairs = [PreferencePair(r['prompt'], cut(r['chosen']), cut(r['rejected']), r.get('meta', {})) for r in rows]
    model, tok = load_model()
    t0 = time.perf_counter()
    model, st = dpo_round(model, tok, pairs, cfg, Path(tempfile.mkdtemp()) / 'dpo', seed=0)
    wall = time.perf_counter() - t0
    logs = [h for h in st.get('log_history', []) if 'num_tokens' in h]
    return {'kind': kind, 'wall_s': wall, 's_per_pair': wall / len(pairs), 'steps': st['steps'],
            'tokens': logs[-1]['num_tokens'] if logs else None, 'loss_last': st.get('loss_last'),
            'bf16': use_bf16(cfg.bf16), 'cpu_training': dict(CPU_TRAINING), 'cpu': cpu_info(),
            'threads': torch.get_num_threads()}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--pairs', type=int, default=40, help='pairs per round (5 steps of 8)')
    ap.add_argument('--only', default='', help='comma-separated configurations (default: all)')
    ap.add_argument('--out', default='', help='write the results as JSON here')
    ap.add_argument('--worker', default='', help=argparse.SUPPRESS); ap.add_argument('--pairs-file', default='', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker: print('RESULT ' + json.dumps(worker(a.worker, a.pairs_file))); return
    sys.path.insert(0, str(ROOT))
    pairs = mini_pairs(a.pairs)
    f = Path(tempfile.mkdtemp()) / 'pairs.json'; f.write_text(json.dumps(pairs))
    stop_share = sum(cut_at_answer(p['rejected']) != p['rejected'] for p in pairs) / max(len(pairs), 1)
    results = []
    for kind in (a.only.split(',') if a.only else CONFIGS):
        env = {**os.environ, **(AVX2 if CONFIGS[kind].get('avx2') else {}), 'PYTHONPATH': str(ROOT)}
        p = subprocess.run([sys.executable, __file__, '--worker', kind, '--pairs-file', str(f)], env=env,
                           capture_output=True, text=True)
        line = next((l for l in p.stdout.splitlines() if l.startswith('RESULT ')), None)
        if line is None: print(f"{kind}: failed\n{p.stderr[-2000:]}"); continue
        results.append(json.loads(line[7:]))
    by = {r['kind']: r for r in results}
    cpu = results[0]['cpu'] if results else {}
    print(f"CPU: {cpu.get('cpu_model')} (native bf16: {cpu.get('cpu_native_bf16')}), {results[0]['threads'] if results else '?'} threads; "
          f"{len(pairs)} pairs; {stop_share:.0%} of rejected answers have text after their answer line")
    print(f"{'config':16} {'s/pair':>7} {'steps':>5} {'tokens':>7} {'loss':>6} {'vs base':>8}")
    for r in results:
        base = by.get('avx2-full-fp32' if r['kind'].startswith('avx2') else 'full-bf16')
        ratio = base['s_per_pair'] / r['s_per_pair'] if base else float('nan')
        print(f"{r['kind']:16} {r['s_per_pair']:7.2f} {r['steps']:5d} {r['tokens'] or 0:7.0f} {r['loss_last'] or 0:6.3f} {ratio:7.2f}x")
    if a.out: Path(a.out).write_text(json.dumps({'pairs': len(pairs), 'stop_share': stop_share, 'results': results}, indent=1))

if __name__ == '__main__':
    main()
