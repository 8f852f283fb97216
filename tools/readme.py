"""Render nbs/index.ipynb to README.md (nbdev-readme needs quarto, which cannot be installed offline). A markdown cell
holding only `<!-- verdicts -->` becomes the gpu scale's verdict table, built from results/claims.md (never by hand:
every regenerated table changes it, and `--check` then says the README is out of date).

    python tools/readme.py          # write README.md
    python tools/readme.py --check  # exit 1 if README.md is out of date
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]

VERDICTS = '<!-- verdicts -->'

def _top_level_split(text: str, sep: str) -> list[str]:
    "`text` split at `sep` outside parentheses."
    parts, depth, cur, i = [], 0, '', 0
    while i < len(text):
        if depth == 0 and text.startswith(sep, i): parts.append(cur); cur, i = '', i + len(sep); continue
        depth += {'(': 1, ')': -1}.get(text[i], 0); cur += text[i]; i += 1
    return parts + [cur]

def short_verdict(v: str) -> str:
    "A ledger verdict without its commentary: before ' — ', its first two clauses."
    return '; '.join(_top_level_split(_top_level_split(v, ' — ')[0], '; ')[:2]).strip()

def verdict_table(claims=root / 'results' / 'claims.md', scale: str = 'gpu') -> str:
    "The claims ledger's rows of `scale`, one line per claim: table, claim, paper, ours [95 %], n, verdict."
    rows = [[c.strip() for c in l.strip().strip('|').split('|')] for l in Path(claims).read_text().splitlines()
            if l.startswith('| ') and not l.startswith('| Table')]
    head = ['Table', 'scale', 'claim', 'paper', 'n seeds', 'estimate', 'p', 'interval', 'verdict']
    out = ['| table | claim | paper | ours [95 %] | n | verdict |', '|---|---|---|---|---|---|']
    for r in rows:
        d = dict(zip(head, r))
        if len(r) != len(head): raise SystemExit(f"{claims}: a ledger row has {len(r)} cells, not {len(head)}: {r[:3]}")
        if d['scale'] == scale:
            out.append(f"| {d['Table']} | {d['claim']} | {d['paper']} | {d['estimate']} | {d['n seeds']} | {short_verdict(d['verdict'])} |")
    return '\n'.join(out)

def render(nb_path=root / 'nbs' / 'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = ['<!-- Generated from nbs/index.ipynb by tools/readme.py; edit the notebook, not this file -->']
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        if src == VERDICTS: src = verdict_table()
        parts.append(src if c['cell_type'] == 'markdown' else f"```python\n{src}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, out = render(), root / 'README.md'
    if '--check' in sys.argv:
        if not out.exists() or out.read_text() != text:
            sys.exit('error: README.md is out of date with nbs/index.ipynb; run `python tools/readme.py`')
    else: out.write_text(text)
