"""Where is APT's regime? Greedy accuracy of the embedded model per (skill, level) cell of a math training split.

    python tools/cell_scan.py --scale gpu --per-cell 48 --max-new-tokens 128,256 --out cells.json

APT needs a domain the base model gets mostly right (about 40-70 % correct, the Table 1 issue); Table 1's recipes pick
their cells from this scan. Prints one line per cell (accuracy, answers cut at the token limit) and writes the JSON.
"""
import argparse, json, platform, time
from collections import Counter

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--scale', default='gpu'); ap.add_argument('--per-cell', type=int, default=48)
    ap.add_argument('--max-new-tokens', default='128,256'); ap.add_argument('--batch-size', type=int, default=512)
    ap.add_argument('--out', default='cells.json')
    a = ap.parse_args(argv)
    import torch
    from paper_repro.apt import cell_accuracy, stratified, VerifierJudge
    from paper_repro.minidata import load_split
    from paper_repro.grading import sample_and_grade
    from paper_repro.models import load_model
    from paper_repro.sampling import Sampler, SamplingConfig
    rows = stratified(load_split(a.scale, 'math', 'train'), a.per_cell)
    model, tok = load_model()
    sampler = Sampler(model, tok)
    dev = torch.cuda.get_device_name() if torch.cuda.is_available() else platform.processor() or 'cpu'
    out = {'scale': a.scale, 'per_cell': a.per_cell, 'n_rows': len(rows), 'device': dev, 'runs': {}}
    for m in map(int, a.max_new_tokens.split(',')):
        t0 = time.perf_counter()
        g = sample_and_grade(sampler, rows, SamplingConfig(k=1, temperature=0.0, max_new_tokens=m, batch_size=a.batch_size,
                                                           seed=0), grade=VerifierJudge())
        acc = cell_accuracy(rows, g)
        cut, n = Counter(), Counter()
        for r in rows:
            c = f"{r['skill']}/{r['level']}"; n[c] += 1; cut[c] += not g[r['id']][0]['finished']
        out['runs'][str(m)] = {'seconds': round(time.perf_counter() - t0, 1), 'accuracy': acc,
                               'cut_at_limit': {c: cut[c] / n[c] for c in sorted(n)}}
        for c, (p, k) in acc['cell'].items(): print(f"max_new_tokens={m:4d} {c:28s} {p:6.1%} of {k:3d}  cut {cut[c] / n[c]:5.1%}")
    json.dump(out, open(a.out, 'w'), indent=1)

if __name__ == '__main__': main()
