"""tools/keep_seed.py: a returned gpu seed becomes a committed seed folder of the files --merge reads, nothing else."""
import io, json, sys, tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
from keep_seed import main

def _tgz(path: Path, files: dict):
    with tarfile.open(path, 'w:gz') as t:
        for name, data in files.items():
            info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))

def test_keeps_what_merge_reads_and_refuses_to_overwrite(tmp_path, capsys):
    run = 'seed3/table1/gpu/'
    _tgz(tmp_path / 't1_seed3.tgz', {run + 'raw.json': b'{"seeds": []}', run + 'table.md': b'#',
                                     run + 'run.json': json.dumps({'run_dirs': ['/tmp/prc/runs/table1/abc']}).encode(),
                                     'seed3/logs/aaa/timings.json': b'{"other": 1}',   # another run's, sorted first
                                     run + 'train_logs.json.gz': b'gz', run + 'domain_vs_general.png': b'png',
                                     'seed3/profile.json': json.dumps({'wall_s': 1}).encode(), 'seed3/gpu.csv': b'x',
                                     'seed3/logs/abc/timings.json': b'{}', 'seed3/logs/abc/worker-apt.log': b'log'})
    dest = tmp_path / 'seeds'
    assert main([str(tmp_path / 't1_seed3.tgz'), str(dest)]) == 0
    assert sorted(p.name for p in (dest / 'seed3').iterdir()) == ['profile.json', 'raw.json', 'run.json', 'table.md',
                                                                  'timings.json', 'train_logs.json.gz']
    assert (dest / 'seed3' / 'timings.json').read_text() == '{}'   # this run's own, not another run dir's
    assert main([str(tmp_path / 't1_seed3.tgz'), str(dest)]) == 1 and 'exists' in capsys.readouterr().err
    assert main([str(tmp_path / 't1_seed3.tgz'), str(dest), '--name', 'seed3_control']) == 0
    assert not list(dest.glob('.*partial'))

def test_a_tgz_without_a_seed_run_is_refused(tmp_path, capsys):
    _tgz(tmp_path / 'x.tgz', {'seed0/profile.json': b'{}'})
    assert main([str(tmp_path / 'x.tgz'), str(tmp_path / 'seeds')]) == 1
    assert 'expected one' in capsys.readouterr().err and not (tmp_path / 'seeds' / 'seed0').exists()

def test_bulky_round_records_move_to_the_tables_sidecar(tmp_path):
    "A seed written before its table had a sidecar (Table 3's per-step curves) is kept as today's code writes it."
    run = 'seed0/table3/gpu/'
    raw = {'table': 3, 'config': {}, 'seeds': [{'seed': 0, 'rounds': {'okd': [{'round': 1, 'train': {'wall_s': 9.0, 'curve': [{'kd': 1.2}]}}]}}]}
    _tgz(tmp_path / 't3_seed0.tgz', {run + 'raw.json': json.dumps(raw).encode(), run + 'run.json': b'{}'})
    assert main([str(tmp_path / 't3_seed0.tgz'), str(tmp_path / 'seeds')]) == 0
    kept = tmp_path / 'seeds' / 'seed0'
    assert json.loads((kept / 'raw.json').read_text())['seeds'][0]['rounds']['okd'][0]['train'] == {'wall_s': 9.0}
    from paper_repro.experiment import get_experiment, read_raw
    assert read_raw(get_experiment(3), kept / 'raw.json')['seeds'][0]['rounds'] == raw['seeds'][0]['rounds']
