"""tools/carry_stages.py: a partly run seed's finished stages travel to the next machine; unfinished rows and model
weights stay behind, and a shared stage holding weights is refused."""
import json, sys, tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from carry_stages import main, seed_run

def _stage(run, name, weights=False):
    d = run.dir / 'stages' / name; d.mkdir(parents=True)
    (d / 'result.json').write_text(json.dumps({'stage': name}))
    if weights: (d / 'model').mkdir(); (d / 'model' / 'model.safetensors').write_bytes(b'w')

def test_finished_rows_and_shared_stages_travel_without_weights(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'a'))
    args = ['--table', '2', '--seed', '0', '--scale', 'tiny']
    run = seed_run(2, 0, scale='tiny')
    done_arm, open_arm = run.exp.arms(run.cfg)[:2]
    assert main(['save', str(tmp_path / 'none.tgz'), *args]) == 0 and not (tmp_path / 'none.tgz').exists()   # no row ran
    _stage(run, 'pools'); _stage(run, 'base__r1__probe')
    R = run.n_rounds(done_arm)
    _stage(run, f'{done_arm}__r{R}__train', weights=True)
    if run.last_stage(done_arm, R) != f'{done_arm}__r{R}__train': _stage(run, run.last_stage(done_arm, R))
    _stage(run, f'{open_arm}__r1__train', weights=True)   # a row cut short: it reruns whole on the next machine
    (run.dir / 'calls.json').write_text(json.dumps({'1@a': 100.0}))
    assert main(['save', str(tmp_path / 'st.tgz'), *args]) == 0
    names = tarfile.open(tmp_path / 'st.tgz').getnames()
    assert 'stages/pools/result.json' in names and 'stages/base__r1__probe/result.json' in names and 'calls.json' in names
    assert f'stages/{done_arm}__r{R}__train/result.json' in names
    assert not [n for n in names if n.endswith('.safetensors') or n.startswith(f'stages/{open_arm}__')]
    # the next machine: a fresh cache takes them in, its own call's seconds kept beside the earlier ones
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'b'))
    nxt = seed_run(2, 0, scale='tiny'); (nxt.dir / 'calls.json').write_text(json.dumps({'2@b': 5.0}))
    assert main(['load', str(tmp_path / 'st.tgz'), *args]) == 0
    assert nxt.done('pools') and nxt.done(run.last_stage(done_arm, R)) and not nxt.done(f'{open_arm}__r1__train')
    assert json.loads((nxt.dir / 'calls.json').read_text()) == {'1@a': 100.0, '2@b': 5.0}
    assert main(['load', str(tmp_path / 'st.tgz'), *args]) == 0 and '0 stage(s) carried in' in capsys.readouterr().out

def test_a_shared_stage_with_weights_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    run = seed_run(2, 0, scale='tiny'); _stage(run, 'pools', weights=True)
    assert main(['save', str(tmp_path / 'st.tgz'), '--table', '2', '--seed', '0', '--scale', 'tiny']) == 1
    assert 'cannot travel' in capsys.readouterr().err and not list(tmp_path.glob('*st.tgz*'))
