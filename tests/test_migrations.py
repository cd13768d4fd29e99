"""The migrations hold every rule the models state, so the database enforces what the code says."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written(capsys):
    # A rule changed in a model but not in a migration is checked by forms only, never by the
    # database: importers, bulk updates and the shell would get past it (`make check` too).
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:
        pytest.fail("makemigrations would write: " + capsys.readouterr().out)
