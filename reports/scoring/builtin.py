"""The indicators, veto kinds, notice sections, ranking sheets and dashboard
panels of the features that exist in the portal: one module per feature."""

from reports.scoring import complaints, filings, records, visits  # noqa: F401
