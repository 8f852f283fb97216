"Table 4 as an `Experiment`: the runner does everything but one SFT round and one evaluation."
from fastcore.basics import patch
from paper_repro.core import write_json
from paper_repro.data import math_prompt
from paper_repro.experiment import Experiment, register
from paper_repro.grading import sample_and_grade
from paper_repro.minidata import load_split
from paper_repro.preference import sft_round
from table4_recipe import CLAIMS, SPEC, Table4Config
from table4_report import table4_deviations, table4_plan

class ToyTable(Experiment):
    "Table 4: Base and an SFT row."
    table, name, config_cls, spec, claims = 4, 'table4_toy', Table4Config, SPEC, CLAIMS
    def deviations(self, cfg): return table4_deviations(cfg)
    def plan(self, cfg): return table4_plan(cfg)

def _rows(cfg): return load_split(cfg.scale, 'math', 'train')[:cfg.items]

@patch
def train(self: ToyTable, run, arm, r, prep, model, tok, d):
    examples = [{'prompt': math_prompt(x['question']), 'completion': x['solution']} for x in _rows(run.cfg)]
    return sft_round(model, tok, examples, run.cfg.sft, d / 'trainer', seed=run.seed)

@patch
def evaluate(self: ToyTable, run, model, tok, d):
    rows = _rows(run.cfg)
    graded = sample_and_grade(run.sampler(model), rows, run.cfg.generation)
    scores = [float(graded[x['id']][0]['correct']) for x in rows]
    write_json(d / 'items.json', {'math': scores})
    return {'accuracy': 100 * sum(scores) / len(scores)}

@patch
def finalize_row(self: ToyTable, run, arm, logs):
    row = dict(logs[-1]['eval'])
    return {**row, 'd_accuracy': row['accuracy'] - run.base_eval()['accuracy']}

EXPERIMENT = register(ToyTable())
