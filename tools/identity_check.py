"""Do two table runs (any table) agree on everything that is computed? (the runner-extraction check of step (a))

    python tools/identity_check.py OLD_OUT/table2/tiny NEW_OUT/table2/tiny

Compares, seed by seed: the rows, every round's selection log, probe P@K, training statistics (timings, log
history timestamps and run paths aside) and the preference pairs each training stage used (read from the run
directories named in raw.json). Prints one line per difference; exit 1 if any.
"""
import json, sys
from pathlib import Path

TIME_KEYS = ('time_', 'wall_time', 'wall_s', 'seconds', 'runtime', 'per_second', 'log_history', 'stage_seconds', 'run_dir', 'numerics', 'items')

def _clean(x):
    if isinstance(x, dict): return {k: _clean(v) for k, v in x.items() if not (any(t in k for t in TIME_KEYS) or k.endswith('_s'))}
    if isinstance(x, list): return [_clean(v) for v in x]
    return x

def _diff(a, b, path=''):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b: yield f"{path}.{k}: only in {'new' if k in b else 'old'}"
            else: yield from _diff(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)): yield from _diff(x, y, f"{path}[{i}]")
    elif a != b: yield f"{path}: {a!r} != {b!r}"

def pairs(seed_raw):
    out = {}
    for stage in sorted(p for g in ('*__train', '*__mine') for p in (Path(seed_raw['run_dir']) / 'stages').glob(g)):
        f = stage / 'pairs.jsonl'
        if f.exists(): out[stage.name] = [json.loads(l) for l in f.read_text().splitlines() if l.strip()]
    return out

def read_seeds(d) -> dict:
    "A run's raw.json with its sidecar joined back (the table's own reader, where paper_repro imports)."
    f = Path(d) / 'raw.json'; raw = json.loads(f.read_text())
    try: from paper_repro.experiment import get_experiment, read_raw
    except ImportError: return raw
    return read_raw(get_experiment(raw['table']), f) if 'table' in raw else raw

def main(old, new):
    ro, rn = (read_seeds(d) for d in (old, new))
    diffs, n_pairs = [], 0
    for so, sn in zip(ro['seeds'], rn['seeds']):
        keys = [k for k in ('seed', 'rows', 'rounds', 'not_run_time', 'pool_sizes', 'data_hash', 'base_mine') if k in so or k in sn]
        diffs += list(_diff(_clean({k: so.get(k) for k in keys}),
                            _clean({k: sn.get(k) for k in keys}),
                            f"seed {so['seed']}"))
        po, pn = pairs(so), pairs(sn)
        n_pairs += sum(len(v) for v in po.values())
        diffs += list(_diff(po, pn, f"seed {so['seed']} pairs"))
    for d in diffs: print(d)
    arms = sorted(ro['seeds'][0]['rows'])
    print(f"{'IDENTICAL' if not diffs else 'DIFFERENT'}: {len(ro['seeds'])} seed(s), rows {arms}, "
          f"{n_pairs} pairs compared ({len(diffs)} differences)")
    return 1 if diffs else 0

if __name__ == '__main__': sys.exit(main(*sys.argv[1:3]))
