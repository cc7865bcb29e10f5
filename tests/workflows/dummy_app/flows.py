from viewflow import this
from viewflow.workflow import flow

from accounts.models import Unit


def _start(activation):
    activation.process.save()
    return activation.process


def _unit(process):
    return Unit.objects.get(code="HDMA")


class DummyFlow(flow.Flow):
    start = flow.StartHandle(_start).Next(this.sign)
    sign = (
        flow.ManualTask()
        .Annotation(title="Sign the register")
        .Permission("accounts.handle_assignments", obj=_unit)
        .Next(this.end)
    )
    end = flow.End()
