"""Table 2's per-problem cluster lookups, as they were and as they are (issue 30): a round's selection and every blind
walk build `{i: EXPERIMENT.clusters(run)[i] for i in items}` over the round's pool. Up to 2026-12-07 each call read
the `pools` and `clusters` stage results from disk (and sorted every pooled id), once per problem; the accessors now
read them once per run. This prints both side by side on gpu-sized stage results (3 rounds × 4,096 problems,
12 clusters), checks that both give the same mapping, and names the CPU.

    python benchmarks/table2_lookups.py [--pool 4096] [--rounds 3]
"""
import argparse, platform, random, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paper_repro.experiment import SeedRun, load_recipe, recipe_path  # noqa: E402
from paper_repro.table2 import EXPERIMENT  # noqa: E402


def cpu_name() -> str:
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()


def gpu_sized_run(pool: int, rounds: int) -> SeedRun:
    "A Table 2 run whose `pools` and `clusters` stages hold gpu-sized results (written as the stages would be)."
    run = SeedRun(EXPERIMENT, load_recipe(EXPERIMENT, recipe_path(2, 'tiny')), seed=0, root=Path(tempfile.mkdtemp()))
    ids = [f'train-{i}' for i in range(pool * rounds)]
    rng = random.Random(0); rng.shuffle(ids)
    run.run.stage('pools', lambda d: [ids[r * pool:(r + 1) * pool] for r in range(rounds)])
    run.run.stage('clusters', lambda d: {i: rng.randrange(12) for i in sorted(ids)})
    return run


def old_clusters(run: SeedRun) -> dict:
    "The accessor before 2026-12-07: both stage results read from disk on every call (the stages are done here)."
    sorted({i for p in run.stage('pools', None) for i in p})
    return run.stage('clusters', None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--pool', type=int, default=4096); ap.add_argument('--rounds', type=int, default=3)
    a = ap.parse_args()
    run = gpu_sized_run(a.pool, a.rounds)
    items = run.stage('pools', None)[0]
    t = time.perf_counter(); before = {i: old_clusters(run)[i] for i in items}; t_old = time.perf_counter() - t
    t = time.perf_counter(); after = {i: EXPERIMENT.clusters(run)[i] for i in items}; t_new = time.perf_counter() - t
    assert before == after, 'the two lookups disagree'
    print(f"CPU: {cpu_name()}; one round's lookups over {len(items):,} problems ({a.rounds} × {a.pool:,} pooled ids):")
    print(f"  read per lookup (before): {t_old:8.2f} s")
    print(f"  read once per run (now):  {t_new:8.4f} s   ratio {t_old / max(t_new, 1e-9):,.0f}×; same mapping")


if __name__ == '__main__': main()
