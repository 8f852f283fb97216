"Evaluation plumbing on the fixtures with a tiny random model (fast on CPU)."
from pathlib import Path
import dataclasses, json
import pytest

import paper_repro.sampling  # noqa: F401  (a broken project module must fail these tests, not skip them)
from paper_repro.core import ReproError
from paper_repro.evaluation import evaluate, eval_config, tiny_random_model, task_configs, write_tasks, PaperReproLM

FIX = Path(__file__).parent / "fixtures" / "eval"


@pytest.fixture(scope="module")
def mt():
    from paper_repro.models import load_tokenizer
    tok = load_tokenizer()
    return tiny_random_model(tok), tok


def test_evaluate_all_deterministic(mt, tmp_path):
    model, tok = mt
    cfg = eval_config("tiny", math_max_new_tokens=16, ifeval_max_new_tokens=16, instruct_max_new_tokens=16, limit=2)
    sets = ["gsm8k", "ifeval", "mc", "prose", "dolly"]
    t1, r1 = evaluate(model, tok, "all", "tiny", sets=sets, cfg=cfg, data_root=FIX, out=tmp_path)
    t2, _ = evaluate(model, tok, "all", "tiny", sets=sets, cfg=cfg, data_root=FIX)
    assert t1.fillna(-1).to_dict("records") == t2.fillna(-1).to_dict("records")
    assert set(t1.task) == set(sets) and list(t1.columns)[:5] == ["suite", "task", "metric", "value", "n"]
    saved = json.loads((tmp_path / "results.json").read_text())
    assert "versions" in saved and "samples" in saved and (tmp_path / "table.csv").exists()
    shown = json.loads((tmp_path / "tasks.json").read_text())   # the task configs, for reading
    assert list(shown) == [f"pr_{s}" for s in sets]
    assert shown["pr_gsm8k"]["process_results"] == "<function paper_repro.evaluation.math_process_results>"
    assert shown["pr_gsm8k"]["generation_kwargs"]["max_gen_toks"] == 16 and not (tmp_path / "tasks").exists()


def test_generate_until_groups_and_samples(mt):
    model, tok = mt
    lm = PaperReproLM(model, tok, seed=0)
    cfg = eval_config("tiny", instruct_max_new_tokens=8, instruct_samples=2, instruct_temperature=1.0, limit=3)
    _, res = evaluate(model, tok, "instruct", "tiny", sets=["dolly"], cfg=cfg, data_root=FIX, lm=lm)
    assert [c[:2] for c in lm.gen_calls] == [(3, 2)]
    assert all(len(s["filtered_resps"][0]) == 2 for s in res["samples"]["pr_dolly"])


def test_bad_sets(tmp_path):
    with pytest.raises(ReproError, match="not a set"):
        task_configs(FIX, "math", sets=["mc"])
    with pytest.raises(ReproError, match="data file missing"):
        task_configs(FIX, "math")
    with pytest.raises(ReproError, match="data file missing"):
        write_tasks(FIX, tmp_path, "math")
    assert write_tasks(FIX, tmp_path, "math", sets=["gsm8k"]) == {"pr_gsm8k": ("math", "gsm8k")}
    assert list(json.loads((tmp_path / "tasks.json").read_text())) == ["pr_gsm8k"]


def test_cli_error_exit_code(capsys):
    from paper_repro.evaluate import main
    assert main(["--model", "/no/such/model", "--scale", "tiny", "--data-root", str(FIX)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_cli_writes_run_record(mt, tmp_path, capsys):
    from paper_repro.evaluate import main
    model, tok = mt
    model.save_pretrained(tmp_path / "m"); tok.save_pretrained(tmp_path / "m")
    out = tmp_path / "out"
    assert main(["--model", str(tmp_path / "m"), "--scale", "tiny", "--data-root", str(FIX), "--suite", "math",
                 "--sets", "gsm8k", "--limit", "2", "--math-max-new-tokens", "8", "--out", str(out)]) == 0
    rec = json.loads((out / "run.json").read_text())
    assert rec["command"].startswith("python -m paper_repro.evaluate --model ") and rec["suite"] == "math"
    assert rec["config"]["math_max_new_tokens"] == 8 and len(rec["model_hash"]) == 16 and rec["data_hash"]
    assert {"git", "packages", "hardware", "wall_seconds"} <= set(rec) and (out / "results.json").exists()
    assert "gsm8k" in capsys.readouterr().out

@pytest.mark.parametrize('line,field', [('{"id": "x", "question": ', None), ('{"id": "x", "question": "q", "answer": 3, "solution": "#### 3", "level": 1, "skill": "s"}', 'answer')])
def test_bad_data_row_is_one_line_before_lm_eval(tmp_path, line, field):
    import shutil, subprocess, sys
    root = tmp_path / 'data'; shutil.copytree(FIX, root)
    f = root / 'math' / 'gsm8k.jsonl'
    rows = f.read_text().splitlines(); rows.insert(2, line); f.write_text('\n'.join(rows) + '\n')
    r = subprocess.run([sys.executable, '-m', 'paper_repro.evaluate', '--suite', 'math', '--sets', 'gsm8k', '--scale', 'tiny',
                        '--data-root', str(root), '--out', str(tmp_path / 'out')], capture_output=True, text=True, timeout=900)
    assert r.returncode == 2 and r.stderr.count('\n') == 1, r.stderr[-2000:]
    assert f"{f}:3" in r.stderr and (field is None or f"field '{field}'" in r.stderr), r.stderr
    assert not (tmp_path / 'out' / 'results.json').exists()
