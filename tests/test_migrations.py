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


def labels(fields):
    return {key: field.deconstruct()[3] for key, field in fields}


def rendered_labels(state):
    """Each tracker model's fields as the rendered models (what RunPython code sees) hold them."""
    return labels(
        ((model._meta.model_name, field.name), field)
        for model in state.apps.get_app_config("tracker").get_models()
        for field in model._meta.local_fields + model._meta.local_many_to_many
    )


def state_labels(state):
    """The same, read from the model states (not rendered)."""
    return labels(
        ((model_name, name), field)
        for (app_label, model_name), model in state.models.items()
        if app_label == "tracker"
        for name, field in model.fields.items()
    )


def test_the_grouped_label_changes_give_the_models_the_same_labels_as_one_by_one():
    # 0025 applies its 133 label-only AlterField in one operation (one rendering per model, not
    # per field: a new database migrates in 7 s instead of 11). What the later migrations and
    # any RunPython see must be what the AlterField would have given one at a time.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.get_migration("tracker", "0025_translatable_labels")
    before = loader.project_state(("tracker", "0024_languages"))
    # Not rendered: one by one, each AlterField only updates the model states (rendering
    # after each is the cost the grouping saves).
    one_by_one = before.clone()
    alterations = 0
    for operation in migration.operations:
        for single in getattr(operation, "alterations", [operation]):
            single.state_forwards("tracker", one_by_one)
            alterations += isinstance(single, AlterField)
    assert alterations == 133
    # Rendered first, as migrate has them.
    assert before.apps.get_model("tracker", "Citation")
    grouped = before.clone()
    for operation in migration.operations:
        operation.state_forwards("tracker", grouped)
    expected = state_labels(one_by_one)
    assert state_labels(grouped) == expected
    assert rendered_labels(grouped) == expected
    assert expected != state_labels(before), "0025 changed no label"
    assert expected[("citation", "quote")]["verbose_name"] == "quote"
