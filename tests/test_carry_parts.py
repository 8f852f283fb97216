"""tools/carry_parts.py: the device's install parts stay under a call's room whatever the tree leaves."""
import subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from carry_parts import plan_parts

def test_parts_fill_in_order_and_cover_the_gguf():
    wheels = {'w1': 40, 'w2': 30, 'w3': 50}
    parts = plan_parts(list(wheels.items()), gguf_size=170, room=100)
    sizes = [sum(wheels[w] for w in p['wheels']) + (p['gguf'][1] - p['gguf'][0] if p['gguf'] else 0) for p in parts]
    assert all(s <= 100 for s in sizes)
    assert [p['wheels'] for p in parts][:2] == [['w1', 'w2'], ['w3']]
    spans = [p['gguf'] for p in parts if p['gguf']]
    assert spans[0][0] == 0 and spans[-1][1] == 170 and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))

def test_a_wheel_larger_than_the_room_is_an_error():
    with pytest.raises(ValueError, match='exceeds'): plan_parts([('big', 101)], gguf_size=10, room=100)

def test_cli_writes_parts_that_reassemble(tmp_path):
    w = tmp_path / 'a-1.0-py3-none-any.whl'; w.write_bytes(b'x' * 30)
    g = tmp_path / 'm.gguf'; g.write_bytes(bytes(range(256)) * 2)
    r = subprocess.run([sys.executable, str(ROOT / 'tools' / 'carry_parts.py'), '--room', '200', '--wheels', str(w),
                        '--gguf', str(g), '--out', str(tmp_path / 'carry')], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    order = r.stdout.split(':', 1)[1].split()
    assert order == ['b', 'c', 'd'] and (tmp_path / 'carry' / 'd' / 'gguf.last').exists()
    assert b''.join((tmp_path / 'carry' / p / 'gguf.part').read_bytes() for p in order) == g.read_bytes()
    assert all(sum(f.stat().st_size for f in (tmp_path / 'carry' / p).iterdir()) <= 200 for p in order)
