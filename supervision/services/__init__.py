"""Writes of the supervision app: one module per subject.

- :mod:`supervision.services.visits`: ``visit_submit``, ``visit_amend``
- :mod:`supervision.services.rectifications`: ``rectification_raise``,
  ``rectification_answer``, ``rectification_accept``, ``rectification_return``
- :mod:`supervision.services.notifications`: the e-mails and the daily digest
- :mod:`supervision.services.outbox`: publishing notices after commit without depending on Redis, and their sweep
- :mod:`supervision.services.register`: dated district memberships and assignments (``district_membership_move``,
  ``supervisor_assignments_set``)
"""
