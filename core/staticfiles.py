from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    # viewflow's wheel carries its npm sources (node_modules) whose CSS points at font files it
    # does not ship, which breaks the hashed manifest; the built copies beside them are complete.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "node_modules"]
