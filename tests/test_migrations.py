"""The migrations hold every rule the models state, so the database enforces what the code says."""

import pytest
from django.core.management import call_command
from django.db.migrations import AlterField
from django.db.migrations.loader import MigrationLoader


@pytest.mark.django_db
def test_the_models_need_no_migration_that_is_not_written(capsys):
    # A rule changed in a model but not in a migration is checked by forms only, never by the
    # database: importers, bulk updates and the shell would get past it (`make check` too).
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:
        pytest.fail("makemigrations would write: " + capsys.readouterr().out)


def rendered_labels(state):
    """Each tracker model's fields as the rendered models (what RunPython code sees) hold them."""
    return {
        (model._meta.model_name, field.name): field.deconstruct()[3]
        for model in state.apps.get_app_config("tracker").get_models()
        for field in model._meta.local_fields + model._meta.local_many_to_many
    }


def test_the_grouped_label_changes_give_the_models_the_same_labels_as_one_by_one():
    # 0025 applies its 133 label-only AlterField in one operation (one rendering per model, not
    # per field: a new database migrates in 7 s instead of 11). What the later migrations and
    # any RunPython see must be what the AlterField would have given one at a time.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    before = loader.project_state(("tracker", "0024_languages"))
    assert before.apps.get_model("tracker", "Citation")  # rendered, as migrate has them
    grouped, one_by_one = before.clone(), before.clone()
    migration = loader.get_migration("tracker", "0025_translatable_labels")
    alterations = 0
    for operation in migration.operations:
        operation.state_forwards("tracker", grouped)
        for single in getattr(operation, "alterations", [operation]):
            single.state_forwards("tracker", one_by_one)
            alterations += isinstance(single, AlterField)
    assert alterations == 133
    labels = rendered_labels(grouped)
    assert labels == rendered_labels(one_by_one)
    assert labels != rendered_labels(before), "0025 changed no label"
    assert labels[("citation", "quote")]["verbose_name"] == "quote"
