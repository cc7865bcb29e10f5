from django.apps import AppConfig


class DummyFlowsConfig(AppConfig):
    name = "tests.workflows.dummy_app"
    label = "dummy_flows"
