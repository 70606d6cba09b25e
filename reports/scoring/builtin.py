"""The indicators and veto kinds of the features that exist in the portal."""
