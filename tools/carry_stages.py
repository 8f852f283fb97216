"""Carry a partly run gpu seed's finished stages to the next machine, so that a seed needing several calls (Table 2's
twelve rows) loses only its unfinished rows when the lent machine goes back between calls, and its rows keep sharing one
Base probe (a recomputed probe differs: GPU sampling is not bit-reproducible).

    python tools/carry_stages.py save --table 2 --seed 0 [--set k=v ...] OUT.tgz   # on the device, after a call
    python tools/carry_stages.py load --table 2 --seed 0 [--set k=v ...] IN.tgz    # on the next machine, before the call

`tools/device.sh table` does both (the file travels as `.carry/stages/tN_seedS.tgz`). The --set overrides are the
table call's: they name the same run directory (its key) and the rows of this call.

What travels: every stage of the seed's run directory without its model weights, except the stages of rows that did not
finish (they rerun whole, so no row mixes two machines' rounds), and the run's calls.json and timings.json (a seed's
wall time adds up every call that computed it). A stage outside the rows (shared: Base's probe, the pools) that holds
model weights cannot travel without them: save refuses, in one line, and the seed reruns whole. Nothing is written
when every row finished (the seed's table came back whole) or no stage did.
"""
import argparse, io, json, sys, tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paper_repro.core import ReproError, read_json, write_json
from paper_repro.experiment import SeedRun
from paper_repro.reproduce import resolve

WEIGHTS = ('*.safetensors', '*.bin', '*.pt')   # a folder holding any of these is a model: it stays behind
RUN_FILES = ('calls.json', 'timings.json')      # merged key by key on load

def _holds_weights(d: Path) -> bool: return any(next(d.rglob(w), None) for w in WEIGHTS)

def _owner(stage: str, arms) -> str | None:
    "The row a stage belongs to (its name starts `<arm>__`), else None (a shared stage)."
    return next((a for a in sorted(arms, key=len, reverse=True) if stage.startswith(a + '__')), None)

def seed_run(table: int, seed: int, overrides=(), scale: str = 'gpu') -> SeedRun:
    exp, cfg, _ = resolve(table, scale, None, overrides)
    return SeedRun(exp, cfg, seed)

def stages_to_carry(run: SeedRun) -> tuple[list[str], list[str]]:
    """(stage names that travel, rows that did not finish); raises ReproError when a shared stage holds model weights."""
    arms = run.exp.arms(run.cfg)
    unfinished = [a for a in arms if not run.done(run.last_stage(a, run.n_rounds(a)))]
    keep = []
    for d in sorted(p for p in (run.dir / 'stages').iterdir() if p.is_dir() and not p.name.startswith('.')):
        if not (d / 'result.json').exists(): continue   # not finished: nothing to reuse
        owner = _owner(d.name, arms)
        if owner in unfinished: continue
        if owner is None and _holds_weights(d):
            raise ReproError(f"{d}: a shared stage holds model weights, which cannot travel; rerun seed {run.seed} whole")
        keep.append(d.name)
    return keep, unfinished

def save(run: SeedRun, out: Path) -> Path | None:
    "Write the seed's travelling stages to `out` (a .tgz); None (nothing written) when every row finished or none did."
    keep, unfinished = stages_to_carry(run)
    if not unfinished or not keep: return None
    part = out.with_name('.' + out.name + '.partial')
    with tarfile.open(part, 'w:gz') as t:
        for f in RUN_FILES:
            if (run.dir / f).exists(): t.add(run.dir / f, arcname=f)
        for name in keep:
            d = run.dir / 'stages' / name
            models = {p.parent for w in WEIGHTS for p in d.rglob(w)}   # a finished row's weights: no later stage reads them
            for f in sorted(p for p in d.rglob('*') if p.is_file()):
                if not any(m == f.parent or m in f.parents for m in models): t.add(f, arcname=str(f.relative_to(run.dir)))
    part.replace(out)
    return out

def load(run: SeedRun, tgz: Path) -> list[str]:
    "Unpack `tgz` into the seed's run directory: stages not done here, calls and timings merged; the stages added."
    added = []
    with tarfile.open(tgz) as t:
        members = t.getmembers()
        names = sorted({Path(m.name).parts[1] for m in members if Path(m.name).parts[0] == 'stages'})
        for name in names:
            if run.done(name): continue
            for m in members:
                if Path(m.name).parts[:2] == ('stages', name): t.extract(m, run.dir, filter='data')
            added.append(name)
        for f in RUN_FILES:
            m = next((m for m in members if m.name == f), None)
            if m is None: continue
            mine = read_json(run.dir / f) if (run.dir / f).exists() else {}
            write_json(run.dir / f, {**json.load(io.TextIOWrapper(t.extractfile(m), encoding='utf-8')), **mine})
    return added

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('verb', choices=('save', 'load'))
    ap.add_argument('tgz', type=Path, help="the stages file: written by save, read by load")
    ap.add_argument('--table', type=int, required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--scale', default='gpu')
    ap.add_argument('--set', action='append', default=[], dest='overrides', metavar='KEY=VALUE', help="the table call's overrides")
    a = ap.parse_args(argv)
    try:
        run = seed_run(a.table, a.seed, a.overrides, a.scale)
        if a.verb == 'save':
            out = save(run, a.tgz)
            print(f"table {a.table} seed {a.seed}: " + (f"stages saved to {out} ({out.stat().st_size / 2**20:.1f} MiB)"
                                                        if out else "nothing to carry (every row finished, or no stage did)"))
        else:
            if not a.tgz.is_file(): print(f"{a.tgz}: no such file", file=sys.stderr); return 1
            added = load(run, a.tgz)
            print(f"table {a.table} seed {a.seed}: {len(added)} stage(s) carried in ({', '.join(added) or 'none new'})")
    except ReproError as e: print(e, file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
