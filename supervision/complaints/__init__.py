"""Complaint cases: the public form and status page, staff intake and the
case workflow. Writes are in :mod:`.services`, reads in :mod:`.selectors`."""
