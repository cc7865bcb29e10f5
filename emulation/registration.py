"""What emulation tells the mechanisms about itself, once, from EmulationConfig.ready(): its flow
for the inbox and task notices, and who may read the evidence files of a score."""

from core.attachments import register_owner
from deadlines.steps import register_step
from workflows.registry import register_flow

from . import deadline_steps, inbox
from .models import Score
from .selectors import scores_visible_to


def register() -> None:
    for kind in inbox.FLOWS:
        register_flow(kind)
    register_owner(Score, scores_visible_to)
    for step in deadline_steps.STEPS:
        register_step(step)
