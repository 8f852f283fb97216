"""Table 1's dev grid from the shell: one row family's learning-rate × epochs points, trained as the table trains the
row and scored on the math dev split (`paper_repro.table1.dev_grid`).

    python tools/dev_grid.py --scale gpu --family sft --lr 3e-6,1e-5,3e-5 --epochs 1,2 --out results/table1/grid/gpu_sft.json

One family per process (on one GPU, run the three side by side). The JSON is rewritten after every point, so a killed
run resumes where it stopped when called again with the same arguments. Put the chosen point of each family and the
file's name in the recipe (`sft` / `lora_sft` / `apt.dpo` and `grid`).
"""
import argparse, sys

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--scale', default='gpu', help='recipe configs/table1/<scale>.yaml')
    ap.add_argument('--family', required=True, help='sft | lora_sft | dpo (the DPO and APT rows share dpo)')
    ap.add_argument('--lr', required=True, help='comma-separated learning rates')
    ap.add_argument('--epochs', default='1,2', help='comma-separated epoch counts')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--set', dest='overrides', action='append', default=[], metavar='K=V', help='recipe override')
    ap.add_argument('--out', required=True, help='JSON file of the points (resumed when it exists)')
    a = ap.parse_args(argv)
    from paper_repro.core import ReproError
    from paper_repro.experiment import get_experiment, load_recipe, recipe_path
    from paper_repro.table1 import dev_grid
    try:
        def floats(s, what):
            try: xs = [float(x) for x in s.split(',') if x.strip()]
            except ValueError: ap.error(f"--{what} {s!r}: expected comma-separated numbers")
            return xs or ap.error(f"--{what}: no values")
        cfg = load_recipe(get_experiment(1), recipe_path(1, a.scale), overrides=a.overrides)
        res = dev_grid(cfg, a.family, floats(a.lr, 'lr'), floats(a.epochs, 'epochs'), seed=a.seed, out=a.out)
    except ReproError as e:
        sys.exit(f"error: {e}")
    print(f"{a.family}: Base {res['base']:.1f} % on {res['n_dev']} dev rows; chosen {res['chosen']}")

if __name__ == '__main__':
    main()
