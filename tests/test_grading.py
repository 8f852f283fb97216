import pytest
from paper_repro import grading as g
from paper_repro.core import ReproError


@pytest.mark.parametrize("text,ans", [("x\n#### 42", "42"), (r"so \boxed{\frac{1}{2}}", r"\frac{1}{2}"),
                                      ("I think 3, maybe 1,200", "1200"), ("none", None), ("", None)])
def test_extract_answer(text, ans):
    assert g.extract_answer(text) == ans


@pytest.mark.parametrize("text,gold,ok", [("#### 0.5", r"\frac{1}{2}", True), ("#### 1,000", "1000", True),
                                          (r"\boxed{3/4}", "0.75", True), ("#### 7", "8", False), ("no answer", "8", False)])
def test_is_correct(text, gold, ok):
    assert g.is_correct(text, gold) is ok


def test_is_correct_off_main_thread():
    import threading
    out = []
    t = threading.Thread(target=lambda: out.append(g.is_correct("#### 0.25", r"\frac{1}{4}")))
    t.start(); t.join()
    assert out == [True]


def test_count_steps():
    assert g.count_steps("a\n\nb\n#### 1") == 2 and g.count_steps("a\nb") == 2


def test_rouge_l():
    assert g.rouge_l(["a b c"], [["a b c", "x"]]) == [100.0]
    with pytest.raises(ValueError):
        g.rouge_l(["a"], [["a"], ["b"]])


def test_ifeval_check_no_download(monkeypatch):
    import nltk
    monkeypatch.setattr(nltk, "download", lambda *a, **k: pytest.fail("nltk.download called"))
    row = {"key": 0, "prompt": "no commas", "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}
    assert g.ifeval_check(row, "hello world")["prompt_strict"] is True
    assert g.ifeval_check(row, "hello, world")["inst_strict"] == [False]


def test_ifeval_punkt_missing_is_repro_error(monkeypatch):
    monkeypatch.setattr(g, "punkt_available", lambda: False)
    row = {"key": 5, "prompt": "x", "instruction_id_list": ["length_constraints:number_sentences"],
           "kwargs": [{"relation": "less than", "num_sentences": 3}]}
    with pytest.raises(ReproError, match="NLTK_DATA"):
        g.ifeval_check(row, "One. Two.")


def test_rubric_judge_counts_unparseable():
    j = g.RubricJudge(lambda ps: ["[RESULT] 3", "garbage", "[RESULT] 7"])
    r = j.judge(["i"] * 3, ["r"] * 3)
    assert r.scores == [3, None, None] and r.stats["n_unparseable"] == 2 and r.stats["mean"] == 3.0
