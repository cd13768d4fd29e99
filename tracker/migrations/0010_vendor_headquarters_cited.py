from django.db import migrations, models


# Apart from 0009: on PostgreSQL, adding a constraint in the transaction that just updated the
# table's rows can fail with "pending trigger events".
class Migration(migrations.Migration):

    dependencies = [
        ("tracker", "0009_vendor_headquarters_source"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='vendor',
            constraint=models.CheckConstraint(condition=models.Q(('headquarters__isnull', True), models.Q(('headquarters_source__isnull', False), models.Q(models.Q(('headquarters_quote', ''), _negated=True), models.Q(('headquarters_locator', ''), _negated=True), _connector='OR')), _connector='OR'), name='vendor_headquarters_cited', violation_error_message='Say which source gives the head office, with its words or where in it.'),
        ),
    ]
