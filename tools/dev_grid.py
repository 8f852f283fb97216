"""A table's dev grid from the shell: points trained as the table trains the row and scored on its dev split.

The table's grid (`Experiment.grid`: Table 1 `table1_recipe.TABLE1_GRID`, Table 3 `table3_recipe.TABLE3_GRID`) through
the spine's `paper_repro.experiment.dev_grid`, chosen by the table's rule (`Experiment.grid_rule`):

    python tools/dev_grid.py --table 1 --scale gpu --rows sft,apt --seeds 100,101 --set rounds=1 --out results/table1/grid/gpu_v2.json
    python tools/dev_grid.py --table 3 --scale gpu --rows okd,fkl --seeds 100,101 --out results/table3/grid/gpu.json

A dev grid trains one round per point (Table 1's preference rows: `--set rounds=1`). The JSON is rewritten after every
point, so a killed run resumes where it stopped when called again with the same arguments. Put the chosen points in the
recipe (Table 1: `sft`, `lora_sft`, `row_dpo`, `apt.similar_ratio`; Table 3: `kd.module_layers`, `okd_lambda`, `row_kd`)
and the file in the table's `grid/` folder.

Rows may run as processes side by side, each with its own `--out`, after one `--shared-only` call has computed the seeds'
shared stages (so the processes do not each compute them); then merge their files into one:

    python tools/dev_grid.py --table 3 --merge grid3_okd.json grid3_fkl.json --out results/table3/grid/gpu.json

A point outside the grid (e.g. OKD's chosen point at the settings its student inherits) goes in a file of its own:

    python tools/dev_grid.py --table 3 --seeds 100,101 --out results/table3/grid/gpu_points.json \
        --point 'okd:kd.module_layers=1,okd_lambda=0.1,kd.learning_rate=2e-4,kd.student_ce_weight=0.0'
"""
import argparse, sys
from pathlib import Path

def parse_point(s: str) -> tuple[str, dict]:
    "'okd:kd.module_layers=1,kd.learning_rate=2e-4' -> ('okd', {'kd.module_layers': 1, 'kd.learning_rate': 0.0002})."
    import yaml
    row, colon, rest = s.partition(':')
    pairs = [kv.partition('=') for kv in rest.split(',')]
    if not colon or not row.strip() or any(not eq or not k.strip() for k, eq, _ in pairs):
        raise ValueError(f"{s!r}: expected row:key=value,key=value")
    out = {}
    for k, _, v in pairs:
        x = yaml.safe_load(v)
        if isinstance(x, str):   # YAML 1.1 reads 2e-4 as a string
            try: x = float(x)
            except ValueError: pass
        out[k.strip()] = x
    return row.strip(), out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--table', type=int, required=True, help='which table (one with a dev grid: 1 or 3)')
    ap.add_argument('--scale', default='gpu', help='recipe configs/table<N>/<scale>.yaml')
    ap.add_argument('--rows', help='comma-separated rows of the table\'s grid (default: all)')
    ap.add_argument('--seeds', default='100,101', help="comma-separated tuning seeds (never one of the table's own)")
    ap.add_argument('--set', dest='overrides', action='append', default=[], metavar='K=V', help='recipe override')
    ap.add_argument('--out', required=True, help='JSON file of the points (resumed when it exists)')
    ap.add_argument('--shared-only', action='store_true', help="compute the seeds' shared stages only (before row processes)")
    ap.add_argument('--point', action='append', default=[], metavar='ROW:K=V,...',
                    help="a point outside the table's grid, instead of --rows (e.g. a chosen point at another row's settings; "
                         "its own --out)")
    ap.add_argument('--merge', nargs='+', metavar='FILE', help='merge these grid files (rows run apart) into --out, and stop')
    a = ap.parse_args(argv)
    from paper_repro.core import read_json, ReproError, write_json
    from paper_repro.experiment import (dev_grid, get_experiment, grid_points, load_recipe, merge_grids, recipe_path,
                                        SeedRun)
    try: seeds = [int(x) for x in a.seeds.split(',') if x.strip()]
    except ValueError: ap.error(f"--seeds {a.seeds!r}: expected comma-separated integers")
    if not seeds: ap.error('--seeds: no values')
    try:
        exp = get_experiment(a.table)
        if not exp.grid: ap.error(f"--table {a.table}: this table has no dev grid")
        if a.merge:
            missing = [f for f in a.merge if not Path(f).exists()]
            if missing: ap.error(f"--merge: no such file {missing[0]}")
            res = merge_grids(exp, [read_json(f) for f in a.merge])
            write_json(a.out, res)
            for row, c in res['chosen'].items(): print(f"{row}: chosen {c['point']} (dev {c['score']:.2f}, {c['seeds']} seed(s))")
            return
        if a.point and a.rows: ap.error("--point and --rows: give one of them")
        try: points = [parse_point(p) for p in a.point] or grid_points(exp.grid, a.rows.split(',') if a.rows else None)
        except ValueError as e: ap.error(f"--{'point' if a.point else 'rows'}: {e}")
        cfg = load_recipe(exp, recipe_path(a.table, a.scale), overrides=a.overrides)
        if a.shared_only:
            for s in seeds: exp.shared((exp.run_cls or SeedRun)(exp, cfg, s))
            return
        res = dev_grid(exp, cfg, points, seeds, out=a.out)
    except ReproError as e:
        sys.exit(f"error: {e}")
    for row, c in res['chosen'].items(): print(f"{row}: chosen {c['point']} (dev {c['score']:.2f}, {c['seeds']} seed(s))")

if __name__ == '__main__':
    main()
