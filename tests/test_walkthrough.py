"""The end-to-end walkthrough as a user runs it: `nbs/92_table2_saidpo.ipynb` executed through a real Jupyter kernel
(nbclient + ipykernel, the venv's `python3` kernel) at the tiny scale, its figures rendered inline. `make nbtest`
skips this notebook, so CI runs it once."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

def test_table2_walkthrough_in_a_jupyter_kernel(monkeypatch):
    monkeypatch.setenv('IN_TEST', '1')     # the kernel inherits it: the tiny recipe
    nb = nbformat.read(ROOT / 'nbs' / '92_table2_saidpo.ipynb', as_version=4)
    NotebookClient(nb, timeout=3600, kernel_name='python3',
                   resources={'metadata': {'path': str(ROOT / 'nbs')}}).execute()   # a failing cell raises
    outputs = [o for c in nb.cells if c.cell_type == 'code' for o in c.get('outputs', [])]
    assert not [o for o in outputs if o.get('output_type') == 'error']
    images = [o for o in outputs if o.get('output_type') == 'display_data' and 'image/png' in o.get('data', {})]
    assert len(images) >= 3, f"{len(images)} inline figures"      # accuracy per round, level mix, cluster mix
