"""Per-stage profile of one seed from its profile spans (`$PAPER_REPRO_PROFILE`, see `core.span`) and, on a GPU, the
card's utilisation sampled beside it (`nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv -lms 500`).

Spans nest within a process (a `stage` holds `load model`, `sample`, `dpo round`, which holds `train loop` ...): each
span's *self* time is its length less the spans it holds. Summed over the seed's processes these self times say where
the process-seconds went (with several workers on one GPU they add up to more than the wall). The top three sinks are
the three largest of them; the GPU samples say how much of the wall the card sat idle.

    python benchmarks/seed_profile.py PROFILE.jsonl [--gpu GPU.csv] [--json OUT.json] [--label 'table 2 seed 8, H100']
    python benchmarks/seed_profile.py AFTER.jsonl --before BEFORE.jsonl    # per-stage seconds side by side

`--before` prints each stage's wall seconds (first start to last end of that stage name, any process) and each kind's
self seconds of two profiles of the same table and seed side by side: the before/after of a speed change. Compare only
profiles from one card model, and say whether both machines were fresh (a fresh one converts the GGUF in its first load).
"""
import argparse, json, re, sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paper_repro.core import read_spans  # noqa: E402


def kind(name: str) -> str:
    "A span's category: a stage by what it does (`stage saidpo__r2__probe` -> `stage probe`), other spans by name."
    m = re.fullmatch(r'stage (.+)', name)
    return f"stage {m.group(1).split('__')[-1]}" if m else name


def self_times(spans: list[dict]) -> list[dict]:
    "Each span with its self time: its length less the time of the spans directly inside it (same process)."
    out = []
    for pid in {s['pid'] for s in spans}:
        stack: list[dict] = []
        for s in sorted((dict(x) for x in spans if x['pid'] == pid), key=lambda s: (s['t0'], -s['t1'])):
            s['self'] = s['t1'] - s['t0']
            while stack and stack[-1]['t1'] <= s['t0']: stack.pop()
            if stack: stack[-1]['self'] -= s['t1'] - s['t0']
            stack.append(s); out.append(s)
    return out


def gpu_samples(path) -> list[tuple[float, float, float]]:
    "(unix time, utilisation %, memory MiB) per nvidia-smi CSV line."
    import datetime as dt
    rows = []
    for line in Path(path).read_text().splitlines():
        parts = [p.strip() for p in line.split(',')]
        if len(parts) < 3 or not parts[1].split()[0].isdigit(): continue
        t = dt.datetime.strptime(parts[0], '%Y/%m/%d %H:%M:%S.%f').timestamp()
        rows.append((t, float(parts[1].split()[0]), float(parts[2].split()[0])))
    return rows


def profile(spans: list[dict], gpu=None) -> dict:
    spans = self_times(spans)
    t0, t1 = min(s['t0'] for s in spans), max(s['t1'] for s in spans)
    by_kind = defaultdict(lambda: {'self_s': 0.0, 'n': 0})
    for s in spans:
        k = by_kind[kind(s['name'])]; k['self_s'] += s['self']; k['n'] += 1
    roles = {s['pid']: f"worker {s['arm']}" for s in spans if s['name'] == 'worker start + imports'}
    procs, first = {}, min(spans, key=lambda s: s['t0'])['pid']
    for pid in sorted({s['pid'] for s in spans}):
        mine = [s for s in spans if s['pid'] == pid]
        a, b = min(s['t0'] for s in mine), max(s['t1'] for s in mine)
        procs[roles.get(pid, 'main' if pid == first else f'process {pid}')] = {
            'start_s': round(a - t0, 1), 'end_s': round(b - t0, 1),
            'top': {k: round(v, 1) for k, v in sorted(_sum_by(mine, lambda s: kind(s['name'])).items(), key=lambda kv: -kv[1])[:6]},
            # the process's peak reserved GPU memory (experiment.record_gpu_peak), where it recorded one
            **({'gpu_peak_gib': max(s['gib'] for s in mine if s['name'] == 'gpu peak')}
               if any(s['name'] == 'gpu peak' for s in mine) else {})}
    samp = [s for s in spans if s['name'] == 'sample']
    tok, steps = sum(s.get('tokens', 0) for s in samp), sum(s.get('row_steps', 0) for s in samp)
    out = {'wall_s': round(t1 - t0, 1), 'processes': len(procs),
           'self_seconds': {k: {'s': round(v['self_s'], 1), 'n': v['n']} for k, v in
                            sorted(by_kind.items(), key=lambda kv: -kv[1]['self_s'])},
           'top3_sinks': [k for k, _ in sorted(by_kind.items(), key=lambda kv: -kv[1]['self_s'])[:3]],
           'sampling': {'tokens': tok, 'row_steps': steps, 'batch_fill': round(tok / steps, 3) if steps else None,
                        'seconds': round(sum(s['t1'] - s['t0'] for s in samp), 1)},
           'per_process': procs}
    if gpu:
        inside = [g for g in gpu if t0 <= g[0] <= t1]
        if inside:
            out['gpu'] = {'samples': len(inside), 'mean_util_pct': round(sum(g[1] for g in inside) / len(inside), 1),
                          'idle_share': round(sum(g[1] < 10 for g in inside) / len(inside), 3),
                          'peak_mem_mib': max(g[2] for g in inside)}
    return out


def _sum_by(spans, key):
    d = defaultdict(float)
    for s in spans: d[key(s)] += s['self']
    return d


def stage_seconds(spans: list[dict]) -> dict[str, float]:
    "Each stage's wall seconds ('stage X' spans; a stage resumed by another process counts both)."
    d = defaultdict(float)
    for x in spans:
        if x['name'].startswith('stage '): d[x['name'][6:]] += x['t1'] - x['t0']
    return dict(d)


def compare(before: list[dict], after: list[dict]) -> list[str]:
    "Lines: wall, each stage and each kind of self time, before → after."
    pb, pa = profile(before), profile(after)
    out = [f"  {'':34s} {'before':>8s} {'after':>8s}", f"  {'wall (first span to last)':34s} {pb['wall_s']:8.1f} {pa['wall_s']:8.1f}",
           '  stages (wall s):']
    sb, sa = stage_seconds(before), stage_seconds(after)
    for k in list(sb) + [k for k in sa if k not in sb]:
        out.append(f"    {k:32s} {sb.get(k, 0):8.1f} {sa.get(k, 0):8.1f}" + ('' if k in sb and k in sa else '  (one side only)'))
    out.append('  self seconds by kind (summed over processes):')
    kb, ka = pb['self_seconds'], pa['self_seconds']
    for k in list(kb) + [k for k in ka if k not in kb]:
        out.append(f"    {k:32s} {kb.get(k, {}).get('s', 0):8.1f} {ka.get(k, {}).get('s', 0):8.1f}")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('spans', help='the profile file ($PAPER_REPRO_PROFILE) of one seed')
    ap.add_argument('--gpu', help='nvidia-smi CSV sampled during the seed')
    ap.add_argument('--json', help='write the profile here too')
    ap.add_argument('--label', default='', help='what ran where (table, seed, card), printed first')
    ap.add_argument('--before', help='an earlier profile of the same table and seed: print both side by side')
    a = ap.parse_args(argv)
    if a.before:
        print(f"{a.label or a.spans}: before {a.before}"); print('\n'.join(compare(read_spans(a.before), read_spans(a.spans))))
        return
    p = profile(read_spans(a.spans), gpu_samples(a.gpu) if a.gpu else None)
    if a.label: p = {'label': a.label, **p}
    if a.json: Path(a.json).write_text(json.dumps(p, indent=1) + '\n')
    print(f"{a.label}: wall {p['wall_s']} s over {p['processes']} process(es); top sinks: {', '.join(p['top3_sinks'])}")
    if 'gpu' in p: print(f"  GPU: mean utilisation {p['gpu']['mean_util_pct']} %, idle (<10 %) {p['gpu']['idle_share']:.0%} "
                         f"of the wall, peak memory {p['gpu']['peak_mem_mib']:.0f} MiB")
    s = p['sampling']
    if s['row_steps']: print(f"  sampling: {s['tokens']} tokens in {s['seconds']} s; batch fill {s['batch_fill']:.0%} "
                             "(tokens / row-steps run)")
    print('  self seconds by kind (summed over processes):')
    for k, v in p['self_seconds'].items(): print(f"    {k:32s} {v['s']:8.1f} s  ({v['n']}x)")
    print('  processes (start..end s from the first span; largest self times):')
    for r, v in p['per_process'].items(): print(f"    {r:28s} {v['start_s']:6.1f}..{v['end_s']:6.1f}  peak {v.get('gpu_peak_gib', '?')} GiB  {v['top']}")


if __name__ == '__main__':
    main()
