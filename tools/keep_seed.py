"""Keep a gpu seed that `tools/device.sh table N S` brought back (`tN_seedS.tgz`) as a committed seed folder: the files
`--merge` reads (raw.json, its compressed sidecar, run.json) with the seed's own table.md, its profile summary and its
stage timings — no figures and no worker logs, so the tracked tree stays small (the design notes: ≤ 30 MB).

    python tools/keep_seed.py /work/.device/13/t1_seed0.tgz results/table1/gpu/seeds/
    python tools/keep_seed.py T.tgz DEST --name seed0_control   # a second folder of one seed (rows joined at merge)

A raw.json written before its table moved bulky round records into a compressed sidecar (`Experiment.sidecar_key`)
is split as today's code writes it, when paper_repro imports (run it with the project's Python).
Refuses to overwrite an existing folder (one line, exit 1) and writes nothing half: the folder appears whole or not at all.
"""
import argparse, json, shutil, sys, tarfile, tempfile
from pathlib import Path

KEEP = ('raw.json', 'run.json', 'table.md')   # beside any *.json.gz sidecar of raw.json

def split_sidecar(folder: Path) -> bool:
    "Split `folder/raw.json` as the current code writes it (its table's sidecar), if it is not yet; whether it split."
    try: from paper_repro.experiment import get_experiment, _write_sidecar
    except ImportError: return False   # without paper_repro the folder stays as the device wrote it (merging reads both)
    from paper_repro.core import write_json
    raw = json.loads((folder / 'raw.json').read_text())
    if 'table' not in raw: return False
    exp = get_experiment(raw['table'])
    if not exp.sidecar_key or (folder / f'{exp.sidecar}.json.gz').exists(): return False
    raw['seeds'] = _write_sidecar(exp, raw['seeds'], folder); write_json(folder / 'raw.json', raw, compact=True)
    return (folder / f'{exp.sidecar}.json.gz').exists()

def keep_seed(tgz: Path, dest: Path, name: str | None = None) -> Path:
    "Extract `tgz` and copy the kept files into `dest/<seed folder name or name>`; the folder written."
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tgz) as t: t.extractall(tmp, filter='data')
        raws = sorted(Path(tmp).glob('*/table*/*/raw.json'))
        if len(raws) != 1: raise SystemExit(f"{tgz}: expected one <seed>/tableN/<scale>/raw.json inside, found {len(raws)}")
        run, seed = raws[0].parent, raws[0].parents[2]
        out = dest / (name or seed.name)
        if out.exists(): raise SystemExit(f"{out}: exists; remove it first (a seed folder is kept whole or not at all)")
        # the stage timings of this run's own directory (run.json's run_dirs): the device copies every run dir's logs
        dirs = [Path(d).name for d in json.loads((run / 'run.json').read_text()).get('run_dirs', [])] if (run / 'run.json').exists() else []
        timings = [seed / 'logs' / d / 'timings.json' for d in dirs if (seed / 'logs' / d / 'timings.json').exists()]
        part = dest / f'.{out.name}.partial'
        shutil.rmtree(part, ignore_errors=True); part.mkdir(parents=True)
        try:
            for f in [*(run / k for k in KEEP), *run.glob('*.json.gz')]:
                if f.exists(): shutil.copy(f, part / f.name)
            if (seed / 'profile.json').exists(): shutil.copy(seed / 'profile.json', part / 'profile.json')
            if timings: shutil.copy(timings[0], part / 'timings.json')
            split_sidecar(part)
            part.replace(out)
        finally: shutil.rmtree(part, ignore_errors=True)
    return out

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('tgz', type=Path, help="the tN_seedS.tgz a `tools/device.sh table` call returned")
    ap.add_argument('dest', type=Path, help="the table's seeds/ folder, e.g. results/table1/gpu/seeds/")
    ap.add_argument('--name', help="the folder's name (default: the seed's, e.g. seed0)")
    a = ap.parse_args(argv)
    if not a.tgz.is_file(): print(f"{a.tgz}: no such file", file=sys.stderr); return 1
    try: out = keep_seed(a.tgz, a.dest, a.name)
    except SystemExit as e: print(e, file=sys.stderr); return 1
    for f in sorted(out.iterdir()): print(f"{f}  {f.stat().st_size / 1024:.0f} kB")
    return 0

if __name__ == '__main__': sys.exit(main())
