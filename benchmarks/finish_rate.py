"""Issue 32's measure-first call: Base's finish rate and accuracy against the generation limit on Table 2's test sets,
and the learnable band of its round-1 probe, all from one pass at the largest limit.

    python benchmarks/finish_rate.py --scale gpu --limits 128,192,256,384,512,768,1024 --out finish.json
    python benchmarks/finish_rate.py --quick          # CPU plumbing check: tiny scale, a few rows, limits 8,16,32

One pass is enough because an answer's first L tokens are what a run with limit L would have produced (greedy: by
construction; sampled: the Sampler draws token t of row i from a counter-based stream keyed by (seed, row, t)); the
batch shapes differ between limits, so bf16 rounding may still flip a few answers — noise, not a bias; `--check`
reruns the smallest limit on a slice and prints how many answers agree. At limit L an answer *finishes* when it
finished with n_tokens ≤ L, and is graded on its first L tokens (math-verify, as the table grades).
The probe: `probe.k` samples of each round-1 pool problem of a calibration seed (`--seed`, default 100: never one of
the table's seeds) at the probe's temperature and top-p; c_L = correct samples at L; the learnable band = 0 < c_L < K.
"""
import argparse, json, platform, sys, time
from pathlib import Path

def at_limit(samples: dict, rows: dict, limit: int, tok) -> dict:
    "{id: [(finished, correct) at `limit`, ...]} from samples generated at a larger limit."
    from paper_repro.grading import is_correct
    out = {}
    for i, ss in samples.items():
        got = []
        for s in ss:
            if s['finished'] and s['n_tokens'] <= limit: got.append((True, bool(s['correct'])))
            else:
                cut = tok.decode(tok(s['text'], add_special_tokens=False)['input_ids'][:limit])
                got.append((False, bool(is_correct(cut, rows[i]['answer']))))
        out[i] = got
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--scale', default='gpu')
    ap.add_argument('--limits', default='128,192,256,384,512,768,1024')
    ap.add_argument('--seed', type=int, default=100, help="calibration seed of the probe's pool (not a table seed)")
    ap.add_argument('--test-limit', type=int, default=0, help='items per test set (0: all)')
    ap.add_argument('--pool-limit', type=int, default=0, help='pool problems probed (0: the whole round-1 pool)')
    ap.add_argument('--batch-size', type=int, default=0, help="0: the recipe's")
    ap.add_argument('--check', type=int, default=64, help='answers rerun at the smallest limit to check the prefix argument (0: none)')
    ap.add_argument('--quick', action='store_true', help='tiny scale, 8 items a set, 32 pool problems, limits 8,16,32')
    ap.add_argument('--out', default='')
    a = ap.parse_args(argv)
    if a.quick: a.scale, a.limits, a.test_limit, a.pool_limit, a.check = 'tiny', '8,16,32', 8, 32, 8
    import dataclasses, torch
    import numpy as np
    from paper_repro.data import MATH_TEST_SETS
    from paper_repro.experiment import SeedRun, get_experiment, load_recipe, recipe_path
    from paper_repro.grading import sample_and_grade
    from paper_repro.minidata import load_split
    from paper_repro.models import load_model
    from paper_repro.sampling import Sampler, SamplingConfig
    from paper_repro.table2 import _sampling
    limits = sorted(int(x) for x in a.limits.split(','))
    top = limits[-1]
    exp = get_experiment(2)
    cfg = load_recipe(exp, recipe_path(2, a.scale))
    dev = 'cuda' if torch.cuda.is_available() else None
    model, tok = load_model(cfg.model, device=dev)
    sampler = Sampler(model, tok)
    bs = a.batch_size or cfg.evaluation.batch_size
    res = {'scale': a.scale, 'limits': limits, 'machine': torch.cuda.get_device_name(0) if dev else platform.processor() or platform.machine(),
           'sets': {}, 'probe': {}, 'seconds': {}}
    # the test sets, greedy as the table evaluates
    greedy = SamplingConfig(k=1, temperature=0.0, max_new_tokens=top, batch_size=bs, max_prompt_tokens=cfg.probe.max_prompt_tokens)
    pooled = {L: [] for L in limits}
    for name in MATH_TEST_SETS + ['transfer']:
        try: rows = load_split(a.scale, 'math', name)
        except Exception as e: print(f"{name}: not loaded ({e})"); continue
        rows = rows[:a.test_limit] if a.test_limit else rows
        t0 = time.perf_counter()
        samples = sample_and_grade(sampler, rows, greedy)
        res['seconds'][name] = round(time.perf_counter() - t0, 1)
        by_id = {r['id']: r for r in rows}
        per = {}
        for L in limits:
            v = [x for ss in at_limit(samples, by_id, L, tok).values() for x in ss]
            per[L] = {'finished': 100 * float(np.mean([f for f, _ in v])), 'accuracy': 100 * float(np.mean([c for _, c in v])),
                      'accuracy_finished': 100 * float(np.mean([c for f, c in v if f])) if any(f for f, _ in v) else None}
            pooled[L] += v
        res['sets'][name] = {'n': len(rows), 'by_limit': per,
                             'tokens_p50_p90_max': [int(np.percentile([s[0]['n_tokens'] for s in samples.values()], q)) for q in (50, 90, 100)]}
        print(f"{name:14s} n={len(rows):4d} finished % " + ' '.join(f"{L}:{per[L]['finished']:.1f}" for L in limits)
              + " | accuracy % " + ' '.join(f"{L}:{per[L]['accuracy']:.1f}" for L in limits), flush=True)
    res['pooled'] = {L: {'finished': 100 * float(np.mean([f for f, _ in v])), 'accuracy': 100 * float(np.mean([c for _, c in v]))}
                     for L, v in pooled.items()}
    ok = [L for L in limits if res['pooled'][L]['finished'] >= 95.0]
    res['smallest_limit_95'] = ok[0] if ok else None
    print('pooled finished % ' + ' '.join(f"{L}:{res['pooled'][L]['finished']:.1f}" for L in limits)
          + f"; smallest limit with ≥ 95 %: {res['smallest_limit_95']}", flush=True)
    # the round-1 probe of a calibration seed's pool at the largest limit
    run = SeedRun(exp, cfg, a.seed)
    train = exp._train_rows(run)
    ids = exp.pools(run)[0]
    ids = ids[:a.pool_limit] if a.pool_limit else ids
    rows = [train[i] for i in ids]
    sc = dataclasses.replace(_sampling(cfg, seed=a.seed), max_new_tokens=top, **({'batch_size': a.batch_size} if a.batch_size else {}))
    t0 = time.perf_counter()
    samples = sample_and_grade(sampler, rows, sc)
    res['seconds']['probe'] = round(time.perf_counter() - t0, 1)
    K, by_id = sc.k, {r['id']: r for r in rows}
    for L in limits:
        got = at_limit(samples, by_id, L, tok)
        c = [sum(cc for _, cc in v) for v in got.values()]
        res['probe'][L] = {'problems': len(c), 'band': sum(0 < x < K for x in c), 'c0': sum(x == 0 for x in c), 'cK': sum(x == K for x in c),
                           'finished': 100 * float(np.mean([f for v in got.values() for f, _ in v]))}
    print(f"probe (seed {a.seed}, {len(rows)} problems × K {K}): learnable band " + ' '.join(
        f"{L}:{res['probe'][L]['band']}" for L in limits) + f"; pairs a round N = {cfg.pairs_per_round} (4N = {4 * cfg.pairs_per_round})", flush=True)
    if a.check:   # the prefix argument: rerun the smallest limit on a slice and compare the texts
        L = limits[0]
        name = next(iter(res['sets']))
        rows = load_split(a.scale, 'math', name)[:a.check]
        small = sample_and_grade(sampler, rows, dataclasses.replace(greedy, max_new_tokens=L))
        big = sample_and_grade(sampler, rows, greedy)
        same = sum(tok.decode(tok(b[0]['text'], add_special_tokens=False)['input_ids'][:L]).strip() == s[0]['text'].strip()
                   for s, b in zip(small.values(), big.values()))
        res['prefix_check'] = {'set': name, 'limit': L, 'answers': len(rows), 'same_text': same}
        print(f"prefix check ({name}, {len(rows)} answers at limit {L} vs the first {L} tokens at {top}): {same} the same text")
    print(json.dumps(res['seconds']))
    if a.out: Path(a.out).write_text(json.dumps(res, indent=1) + '\n')

if __name__ == '__main__':
    main()
