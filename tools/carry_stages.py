"""Carry a partly run gpu seed's finished stages to the next machine, so that a seed needing several calls (Table 2's
twelve rows) loses only its unfinished rows when the lent machine goes back between calls, and its rows keep sharing one
Base probe (a recomputed probe differs: GPU sampling is not bit-reproducible).

    python tools/carry_stages.py save --table 2 --seed 0 [--set k=v ...] OUT.tgz   # on the device, after a call
    python tools/carry_stages.py load --table 2 --seed 0 [--set k=v ...] IN.tgz    # on the next machine, before the call

`tools/device.sh table` does both (the file travels as `.carry/stages/tN_seedS.tgz`). The --set overrides (and --recipe)
are the table call's: they name the same run directory (its key).

What travels: every finished stage of the seed's run directory without its model weights (nor the files no resumed run
reads: an evaluation's lm-eval log, a finished row's sampled answers), except the stages of rows that
did not finish (a row is finished once its last round and its extra rows, e.g. Table 3's merged teacher, are evaluated;
unfinished rows rerun whole, so no row mixes two machines' rounds) — and the run's calls.json and timings.json (a
seed's wall time adds up every call that worked on it, the rounds of rows that reran included). A stage outside the rows
(shared: Base's probe, the pools) that holds model weights cannot travel without them: while rows remain to run, save
refuses, in one line, and the seed reruns whole. Nothing is written when every row due finished — the recipe's (Table 2's family call leaves its
ablation rows due, which then share its Base probe), this call's and any row started in the run directory — or no stage
did. A manifest (table, seed, run key, the card) goes with the stages: load refuses another seed's or run's file, and
names the card the stages came from, which the seed's run.json then lists (`carried_from`).
"""
import argparse, io, json, shutil, sys, tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from paper_repro.core import ReproError, read_json, write_json
from paper_repro.experiment import PRUNED, SeedRun
from paper_repro.reproduce import CARRIED, resolve

WEIGHTS = ('*.safetensors', '*.bin', '*.pt')   # a folder holding any of these is a model: it stays behind
# Files no resumed run reads stay behind too, so that a twelve-row seed's stages fit a call's 16 MiB a file:
NOT_READ = ('results.json',)   # lm-eval's per-sample log beside an evaluation: tables read its result.json and items.json
SPENT = ('samples.json',)      # a probe's or walk's answers, read only by that round's training stage: done in a finished row
RUN_FILES = ('calls.json', 'timings.json')      # merged key by key on load
MANIFEST = 'carry.json'

def _holds_weights(d: Path) -> bool: return any(next(d.rglob(w), None) for w in WEIGHTS)

def _card() -> str:
    import torch
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu'

def seed_run(table: int, seed: int, overrides=(), scale: str = 'gpu', recipe=None) -> SeedRun:
    exp, cfg, _ = resolve(table, scale, recipe, overrides)
    return SeedRun(exp, cfg, seed)

def recipe_arms(table: int, scale: str = 'gpu', recipe=None) -> list[str]:
    "The rows the recipe itself lists (a call may run fewer: Table 2's family rows first, its ablations later)."
    exp, cfg, _ = resolve(table, scale, recipe, ())
    return exp.arms(cfg)

def table_arms(run: SeedRun) -> list[str]:
    "Every row of the table that an arm trains (the spec's rows, less Base and the extra rows an arm's training yields)."
    arms = [r for r in run.exp.spec.rows if r != run.exp.base_row]
    extra = {x for a in arms for x in run.exp.extra_rows(run.cfg, a)}
    return [a for a in arms if a not in extra]

def finished(run: SeedRun, arm: str) -> bool:
    "Its last round done, and the rows its training yields (e.g. Table 3's merged teacher) evaluated."
    return run.done(run.last_stage(arm, run.n_rounds(arm))) and all(run.done(f'{x}__eval') for x in run.exp.extra_rows(run.cfg, arm))

def _owner(stage: str, rows) -> str | None:
    "The row a stage belongs to (its name starts `<row>__`), else None (a shared stage)."
    return next((a for a in sorted(rows, key=len, reverse=True) if stage.startswith(a + '__')), None)

def stages_to_carry(run: SeedRun, recipe_arms=()) -> tuple[dict[str, str | None], list[str]]:
    """({stage name that travels: the row it belongs to, None for a shared stage}, rows still to finish: the recipe's,
    this call's and every row started in the run directory that did not finish); nothing when every row due finished;
    raises ReproError when a row is unfinished and a shared stage it would need holds model weights."""
    arms = table_arms(run)
    extra_of = {x: a for a in arms for x in run.exp.extra_rows(run.cfg, a)}
    stages = sorted(p for p in (run.dir / 'stages').iterdir() if p.is_dir() and not p.name.startswith('.'))
    row_of = {d.name: (o := _owner(d.name, [*arms, *extra_of])) and extra_of.get(o, o) for d in stages}   # extra row → its arm
    due = dict.fromkeys([*recipe_arms, *run.exp.arms(run.cfg), *(r for r in row_of.values() if r)])   # started rows count too
    unfinished = [a for a in due if not finished(run, a)]
    if not unfinished: return {}, []   # the seed came back whole: no stage needs to travel (a shared one may hold weights)
    keep = {}
    for d in stages:
        if not (d / 'result.json').exists(): continue   # not finished: nothing to reuse
        owner = row_of[d.name]
        if owner in unfinished: continue
        if owner is None and _holds_weights(d):
            raise ReproError(f"{d}: a shared stage holds model weights, which cannot travel; rerun seed {run.seed} whole")
        keep[d.name] = owner
    return keep, unfinished

def save(run: SeedRun, out: Path, recipe_arms=()) -> Path | None:
    """Write the seed's travelling stages to `out` (a .tgz); None (nothing written) when every row due finished (the
    recipe's, this call's, any started) or no stage did."""
    keep, unfinished = stages_to_carry(run, recipe_arms)
    if not unfinished or not keep: return None
    part, stripped = out.with_name('.' + out.name + '.partial'), []
    with tarfile.open(part, 'w:gz') as t:
        for f in RUN_FILES:
            if (run.dir / f).exists(): t.add(run.dir / f, arcname=f)
        for name, owner in keep.items():
            d = run.dir / 'stages' / name
            models = sorted({p.parent for w in WEIGHTS for p in d.rglob(w)})   # a finished row's weights: left behind
            stripped += [str(m.relative_to(run.dir)) for m in models]
            unread = NOT_READ + (SPENT if owner else ())                      # a kept row stage is a finished row's
            for f in sorted(p for p in d.rglob('*') if p.is_file()):
                if not any(m in f.parents for m in models) and f.name not in unread:
                    t.add(f, arcname=str(f.relative_to(run.dir)))
        man = {'table': run.exp.table, 'seed': run.seed, 'run_key': run.run.key, 'card': _card(), 'stages': list(keep),
               'left_behind': stripped}
        data = json.dumps(man, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST); info.size = len(data); t.addfile(info, io.BytesIO(data))
    part.replace(out)
    return out

def _stage_of(member: str) -> str | None:
    "The stage a member path lies in (`stages/<name>/...`), or None for anything else (refused unless a run file)."
    parts = Path(member).parts
    ok = len(parts) >= 3 and parts[0] == 'stages' and not any(p in ('.', '..') or p.startswith('.') for p in parts[1:])
    return parts[1] if ok else None

def load(run: SeedRun, tgz: Path) -> tuple[list[str], dict]:
    """Unpack `tgz` into the seed's run directory: stages not done here (a half-written one is replaced), calls and
    timings merged, the weights left behind listed as pruned; (the stages added, the manifest). Another seed's or
    run's file is refused before anything is written."""
    with tarfile.open(tgz) as t:
        members = {m.name: m for m in t.getmembers()}
        if MANIFEST not in members: raise ReproError(f"{tgz}: no {MANIFEST} inside: not a carry_stages file")
        man = json.load(t.extractfile(members[MANIFEST]))
        want = {'table': run.exp.table, 'seed': run.seed, 'run_key': run.run.key}
        bad = [k for k, v in want.items() if man.get(k) != v]
        if bad: raise ReproError(f"{tgz}: field {bad[0]!r} is {man.get(bad[0])!r}, this run's is {want[bad[0]]!r}: "
                                 f"another seed's or recipe's stages")
        odd = [n for n in members if n not in (MANIFEST, *RUN_FILES) and _stage_of(n) is None]
        if odd: raise ReproError(f"{tgz}: member {odd[0]!r} lies outside stages/<name>/")
        added = []
        for name in sorted({_stage_of(n) for n in members} - {None}):
            if run.done(name): continue
            shutil.rmtree(run.dir / 'stages' / name, ignore_errors=True)   # a half-written stage of this machine
            for n, m in members.items():
                if _stage_of(n) == name: t.extract(m, run.dir, filter='data')
            added.append(name)
        for f in RUN_FILES:
            if f not in members: continue
            mine = read_json(run.dir / f) if (run.dir / f).exists() else {}
            write_json(run.dir / f, {**json.load(io.TextIOWrapper(t.extractfile(members[f]), encoding='utf-8')), **mine})
    if added:   # the seed's run.json names where these stages were computed (reproduce.carried_from)
        c = run.dir / CARRIED
        write_json(c, (read_json(c) if c.exists() else []) + [{'card': man.get('card'), 'stages': len(added), 'file': tgz.name}])
    if man.get('left_behind'):   # a later load of one of them fails in one line (SeedRun.load), not at the hub
        p = run.dir / PRUNED
        write_json(p, sorted(set((read_json(p) if p.exists() else []) + man['left_behind'])))
    return added, man

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('verb', choices=('save', 'load'))
    ap.add_argument('tgz', type=Path, help="the stages file: written by save, read by load")
    ap.add_argument('--table', type=int, required=True)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--scale', default='gpu')
    ap.add_argument('--recipe', help="the table call's recipe, if not configs/tableN/<scale>.yaml")
    ap.add_argument('--fresh', action='store_true', help="the table call recomputes everything: load takes nothing in")
    ap.add_argument('--set', action='append', default=[], dest='overrides', metavar='KEY=VALUE', help="the table call's overrides")
    a = ap.parse_args(argv)
    try:
        run = seed_run(a.table, a.seed, a.overrides, a.scale, a.recipe)
        if a.verb == 'save':
            out = save(run, a.tgz, recipe_arms(a.table, a.scale, a.recipe))
            print(f"table {a.table} seed {a.seed}: " + (f"stages saved to {out} ({out.stat().st_size / 2**20:.1f} MiB)"
                                                        if out else "nothing to carry (every row finished, or no stage did)"))
        elif a.fresh: print(f"table {a.table} seed {a.seed}: --fresh: no stage carried in")
        else:
            if not a.tgz.is_file(): print(f"{a.tgz}: no such file", file=sys.stderr); return 1
            added, man = load(run, a.tgz)
            print(f"table {a.table} seed {a.seed}: {len(added)} stage(s) carried in from a {man.get('card')} "
                  f"({', '.join(added) or 'none new'})")
    except ReproError as e: print(e, file=sys.stderr); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
