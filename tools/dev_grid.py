"""A table's dev grid from the shell: points trained as the table trains the row and scored on its dev split.

Table 1 (one row family's learning-rate × epochs points, `paper_repro.table1.dev_grid`):

    python tools/dev_grid.py --scale gpu --family sft --lr 3e-6,1e-5,3e-5 --epochs 1,2 --out results/table1/grid/gpu_sft.json

Table 3 (the rows' points of `paper_repro.table3_recipe.TABLE3_GRID`, `paper_repro.experiment.dev_grid`):

    python tools/dev_grid.py --table 3 --scale gpu --rows okd,fkl --seeds 100,101 --out results/table3/grid/gpu.json

The JSON is rewritten after every point, so a killed run resumes where it stopped when called again with the same
arguments. Put the chosen points in the recipe (Table 1: `sft` / `lora_sft` / `apt.dpo`; Table 3: `kd.module_layers`,
`okd_lambda`, `row_kd`) and the file in the table's `grid/` folder.
"""
import argparse, sys

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--table', type=int, default=1, choices=(1, 3), help='which table (default 1)')
    ap.add_argument('--scale', default='gpu', help='recipe configs/table<N>/<scale>.yaml')
    ap.add_argument('--family', help='Table 1: sft | lora_sft | dpo (the DPO and APT rows share dpo)')
    ap.add_argument('--lr', help='Table 1: comma-separated learning rates')
    ap.add_argument('--epochs', default='1,2', help='Table 1: comma-separated epoch counts')
    ap.add_argument('--seed', type=int, default=0, help='Table 1: the seed')
    ap.add_argument('--rows', help='Table 3: comma-separated rows of its grid (default: all)')
    ap.add_argument('--seeds', default='100,101', help="Table 3: comma-separated tuning seeds (never one of the table's own)")
    ap.add_argument('--set', dest='overrides', action='append', default=[], metavar='K=V', help='recipe override')
    ap.add_argument('--out', required=True, help='JSON file of the points (resumed when it exists)')
    a = ap.parse_args(argv)
    from paper_repro.core import ReproError
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    def numbers(s, what, kind=float):
        try: xs = [kind(x) for x in (s or '').split(',') if x.strip()]
        except ValueError: ap.error(f"--{what} {s!r}: expected comma-separated numbers")
        return xs or ap.error(f"--{what}: no values")
    try:
        exp = get_experiment(a.table)
        cfg = load_recipe(exp, recipe_path(a.table, a.scale), overrides=a.overrides)
        if a.table == 1:
            from paper_repro.table1 import dev_grid
            if not a.family: ap.error('--family is needed for Table 1')
            res = dev_grid(cfg, a.family, numbers(a.lr, 'lr'), numbers(a.epochs, 'epochs'), seed=a.seed, out=a.out)
            print(f"{a.family}: Base {res['base']:.1f} % on {res['n_dev']} dev rows; chosen {res['chosen']}")
            return
        from paper_repro.experiment import dev_grid
        from paper_repro.table3_recipe import grid_points
        try: points = grid_points(a.rows.split(',') if a.rows else None)
        except ValueError as e: ap.error(f"--rows: {e}")
        res = dev_grid(exp, cfg, points, numbers(a.seeds, 'seeds', int), out=a.out)
    except ReproError as e:
        sys.exit(f"error: {e}")
    for row, c in res['chosen'].items(): print(f"{row}: chosen {c['point']} (dev {c['score']:.2f}, {c['seeds']} seed(s))")

if __name__ == '__main__':
    main()
