"""Off-campus training institutions (校外培训机构): the register, review
campaigns (压减), inspections, the public white and black lists with fees,
and complaints about institutions (issue 16)."""
