"""Importers: public datasets (and the tracker's own CSV) into deployments, with their sources.

Commands: ``manage.py import_sii PATH``, ``import_aigs PATH``, ``import_csv PATH``, each with
``--dry-run`` and ``--skip-invalid``. ``python -m tracker.importers.fixture`` regenerates
fixtures/imported.json from ../shared/data.

Modules, one concept each:

- ``base``: the run (plan, refuse, write atomically, dry run, summary) and the plain-data specs;
- ``writer``: how specs are matched to rows and written (what makes a second run a no-op);
- ``country_names``, ``vendor_names``, ``technologies``: the reviewed mapping tables;
- ``sources``: original sources from a dataset's citation text;
- ``sii``, ``aigs``, ``csv_format``: one per input format;
- ``fixture``: the shipped fixture.

Decisions a reviewer should know (each is explained where it is implemented):

- Every imported entry cites the dataset it came through (a Source of kind "dataset", with the
  record's id or row as locator) and, for the SII, each original source it gives ("via SII
  record <id>"). New entries are published through tracker.editorial.workflow.publish, which
  asks for a cited source with a URL: the dataset sources have one (the SII's repository, the AIGS
  DOI).
- External ids: ``sii:<unique_id>`` (a repeated id gets ``#<position>``) and
  ``aigs2019:<ISO2>:<vendor-slug>``, the vendor slug being derived from the canonical name.
  Slugs are the external ids slugified (``sii-semptian-algeria-2010``, ``aigs2019-rs-huawei``).
- No vendor, city, year or country is ever guessed: unnamed companies stay unnamed ("Mult",
  export-licence records), AIGS rows stay country-level, unknown names are refused by name.
- A re-import never changes an entry's publication state (an editor's retraction stands) and
  never removes citations it did not create.
"""
