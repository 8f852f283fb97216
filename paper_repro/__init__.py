"""Notebook-first reproducible companion to APT, SAI-DPO and OKD (LLM post-training)

Modules:

- `paper_repro.preference`: One round of DPO (or SFT) on a list of pairs, through trl, returning the updated plain transformers model and the round's statistics. APT and SAI-DPO call it once per round."""

__version__ = "0.1.0"
