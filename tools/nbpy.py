"""Convert between percent-format scripts and notebooks (authoring aid; the .ipynb is the source of truth).

    python tools/nbpy.py to-nb  draft.py  nbs/NN_name.ipynb
    python tools/nbpy.py to-py  nbs/NN_name.ipynb draft.py

Cells start with `# %%` (code) or `# %% [markdown]` (markdown; each line prefixed with `# `).
"""
import hashlib, json, sys
from pathlib import Path

def py_to_cells(text):
    cells, kind, buf = [], None, []
    def flush():
        if kind is None: return
        lines = buf[:]
        while lines and not lines[-1].strip(): lines.pop()
        while lines and not lines[0].strip(): lines.pop(0)
        if kind == 'markdown': lines = [l[2:] if l.startswith('# ') else l.lstrip('#') for l in lines]
        if lines: cells.append((kind, '\n'.join(lines)))
    for line in text.splitlines():
        if line.startswith('# %%'):
            flush(); buf = []
            kind = 'markdown' if '[markdown]' in line else 'code'
        else: buf.append(line)
    flush()
    return cells

def cells_to_nb(cells, name=''):
    def src(t):
        ls = t.split('\n')
        return [l + '\n' for l in ls[:-1]] + [ls[-1]]
    out = []
    for i, (kind, text) in enumerate(cells):
        cid = hashlib.sha1(f'{name}:{i}'.encode()).hexdigest()[:8]  # stable ids keep exports reproducible
        c = {'cell_type': kind, 'id': cid, 'metadata': {}, 'source': src(text)}
        if kind == 'code': c.update(execution_count=None, outputs=[])
        out.append(c)
    return {'cells': out, 'metadata': {'kernelspec': {'display_name': 'python3', 'language': 'python', 'name': 'python3'}},
            'nbformat': 4, 'nbformat_minor': 5}

def nb_to_py(nb):
    parts = []
    for c in nb['cells']:
        s = ''.join(c['source'])
        if c['cell_type'] == 'markdown': parts.append('# %% [markdown]\n' + '\n'.join('# ' + l if l else '#' for l in s.split('\n')))
        else: parts.append('# %%\n' + s)
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__':
    cmd, src_, dst = sys.argv[1:4]
    if cmd == 'to-nb':
        Path(dst).write_text(json.dumps(cells_to_nb(py_to_cells(Path(src_).read_text()), Path(dst).stem), indent=1, ensure_ascii=False) + '\n')
    elif cmd == 'to-py': Path(dst).write_text(nb_to_py(json.loads(Path(src_).read_text())))
    else: sys.exit(f'unknown command {cmd!r}: use to-nb or to-py')
