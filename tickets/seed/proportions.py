"""How seeded tickets are distributed: statuses by age, priorities, comments, their timing.

A ticket's life is its workflow steps at exponentially distributed intervals, faster for
higher priorities; the figures below are what a small office's help desk looks like.
"""

from collections.abc import Sequence

DAY = 86_400.0
# The tickets are spread evenly over the two years before the end day.
SPAN_DAYS = 730

STATUSES = ("new", "in_progress", "on_hold", "resolved", "closed")
PRIORITIES = ("low", "medium", "high", "critical")
PRIORITY_WEIGHTS = (25, 50, 20, 5)
# Older tickets are mostly done; the last weeks hold the open work.
STATUS_WEIGHTS_BY_AGE = (
    (14.0, (30, 30, 10, 22, 8)),
    (60.0, (6, 12, 6, 36, 40)),
    (float("inf"), (1, 2, 2, 20, 75)),
)
# Mean hours between two steps of a ticket's life, by priority.
MEAN_STEP_HOURS = {"low": 40.0, "medium": 16.0, "high": 5.0, "critical": 1.5}
WORKFLOW = {
    "new": (),
    "in_progress": ("in_progress",),
    "on_hold": ("in_progress", "on_hold"),
    "resolved": ("in_progress", "resolved"),
    "closed": ("in_progress", "resolved", "closed"),
}
COMMENT_COUNT_WEIGHTS = (40, 25, 15, 10, 5, 3, 2)  # 0..6 comments
# Sentences after the one that restates the title: most people write a line or two.
DETAIL_COUNT_WEIGHTS = (25, 35, 25, 15)  # 0..3 sentences
# Now and then someone writes a long report and pastes an error log into it.
LONG_REPORT_SHARE = 0.03
EMPTY_DESCRIPTION_SHARE = 0.05
UNASSIGNED_NEW_SHARE = 0.6
PRIORITY_CHANGE_SHARE = 0.08
INTERNAL_SHARE = 0.3
DELETED_SHARE = 0.002
MAX_COMMENTS = len(COMMENT_COUNT_WEIGHTS) - 1
# Created, a priority change, the assignment, the status steps, the comments and a deletion.
MAX_CHANGES = 3 + max(len(steps) for steps in WORKFLOW.values()) + MAX_COMMENTS + 1


def cumulative(weights: Sequence[float]) -> list[float]:
    """Running totals, for `bisect` to draw a weighted choice with one random number."""
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result
