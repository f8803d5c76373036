"""``kehoach evaluate``: score a run's CONTRACT tables against hand-checked gold.

The metrics and their definitions are those of the project's reference scorer
(tests/reference/score.py), so numbers reported here and there can be compared;
a few extra metrics it lacks are reported separately (``EvalResult.extra``).
"""
from .inputs import EvaluationInputError
from .report import check_thresholds, render, render_details
from .run import EvalResult, evaluate

__all__ = ["EvalResult", "EvaluationInputError", "check_thresholds", "evaluate", "render",
           "render_details"]
