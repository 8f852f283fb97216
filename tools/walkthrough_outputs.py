"""Keep the output of each walkthrough's "committed table" cell (nbs/9*_*.ipynb, the cell calling `committed_summary`),
so a reader who opens the notebook in JupyterLab sees the committed table and figures before running anything.

    python tools/walkthrough_outputs.py          # run those cells alone (execnb) and store their outputs
    python tools/walkthrough_outputs.py --check  # exit 1 if a stored output differs from what the cell gives now

Only that cell runs (it reads results/), so this takes seconds; nbdev-clean keeps outputs (`clear_all = false`).
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]
MARK = 'committed_summary('

def fresh_outputs(code: str) -> list:
    from execnb.shell import CaptureShell
    out = CaptureShell(path=root / 'nbs').run(code)
    for o in out:   # as nbdev-clean stores them
        if o['output_type'] == 'execute_result': o['execution_count'] = None
    return out

def main(check: bool) -> int:
    stale = []
    for p in sorted((root / 'nbs').glob('9*_*.ipynb')):
        nb = json.loads(p.read_text())
        cells = [c for c in nb['cells'] if c['cell_type'] == 'code' and MARK in ''.join(c['source'])]
        if not cells: stale.append(f"{p.name}: no cell calls {MARK[:-1]}"); continue
        for c in cells:
            new = fresh_outputs(''.join(c['source']))
            if c.get('outputs') != new:
                stale.append(p.name)
                if not check: c['outputs'], c['execution_count'] = new, None
        if not check: p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    if check and stale:
        print(f"error: walkthrough outputs out of date in {', '.join(stale)}; run `python tools/walkthrough_outputs.py`",
              file=sys.stderr)
        return 1
    return 0

if __name__ == '__main__':
    sys.exit(main('--check' in sys.argv))
