"""The multi-process training path: two CPU processes run one DPO round and end with identical weights."""
import json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def test_two_process_dpo_round(tmp_path):
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '-m', 'paper_repro.launch',
                        '--out', str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / 'launch_check.json').read_text())
    assert res['world_size'] == 2 and res['distributed_type'].endswith('MULTI_CPU')
    assert res['changed'] and res['in_sync']
    assert all(rk['steps'] >= 1 for rk in res['ranks'])

def test_two_process_sft_and_dpo_rounds(tmp_path):
    "Table 1's training path: an SFT round (the SFT rows) then a DPO round (APT's rounds) in two processes, in sync."
    r = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '-m', 'paper_repro.launch',
                        '--out', str(tmp_path), '--rounds', 'sft,dpo'], cwd=ROOT, capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads((tmp_path / 'launch_check.json').read_text())
    assert res['world_size'] == 2 and [x['kind'] for x in res['rounds']] == ['sft', 'dpo']
    for x in res['rounds']: assert x['changed'] and x['in_sync'] and all(rk['steps'] >= 1 for rk in x['ranks']), x
