"""Stage 5, the model graph: SQL models under sql/ and Python statistics models, run with their checks."""

from __future__ import annotations

from pipelines.transform.runner import ModelGraph
from pipelines.transform.statistics import PYTHON_MODELS


def club_model_graph() -> ModelGraph:
    """Every SQL model under sql/, the Python statistics models, and every check."""
    return ModelGraph.load(python_models=PYTHON_MODELS)
