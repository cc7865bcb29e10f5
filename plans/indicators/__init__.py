"""Indicators (chỉ tiêu) of a plan: the targets, the units' figures and the results against them.

A part of the plans app, not an app of its own: the models (Indicator, IndicatorAllocation,
IndicatorValue and their choices) and their migrations stay in plans. Writes are in services,
reads in selectors, the one aggregation in summary; the screens, the API and the documents
(excel, exports) build on those. plans.views shows the figures card (figures) on the assignment
page, so nothing here imports plans.views: the two never import each other.
"""
