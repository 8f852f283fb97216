"""The GPU levers of issue 30 (sampling, distillation steps, DPO rounds), old path beside new in one process on one card.

    python benchmarks/gpu_levers.py [--what sample kd dpo sft] [--steps 30] [--pairs 256] [--trace] [--out FILE.json]

sample: the Sampler on the embedded model's real weights, with fitted and compacted batches (`Sampler.FIT_ROWS`,
     `Sampler.COMPACT`: the default since 2026-12-06) and without (every batch `fixed_batch_size` rows, a quarter batch
     for a small remainder, run until its longest row ends), on four workloads shaped like the tables': Table 1's
     mining (319 problems, greedy, <= 256 tokens, batch 1024), Table 2's probe (256 problems x 8, T 0.8, top-p 0.95,
     <= 128 tokens), Table 3's evaluation sampling (400 instructions x 3, T 1, <= 128 tokens; in batches of 256,
     not the 1,024 Table 3 runs, to have full batches and a remainder) and Table 2's
     redesign (256 problems x 8 at <= 512 tokens). Printed: seconds of a warm call (the second), tokens a second, the
     finished share and how many texts equal the other path's (bf16: batch shapes round differently).

kd:  Table 3's distillation steps (`okd.kd_step`) on its gpu recipe — the SmolLM2-135M teacher, the 8-layer student
     cut from it, batch 16 of the generated instruct training rows — for a fixed-teacher KD row (FKL), on-policy KD
     (JSD, half the batches sampled by the student) and OKD (FKL, λ 0.1), each with `preference.GPU_TRAINING` off
     (fp32, per-tensor AdamW: the code before 2026-12-06), fused AdamW alone, TF32 alone, both, and bf16 autocast of
     the forward passes.
     Printed per row: seconds a step split as `kd_step` records it (teacher / student / generation) and the ratio.
     (Untuned teacher and student: only time is measured here, not what they learn.)
dpo: one DPO round (`preference.dpo_round`, Table 2's gpu settings: batch 16, β 0.1, 2 epochs, max length 384) of
     `pairs` math pairs (a reference solution against the same solution with its final number changed) with per-tensor
     AdamW (before) and fused AdamW (`GPU_TRAINING['fused_adamw']`), and with the reference's log-probs precomputed
     (`ref_mode: precompute`); then Table 1's APT settings (8 pairs x 2 accumulation steps, max length 448) against the
     same 16 pairs a step in one batch. Printed: seconds a round, a step (ratios within a table's settings), the loss.
sft: Table 1's SFT rows (8 rows x 2 accumulation steps, max length 448; its forgetting control took 0.32 s a step alone
     on one H100 at 16 % utilisation) as run, as 16 x 1, each with and without fused AdamW; `--trace` adds one round
     under torch.profiler: the ops with the most device time, host syncs and kernel launches.
Each configuration runs after a warm-up of the same kind, so kernel selection and allocator growth are not timed. The
card is named; ratios are within this run.
"""
from __future__ import annotations
import argparse, copy, dataclasses, json, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _torch():
    import torch
    return torch

DEV = 'cuda' if _torch().cuda.is_available() else 'cpu'   # the CPU only to check that the script runs
sync = lambda: _torch().cuda.synchronize() if DEV == 'cuda' else None
empty = lambda: _torch().cuda.empty_cache() if DEV == 'cuda' else None


def card() -> str:
    import torch
    return torch.cuda.get_device_name() if torch.cuda.is_available() else 'cpu (no GPU: numbers say nothing about one)'


def kd_bench(steps: int, warm: int = 3) -> list[dict]:
    import torch
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    from paper_repro.models import load_model
    from paper_repro.okd import prompt_response, prune_layers, setup_kd, student_layers, train_kd
    from paper_repro.preference import GPU_TRAINING
    from paper_repro.table3 import split_rows
    from paper_repro.table3_recipe import arm_kd
    cfg = load_recipe(get_experiment(3), recipe_path(3, 'gpu'))
    rows = [dict(zip(('prompt', 'response'), prompt_response(x))) for x in split_rows(cfg)[0]]
    teacher, tok = load_model(device=DEV)
    student0 = prune_layers(teacher, student_layers(cfg.student, teacher.config.num_hidden_layers))
    out = []
    variants = {'plain': dict(fused_adamw=False, kd_tf32=False, kd_bf16=False),
                'fused AdamW': dict(fused_adamw=True, kd_tf32=False, kd_bf16=False),
                'TF32': dict(fused_adamw=False, kd_tf32=True, kd_bf16=False),
                'fused AdamW + TF32': dict(fused_adamw=True, kd_tf32=True, kd_bf16=False),
                'bf16 autocast': dict(fused_adamw=False, kd_tf32=False, kd_bf16=True)}
    keep = dict(GPU_TRAINING)
    for arm in ('fkl', 'gkd', 'okd'):
        for name, v in variants.items():
            GPU_TRAINING.update(v)
            kcfg = arm_kd(cfg, arm, 0)
            st, te = copy.deepcopy(student0), copy.deepcopy(teacher)
            state = setup_kd(st, te, tok, kcfg)
            train_kd(state, rows, warm, cfg.batch_size)            # warm-up: kernels, allocator, the sampler's graphs
            sync(); t0 = time.perf_counter()
            hist = train_kd(state, rows[warm * cfg.batch_size:], steps, cfg.batch_size)
            sync(); wall = time.perf_counter() - t0
            r = {'row': arm, 'mode': kcfg.mode, 'gpu_training': name,
                 'steps': steps, 's_per_step': wall / steps,
                 **{k: sum(h[k] for h in hist) / steps for k in ('time_teacher', 'time_student', 'time_generation')},
                 'loss_student_last': hist[-1]['loss_student']}
            out.append(r); print(json.dumps(r), flush=True)
            del st, te, state; empty()
    GPU_TRAINING.update(keep)
    return out


def sample_bench(quick: bool = False) -> list[dict]:
    from paper_repro.minidata import load_split
    from paper_repro.models import load_model
    from paper_repro.okd import prompt_response
    from paper_repro.sampling import Sampler, SamplingConfig
    math = [r['question'] for r in load_split('gpu', 'math', 'train')]
    instruct = [prompt_response(r)[0] for r in load_split('gpu', 'instruct', 'train')]
    work = {'table1 mining': (math[:319], SamplingConfig(max_new_tokens=256, max_prompt_tokens=192)),
            'table2 probe': (math[:256], SamplingConfig(k=8, temperature=0.8, top_p=0.95, max_new_tokens=128, max_prompt_tokens=192)),
            'table3 evaluation': (instruct[:400], SamplingConfig(k=3, temperature=1.0, max_new_tokens=128, fixed_batch_size=256)),
            'table2 at 512 tokens': (math[:256], SamplingConfig(k=8, temperature=0.8, top_p=0.95, max_new_tokens=512, max_prompt_tokens=192))}
    if quick: work = {k: (p[:4], dataclasses.replace(c, max_new_tokens=8)) for k, (p, c) in work.items()}   # a CPU check
    model, tok = load_model(device=DEV)
    out = []
    for name, (prompts, cfg) in work.items():
        texts = {}
        for new in (False, True):
            s = Sampler(model, tok, cfg)
            s.FIT_ROWS = s.COMPACT = new
            s.generate(prompts, progress=False)              # first call: captures
            sync(); t0 = time.perf_counter()
            res = s.generate(prompts, progress=False)
            sync(); wall = time.perf_counter() - t0
            texts[new] = [c.text for cs in res for c in cs]
            n_tok = sum(c.n_tokens for cs in res for c in cs)
            r = {'workload': name, 'path': 'fit+compact' if new else 'full batches (before)', 'rows': len(texts[new]),
                 's_warm': wall, 'tok_per_s': n_tok / wall, 'finished': sum(c.finished for cs in res for c in cs) / len(texts[new])}
            out.append(r); print(json.dumps(r), flush=True)
            s.release(); del s; empty()
        out[-1]['same_texts'] = sum(a == b for a, b in zip(texts[False], texts[True])) / len(texts[True])
        print(json.dumps(out[-1]), flush=True)
    return out


def math_pairs(n: int) -> list[dict]:
    import re
    from paper_repro.minidata import load_split
    rows = load_split('gpu', 'math', 'train')[:n]
    def wrong(sol: str) -> str:   # the same solution, final number changed
        a = list(re.finditer(r'\d+', sol))[-1]
        return sol[:a.start()] + str(int(a.group()) + 7) + sol[a.end():]
    return [{'prompt': r['question'], 'chosen': r['solution'], 'rejected': wrong(r['solution'])} for r in rows]


def _time_rounds(round_fn, model0, tok, data: list, unit: str, configs) -> list[dict]:
    """One `round_fn` round (`dpo_round`, `sft_round`) on `data` from a fresh copy of `model0` per (name, fused AdamW,
    settings) of `configs`, timed between device syncs; one printed JSON line each."""
    from paper_repro.preference import GPU_TRAINING
    out = []
    for name, fused, c in configs:
        GPU_TRAINING.update(fused_adamw=fused)
        m = copy.deepcopy(model0)
        sync(); t0 = time.perf_counter()
        m, stats = round_fn(m, tok, data, c)
        sync(); wall = time.perf_counter() - t0
        r = {'config': name, unit: len(data), 'steps': stats.get('steps'), 's_round': wall,
             's_per_step': wall / max(1, stats.get('steps') or 1), 'train_loss': stats.get('train_loss')}
        out.append(r); print(json.dumps(r), flush=True)
        del m; empty()
    return out


def dpo_bench(n_pairs: int) -> list[dict]:
    import torch
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    from paper_repro.models import load_model
    from paper_repro.preference import GPU_TRAINING, dpo_round
    cfg = load_recipe(get_experiment(2), recipe_path(2, 'gpu')).dpo
    pairs = math_pairs(n_pairs)
    model0, tok = load_model(device=DEV)
    dpo_round(copy.deepcopy(model0), tok, pairs[:32], dataclasses.replace(cfg, epochs=1))   # warm-up
    t1 = load_recipe(get_experiment(1), recipe_path(1, 'gpu')).apt.dpo   # 8 pairs x 2 accumulation steps
    out = _time_rounds(dpo_round, model0, tok, pairs, 'pairs', (
        ('Table 2, per-tensor AdamW (before)', False, cfg), ('Table 2, fused AdamW', True, cfg),
        ('Table 2, fused AdamW + precomputed reference', True, dataclasses.replace(cfg, ref_mode='precompute')),
        ('Table 1, 8 x 2 accumulated, fused AdamW', True, t1),
        ('Table 1 as 16 x 1, fused AdamW', True, dataclasses.replace(t1, per_device_batch_size=16, grad_accum=1))))
    GPU_TRAINING.update(fused_adamw=True)
    return out


def _profile_top(fn, n: int = 15) -> dict:
    """Run `fn` once under torch.profiler: the ops with the most self device time (CPU time on a CPU), the device
    synchronisations, `.item()` calls and kernel launches — a step that waits on the host shows them."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if DEV == 'cuda' else [])
    with profile(activities=acts) as prof: fn()
    ev = prof.key_averages()
    key = 'self_device_time_total' if DEV == 'cuda' else 'self_cpu_time_total'
    top = sorted(ev, key=lambda e: getattr(e, key, 0), reverse=True)[:n]
    count = lambda *names: sum(e.count for e in ev if e.key in names)
    # `.item()` of a CPU tensor (AdamW's step counters) waits on nothing: the device syncs are the runtime's own calls
    return {'top': [{'op': e.key, 'calls': e.count, 'self_ms': getattr(e, key, 0) / 1000} for e in top],
            'host_syncs': count('cudaStreamSynchronize', 'cudaDeviceSynchronize'), 'item_calls': count('aten::item'),
            'kernel_launches': count('cudaLaunchKernel')}


def sft_bench(n_rows: int, trace: bool) -> list[dict]:
    """Table 1's SFT rows (`preference.sft_round`, its gpu settings: 8 rows x 2 accumulation steps, max length 448,
    2 epochs) on `n_rows` math solutions: as the recipe runs them, the same 16 rows a step in one batch, and each with
    fused AdamW; `trace`: one more round of the recipe's settings under torch.profiler (seed 0's forgetting control
    took 0.32 s a step alone on one H100 at 16 % utilisation: where does a step wait?)."""
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    from paper_repro.models import load_model
    from paper_repro.preference import GPU_TRAINING, sft_round
    cfg = load_recipe(get_experiment(1), recipe_path(1, 'gpu')).sft
    rows = [{'prompt': p['prompt'], 'completion': p['chosen']} for p in math_pairs(n_rows)]
    model0, tok = load_model(device=DEV)
    sft_round(copy.deepcopy(model0), tok, rows[:32], dataclasses.replace(cfg, epochs=1))   # warm-up
    one = dataclasses.replace(cfg, per_device_batch_size=16, grad_accum=1)
    out = _time_rounds(sft_round, model0, tok, rows, 'rows', (
        ('Table 1 SFT, 8 x 2 accumulated (as run)', False, cfg), ('Table 1 SFT, 8 x 2 accumulated, fused AdamW', True, cfg),
        ('Table 1 SFT as 16 x 1', False, one), ('Table 1 SFT as 16 x 1, fused AdamW', True, one)))
    GPU_TRAINING.update(fused_adamw=False)
    if trace:
        m = copy.deepcopy(model0)
        prof = _profile_top(lambda: sft_round(m, tok, rows[:64], cfg))
        print('profile (8 x 2 as run, 64 rows):', json.dumps(prof), flush=True)
        out.append({'config': 'profile', **prof})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--what', nargs='+', default=['sample', 'kd', 'dpo'], choices=['sample', 'kd', 'dpo', 'sft'])
    ap.add_argument('--steps', type=int, default=30, help='timed KD steps per configuration')
    ap.add_argument('--pairs', type=int, default=256, help='DPO pairs (SFT rows) per round')
    ap.add_argument('--trace', action='store_true', help='sft: one more round under torch.profiler (top ops, host syncs)')
    ap.add_argument('--out', help='write the results here as JSON')
    ap.add_argument('--quick', action='store_true', help='sample: four prompts, 8 tokens (checks the script on a CPU)')
    a = ap.parse_args()
    res = {'card': card()}
    print('card:', res['card'])
    if 'sample' in a.what: res['sample'] = sample_bench(a.quick)
    if 'kd' in a.what: res['kd'] = kd_bench(a.steps)
    if 'dpo' in a.what: res['dpo'] = dpo_bench(a.pairs)
    if 'sft' in a.what: res['sft'] = sft_bench(a.pairs, a.trace)
    for k, rows in res.items():
        if k == 'card': continue
        print(f'\n{k} ({res["card"]}):')
        base = {}
        for r in rows:
            if r.get('config') == 'profile':
                print(f"  profile: {r['host_syncs']} device syncs, {r['item_calls']} .item() calls, {r['kernel_launches']} kernel launches; top ops "
                      + ', '.join(f"{o['op']} {o['self_ms']:.0f} ms ({o['calls']}x)" for o in r['top'][:8]))
                continue
            if k == 'sample':
                b = base.setdefault(r['workload'], r['s_warm'])
                print(f"  {r['workload']}, {r['path']}: {r['s_warm']:.2f} s warm (x{b / r['s_warm']:.2f} the first), "
                      f"{r['tok_per_s'] / 1000:.1f}k tok/s, {r['finished']:.1%} finished" +
                      (f", {r['same_texts']:.1%} of texts as before" if 'same_texts' in r else ''))
                continue
            key = r.get('row', r.get('config', '')[:7]); b = base.setdefault(key, r['s_round'] if k in ('dpo', 'sft') else r['s_per_step'])
            print(f"  {r.get('row', '')} {r.get('gpu_training', r.get('config'))}: {r['s_per_step'] * 1000:.1f} ms a step "
                  f"(x{b / (r['s_round'] if k in ('dpo', 'sft') else r['s_per_step']):.2f} the first)" +
                  (f"  teacher {r['time_teacher'] * 1000:.1f} / student {r['time_student'] * 1000:.1f} / generation "
                   f"{r['time_generation'] * 1000:.1f} ms" if 'time_teacher' in r else f"  round {r['s_round']:.1f} s, "
                   f"{r['steps']} steps, loss {r['train_loss']:.4f}"))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1))


if __name__ == '__main__':
    main()
