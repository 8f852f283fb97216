"""Render nbs/index.ipynb to README.md (nbdev-readme needs quarto, which cannot be installed offline).

    python tools/readme.py          # write README.md
    python tools/readme.py --check  # exit 1 if README.md is out of date
"""
import json, sys
from pathlib import Path

root = Path(__file__).resolve().parents[1]

def render(nb_path=root / 'nbs' / 'index.ipynb') -> str:
    nb = json.loads(Path(nb_path).read_text())
    parts = ['<!-- Generated from nbs/index.ipynb by tools/readme.py; edit the notebook, not this file -->']
    for c in nb['cells']:
        src = ''.join(c['source']).strip()
        if not src or src.startswith('#| hide'): continue
        parts.append(src if c['cell_type'] == 'markdown' else f"```python\n{src}\n```")
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    text, out = render(), root / 'README.md'
    if '--check' in sys.argv:
        if not out.exists() or out.read_text() != text:
            sys.exit('error: README.md is out of date with nbs/index.ipynb; run `python tools/readme.py`')
    else: out.write_text(text)
