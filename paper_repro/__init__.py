"""Notebook-first reproducible companion to APT, SAI-DPO and OKD (LLM post-training)

Modules:

- `paper_repro.apt`: APT fine-tunes a model on what it gets *wrong* in a domain: each round the current model answers every training item, a judge marks the bad cases, retrieval adds a few similar cases, and a DPO round prefers the reference answer over the model's own wrong one — so that the domain improves and general ability is kept.
- `paper_repro.preference`: One round of DPO (or SFT) on a list of pairs, through trl, returning the updated plain transformers model and the round's statistics. APT and SAI-DPO call it once per round."""

__version__ = "0.1.0"
