"""A third domain app, installed only by tests/workflows/test_registry.py: it plugs a flow into
the inbox through the registry alone, without a change to workflows/."""
