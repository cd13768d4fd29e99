"""Editors' work: roles, the publishing workflow, history, corrections and corroboration."""
