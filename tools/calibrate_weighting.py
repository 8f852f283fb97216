"""Table 2: set the knowledge weighting's temperature by its rule (`saidpo.WEIGHTING_RULE`) on a calibration seed.

    python tools/calibrate_weighting.py --scale gpu --seed 100 --out results/table2/calibration/gpu.json

The seed's pools, clusters and Base probe are computed (cached) as any seed's are; full SAI-DPO's round-1 selection is
tried at every candidate temperature with the recipe's other selection settings. Never use a seed the table reports.
Put the chosen T in the recipe (`cluster_temperature`) and the file in `results/table2/calibration/`.
"""
import argparse, sys

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--scale', default='gpu', help='recipe configs/table2/<scale>.yaml')
    ap.add_argument('--seed', type=int, default=100, help="the calibration seed (never one of the table's own)")
    ap.add_argument('--candidates', default='1,0.5,0.25', help='comma-separated temperatures, tried from the largest')
    ap.add_argument('--set', dest='overrides', action='append', default=[], metavar='K=V', help='recipe override')
    ap.add_argument('--out', required=True, help='JSON file written')
    a = ap.parse_args(argv)
    try: cands = [float(x) for x in a.candidates.split(',') if x.strip()]
    except ValueError: ap.error(f"--candidates {a.candidates!r}: expected comma-separated numbers")
    if not cands or min(cands) <= 0: ap.error('--candidates: positive temperatures')
    from paper_repro.core import ReproError, write_json
    from paper_repro.experiment import SeedRun, get_experiment, load_recipe, recipe_path
    try:
        exp = get_experiment(2)
        cfg = load_recipe(exp, recipe_path(2, a.scale), overrides=a.overrides)
        run = (exp.run_cls or SeedRun)(exp, cfg, a.seed)
        res = exp.calibrate_weighting(run, tuple(cands))
    except ReproError as e:
        sys.exit(f"error: {e}")
    write_json(a.out, res)
    for x in res['points']:
        print(f"T {x['temperature']:g}: mean c {x['mean_c']:.2f} (ok {x['mean_c_ok']}), c = 1 share {x['c1_share']:.2f} vs band "
              f"{x['band_c1_share']:.2f} ± {x['c1_share_sd']:.2f} (ok {x['c1_share_ok']})")
    print(f"chosen: {res['chosen']}")

if __name__ == '__main__':
    main()
