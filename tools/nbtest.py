"""Run every notebook's tests, each in its own Python process, N at a time.

`nbdev-test --n-workers N` runs the notebooks in a pool of N long-lived worker processes: one notebook's native state
(torch and tokenizer thread pools, OpenMP, CUDA-less allocators) stays in the process that runs the next one, and
when a native library aborts ("double free or corruption", CI 2026-12-06) the pool dies with `BrokenProcessPool` and
never says which notebook was running. Here each notebook runs alone through `nbdev-test NB` (same flags,
config and working directory as nbdev-test), under `python -X faulthandler` so a native abort prints the Python stack
it happened in, and the summary names every notebook's status and seconds.

A notebook that dies of a signal (a native abort, not a failed assertion or exception) is run once more and reported
as such; a Python-level failure is never retried.

    python tools/nbtest.py --venv .venv --workers 2 --skip '^([_.]|92_table2_saidpo)'
"""
import argparse, re, signal, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def run_notebook(nb: Path, venv: Path) -> tuple[int, float, str]:
    "Exit status (negative: killed by that signal), seconds, and combined output of one notebook's test run."
    t = time.time()
    p = subprocess.run([str(venv / 'bin' / 'python'), '-X', 'faulthandler', str(venv / 'bin' / 'nbdev-test'),
                        str(nb), '--n-workers', '0'], capture_output=True, text=True)
    return p.returncode, time.time() - t, p.stdout + p.stderr


def status_text(rc: int) -> str:
    "passed / died of SIGNAL (subprocess gives a signal's death as its negative number) / failed (exit N)."
    if rc == 0: return 'passed'
    return f'died of {signal.Signals(-rc).name}' if rc < 0 else f'failed (exit {rc})'


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--venv', default='.venv', help='virtual environment whose nbdev-test runs the notebooks')
    ap.add_argument('--nbs', default='nbs', help='folder of notebooks')
    ap.add_argument('--workers', type=int, default=2, help='notebooks run at once')
    ap.add_argument('--skip', default='^[_.]', help='regular expression on file names to leave out')
    a = ap.parse_args(argv)
    venv, skip = Path(a.venv).resolve(), re.compile(a.skip)
    nbs = sorted(p.resolve() for p in Path(a.nbs).glob('*.ipynb') if not skip.search(p.name))
    if not nbs: sys.exit(f'tools/nbtest.py: no notebook in {a.nbs} left after --skip {a.skip!r}')

    def one(nb: Path):
        rc, s, out = run_notebook(nb, venv)
        tries = [(rc, s)]
        if rc < 0:   # a native abort, not a failed check
            print(f'{nb.name}: {status_text(rc)} after {s:.0f} s; its output:\n{out}\n{nb.name}: running it once more',
                  flush=True)
            rc, s, out = run_notebook(nb, venv); tries.append((rc, s))
        print(f'{nb.name}: {status_text(rc)} in {s:.0f} s' + (' (second try)' if len(tries) > 1 else ''), flush=True)
        if rc: print(out, flush=True)
        return nb.name, rc, tries

    t0 = time.time()
    with ThreadPoolExecutor(a.workers) as ex: results = list(ex.map(one, nbs))
    print(f'\n{len(results)} notebooks in {time.time() - t0:.0f} s wall; slowest first:')
    for name, rc, tries in sorted(results, key=lambda r: -sum(s for _, s in r[2])):
        print(f'  {name}: {", ".join(f"{status_text(r)} {s:.0f} s" for r, s in tries)}')
    bad = [name for name, rc, _ in results if rc]
    if bad: print('notebooks that failed: ' + ', '.join(bad), file=sys.stderr)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
