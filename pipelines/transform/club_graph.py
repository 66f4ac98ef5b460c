"""The club's model graph: every SQL model under sql/, the Python statistics models, every check.

Apart from runner.py so that importing the runner (the loaders write the settings table with it)
does not import scipy through the statistics models: 1-5 s off every command that does not model.
"""

from __future__ import annotations

from pipelines.transform.runner import ModelGraph
from pipelines.transform.statistics import PYTHON_MODELS


def club_model_graph() -> ModelGraph:
    """Every SQL model under sql/, the Python statistics models, and every check."""
    return ModelGraph.load(python_models=PYTHON_MODELS)
