"""tools/carry_stages.py: a partly run seed's finished stages travel to the next machine; unfinished rows and model
weights stay behind, another seed's file and a shared stage holding weights are refused."""
import io, json, sys, tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from carry_stages import main, seed_run

ARGS = ['--table', '2', '--seed', '0', '--scale', 'tiny']

def _stage(run, name, weights=False):
    d = run.dir / 'stages' / name; d.mkdir(parents=True)
    (d / 'result.json').write_text(json.dumps({'stage': name}))
    if weights: (d / 'model').mkdir(); (d / 'model' / 'model.safetensors').write_bytes(b'w')

def _finish(run, arm):
    "Every stage up to `arm`'s last, its last training stage holding weights."
    R = run.n_rounds(arm)
    _stage(run, f'{arm}__r{R}__train', weights=True)
    if run.last_stage(arm, R) != f'{arm}__r{R}__train': _stage(run, run.last_stage(arm, R))
    return run.last_stage(arm, R)

def test_finished_rows_and_shared_stages_travel_without_weights(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'a'))
    run = seed_run(2, 0, scale='tiny')
    done_arm, open_arm = run.exp.arms(run.cfg)[:2]
    assert main(['save', str(tmp_path / 'none.tgz'), *ARGS]) == 0 and not (tmp_path / 'none.tgz').exists()   # no stage ran
    _stage(run, 'pools'); _stage(run, 'base__r1__probe')
    last = _finish(run, done_arm)
    # what no resumed run reads stays behind: a finished row's sampled answers, any evaluation's lm-eval log; the shared
    # Base probe's answers travel (an unfinished row's first training reads them)
    for stage, f in (('base__r1__probe', 'samples.json'), (f'{done_arm}__r1__select', 'samples.json'),
                     ('base__eval', 'results.json'), ('base__eval', 'items.json')):
        (run.dir / 'stages' / stage).mkdir(parents=True, exist_ok=True); (run.dir / 'stages' / stage / f).write_text('{}')
        (run.dir / 'stages' / stage / 'result.json').write_text('{}')
    _stage(run, f'{open_arm}__r1__train', weights=True)   # a row cut short: it reruns whole on the next machine
    (run.dir / 'calls.json').write_text(json.dumps({'1@a': 100.0}))
    assert main(['save', str(tmp_path / 'st.tgz'), *ARGS]) == 0
    names = tarfile.open(tmp_path / 'st.tgz').getnames()
    assert {'stages/pools/result.json', 'stages/base__r1__probe/result.json', 'calls.json', 'carry.json',
            f'stages/{last}/result.json'} <= set(names)
    assert not [n for n in names if n.endswith('.safetensors') or n.startswith(f'stages/{open_arm}__')]
    assert {'stages/base__r1__probe/samples.json', 'stages/base__eval/items.json'} <= set(names)
    assert not {f'stages/{done_arm}__r1__select/samples.json', 'stages/base__eval/results.json'} & set(names)
    # the next machine: a fresh cache takes them in, its own call's seconds kept beside the earlier ones
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path / 'b'))
    nxt = seed_run(2, 0, scale='tiny'); (nxt.dir / 'calls.json').write_text(json.dumps({'2@b': 5.0}))
    assert main(['load', str(tmp_path / 'st.tgz'), *ARGS]) == 0 and 'carried in from a cpu' in capsys.readouterr().out
    assert nxt.done('pools') and nxt.done(last) and not nxt.done(f'{open_arm}__r1__train')
    assert json.loads((nxt.dir / 'calls.json').read_text()) == {'1@a': 100.0, '2@b': 5.0}
    # the weights left behind are listed as pruned: a stage that wanted them would say so in one line
    assert f'stages/{done_arm}__r{run.n_rounds(done_arm)}__train/model' in json.loads((nxt.dir / 'pruned.json').read_text())
    assert json.loads((nxt.dir / 'carried.json').read_text()) == [{'card': 'cpu', 'stages': 6, 'file': 'st.tgz'}]
    assert main(['load', str(tmp_path / 'st.tgz'), *ARGS]) == 0 and '0 stage(s) carried in' in capsys.readouterr().out
    # another seed's run refuses the file before writing anything
    assert main(['load', str(tmp_path / 'st.tgz'), *ARGS[:2], '--seed', '1', '--scale', 'tiny']) == 1
    assert "field 'seed' is 0" in capsys.readouterr().err

def test_a_shared_stage_with_weights_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    run = seed_run(2, 0, scale='tiny'); _stage(run, 'pools', weights=True)
    assert main(['save', str(tmp_path / 'st.tgz'), *ARGS]) == 1
    assert 'cannot travel' in capsys.readouterr().err and not list(tmp_path.glob('*st.tgz*'))

def test_a_member_outside_the_stages_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    run = seed_run(2, 0, scale='tiny')
    man = json.dumps({'table': 2, 'seed': 0, 'run_key': run.run.key}).encode()
    with tarfile.open(tmp_path / 'bad.tgz', 'w:gz') as t:
        for name, data in (('carry.json', man), ('stages/../recipe.json', b'{}')):
            info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
    assert main(['load', str(tmp_path / 'bad.tgz'), *ARGS]) == 1 and 'outside stages/' in capsys.readouterr().err
    assert not (run.dir / 'recipe.json').exists()

def test_a_row_is_unfinished_until_its_extra_rows_are_evaluated(tmp_path, monkeypatch):
    "Table 3's OKD yields the merged teacher: OKD travels only once that row is evaluated too."
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    from carry_stages import finished
    run = seed_run(3, 0, scale='tiny')
    _finish(run, 'okd')
    assert not finished(run, 'okd')
    _stage(run, 'okd_teacher__eval')
    assert finished(run, 'okd')

def test_nothing_travels_once_every_row_due_finished(tmp_path, monkeypatch, capsys):
    "The recipe's rows all finished (tiny Table 2 lists two): the seed came back whole, nothing to carry."
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    run = seed_run(2, 0, scale='tiny'); _stage(run, 'pools')
    for arm in run.exp.arms(run.cfg): _finish(run, arm)
    assert main(['save', str(tmp_path / 'st.tgz'), *ARGS]) == 0 and 'nothing to carry' in capsys.readouterr().out
    assert not (tmp_path / 'st.tgz').exists()
    # a row of another call started in the same run directory is due too: its finished neighbours travel
    _stage(run, 'saidpo_hardest__r1__select')
    assert main(['save', str(tmp_path / 'st.tgz'), *ARGS]) == 0 and (tmp_path / 'st.tgz').exists()
    assert not [n for n in tarfile.open(tmp_path / 'st.tgz').getnames() if n.startswith('stages/saidpo_hardest__')]

def test_a_whole_seed_with_a_weighted_shared_stage_carries_nothing(tmp_path, monkeypatch, capsys):
    "Table 3's student_init holds weights: a seed whose rows all finished says 'nothing to carry', not an error."
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    run = seed_run(2, 0, scale='tiny'); _stage(run, 'pools', weights=True)
    for arm in run.exp.arms(run.cfg): _finish(run, arm)
    assert main(['save', str(tmp_path / 'st.tgz'), *ARGS]) == 0 and 'nothing to carry' in capsys.readouterr().out
    assert not list(tmp_path.glob('*st.tgz*'))
