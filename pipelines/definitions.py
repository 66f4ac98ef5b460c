"""The Dagster code location: the definitions for the club at $STRONGSTRIDE_HOME."""

from pipelines.defs import build_definitions
from pipelines.settings import load_settings

defs = build_definitions(load_settings())
