"""Grading a probe's answers in one process and spread over a pool (`grading.math_grade`), side by side. A Table 2 gpu
probe grades 4,096 problems × 8 answers at once; in one process that took 18.6 s on the H200 machine (Base's round-1
probe of v3 seed 0, 2026-12-07, its GPU idle meanwhile). This grades that many answers to the gpu recipe's own training
problems — generated here, answered in the shapes the model writes (`#### n`, `\\boxed{n}`, a wrong number, a cut-off
answer with none) — first in this process, then over `--processes` forked processes (from an empty verdict cache, the
pool's start included; then a second batch on the warm pool), checks that the verdicts agree, and names the CPU.

    python benchmarks/grading_pool.py [--answers 32768] [--processes 2]
"""
import argparse, platform, random, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import paper_repro.grading as grading  # noqa: E402
from paper_repro.experiment import get_experiment, load_recipe, recipe_path  # noqa: E402
from paper_repro.table2 import train_rows  # noqa: E402


def cpu_name() -> str:
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or platform.machine()


def answers(n_answers: int, k: int = 8, seed: int = 0) -> tuple[list[dict], list[list[str]]]:
    "Rows of the gpu recipe's training pool and `k` answers each, in the shapes a probe sees."
    rows = list(train_rows(load_recipe(get_experiment(2), recipe_path(2, 'gpu'))).values())
    rng = random.Random(seed); rows = rng.sample(rows, min(len(rows), -(-n_answers // k)))
    def one(r):
        steps = '\n'.join(f"Step {i}: {rng.randint(2, 99)} + {rng.randint(2, 99)}" for i in range(rng.randint(1, 6)))
        ans, shape = r['answer'], rng.random()
        if shape < 0.35: return f"{steps}\n#### {ans}"
        if shape < 0.55: return f"{steps}\nThe answer is $\\boxed{{{ans}}}$."
        if shape < 0.90: return f"{steps}\n#### {rng.randint(-50, 500)}"
        return steps   # cut off at the token limit: no final line
    return rows, [[one(r) for _ in range(k)] for r in rows]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--answers', type=int, default=32768)
    ap.add_argument('--processes', type=int, default=2)
    a = ap.parse_args()
    rows, texts = answers(a.answers)
    n = sum(map(len, texts))
    grading.GRADE_PROCESSES, grading.GRADE_POOL_MIN = 1, 0
    t = time.perf_counter(); here = grading.math_grade(rows, texts); t_here = time.perf_counter() - t
    grading._verdict.cache_clear()   # the pool forks this process: its children would inherit the verdicts just made
    grading.GRADE_PROCESSES = a.processes
    t = time.perf_counter(); cold = grading.math_grade(rows, texts); t_cold = time.perf_counter() - t
    rows2, texts2 = answers(a.answers, seed=1)   # a second batch on the warm pool (new answers: no cached verdicts)
    t = time.perf_counter(); grading.math_grade(rows2, texts2); t_warm = time.perf_counter() - t
    grading.GRADE_PROCESSES = 1
    t = time.perf_counter(); grading.math_grade(rows2, texts2); t_here2 = time.perf_counter() - t
    assert cold == here, "the pool's verdicts differ from this process's"
    right = sum(g['correct'] for gs in here for g in gs)
    print(f"CPU: {cpu_name()} ({len(__import__('os').sched_getaffinity(0))} cores here); {n} answers, {right} right")
    print(f"one process:            {t_here:6.1f} s   (second batch {t_here2:.1f} s)")
    print(f"{a.processes} processes, cold pool: {t_cold:6.1f} s   ×{t_here / t_cold:.2f}  (the pool's start included)")
    print(f"{a.processes} processes, warm pool: {t_warm:6.1f} s   ×{t_here2 / t_warm:.2f}  (second batch)")
    print("verdicts: identical")


if __name__ == '__main__': main()
