"Data: schemas, validation errors, atomic generation, hub loaders on local fixtures (never the hub)."
import json, os
from pathlib import Path
import pytest
from fastcore.test import test_fail as fail_with, test_eq as eq

FX = Path(__file__).parent / 'fixtures' / 'hub'

@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('PAPER_REPRO_CACHE', str(tmp_path))
    return tmp_path

def test_malformed_row_names_file_line_field(tmp_path):
    from paper_repro.data import read_rows
    good = dict(id='a', question='q?', answer='3', solution='1 + 2 = 3\n#### 3', skill='add_sub', level=1, source='t')
    p = tmp_path / 'rows.jsonl'
    p.write_text(json.dumps(good) + '\n' + json.dumps({**good, 'id': 'b', 'answer': 3}) + '\n')
    fail_with(lambda: read_rows(p, 'math'), contains=f"{p}:2: field 'answer'")
    p.write_text(json.dumps({**good, 'level': None}) + '\n')
    fail_with(lambda: read_rows(p, 'math'), contains=":1: field 'level'")
    p.write_text(json.dumps(dict(id='m', question='q', choices=['a', 'b', 'c'], gold=0, subject='s')) + '\n')
    fail_with(lambda: read_rows(p, 'mc'), contains=":1: field 'choices'")

def test_data_dir_tiny_is_generated_once_and_valid(cache):
    from paper_repro.data import MATH_TEST_SETS, INSTRUCT_SETS, read_rows, schema_of
    from paper_repro.minidata import data_dir, load_split
    d = data_dir('tiny')
    assert d.parent == cache / 'data' and d.name.startswith('v') and d.name.endswith('-tiny')
    assert not [p for p in d.parent.iterdir() if p.name.startswith('.')]  # no tmp dir left behind
    mtime = (d / 'card.json').stat().st_mtime
    assert data_dir('tiny') == d and (d / 'card.json').stat().st_mtime == mtime  # cached, not regenerated
    for s in MATH_TEST_SETS + ['transfer']: eq(len(load_split('tiny', 'math', s)), 16)
    for s in INSTRUCT_SETS: eq(len(load_split('tiny', 'instruct', s)), 16)
    for f in d.rglob('*.jsonl'): read_rows(f, schema_of(f.parent.name, f.stem))
    card = json.loads((d / 'card.json').read_text())
    assert card['sets']['math/gsm8k']['n'] == 16 and 'skill' in card['sets']['math/train']
    fail_with(lambda: load_split('tiny', 'math', 'nope'), contains='available')
    fail_with(lambda: data_dir('paper'), contains='load_hub_math')

def test_hub_loaders_on_fixtures():
    from paper_repro.data import load_hub_math, load_hub_instruct, validate_row
    rows = load_hub_math('gsm8k', path_override=FX / 'gsm8k.jsonl')
    eq([r['answer'] for r in rows], ['72', '10', '1500'])
    assert all(validate_row(r, 'math') is None for r in rows)
    eq(load_hub_math('math500', path_override=FX / 'math500.jsonl')[1]['answer'], '4')
    d = load_hub_instruct('dolly', path_override=FX / 'dolly.jsonl')
    eq(d[1]['references'], ['Tope'])
    fail_with(lambda: load_hub_math('gsm8k', path_override=FX / 'bad_gsm8k.jsonl'), contains="bad_gsm8k.jsonl:2: field 'question'")

def test_hub_offline_failure_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1'); monkeypatch.setenv('HF_DATASETS_OFFLINE', '1')
    monkeypatch.setenv('HF_HOME', str(tmp_path))
    from paper_repro.core import ReproError
    from paper_repro.data import load_hub_math
    with pytest.raises(ReproError) as e: load_hub_math('gsm8k')
    assert '\n' not in str(e.value) and 'path_override' in str(e.value)

def test_ifeval_import_never_downloads(monkeypatch):
    import nltk
    monkeypatch.setattr(nltk, 'download', lambda *a, **k: pytest.fail('nltk.download called'))
    import paper_repro.data  # puts the packaged punkt_tab on NLTK's path
    from lm_eval.tasks.ifeval import instructions_util  # noqa: F401  (its import calls download_nltk_resources)
    assert nltk.data.find('tokenizers/punkt_tab')
