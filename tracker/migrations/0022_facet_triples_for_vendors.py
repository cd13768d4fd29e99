from django.db import migrations

# Triples given a vendor and a country, or a vendor and a technology, for the facts already
# there (frozen copy of tracker.browse.pairs.triples_sql() limited to these two kinds).
FILL = (
    "INSERT INTO tracker_facettriple "
    '(given_fact, given_key, also_fact, also_key, fact, "key", published, counted) '
    'SELECT a.fact, a."key", b.fact, b."key", c.fact, c."key", COUNT(*), '
    "SUM(CASE WHEN c.counted THEN 1 ELSE 0 END) "
    "FROM tracker_facetfact a "
    "JOIN tracker_facetfact b ON b.deployment_id = a.deployment_id "
    "JOIN tracker_facetfact c ON c.deployment_id = a.deployment_id "
    "WHERE ((a.fact = 1 AND b.fact = 3) OR (a.fact = 3 AND b.fact = 4)) "
    "AND c.fact IN (1, 2, 3, 4, 5, 6, 7, 8, 10) "
    "AND (c.fact NOT IN (a.fact, b.fact) "
    'OR (c.fact = a.fact AND c."key" = a."key") OR (c.fact = b.fact AND c."key" = b."key")) '
    'GROUP BY a.fact, a."key", b.fact, b."key", c.fact, c."key"'
)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0021_facet_triples"),
    ]

    operations = [
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
