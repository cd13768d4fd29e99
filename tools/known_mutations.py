"""Apply each mutation issue 15 found surviving, one at a time, and check a test now fails.

The issue listed one-line changes of production code that no test noticed. Each is written here
against the code as it is now (several modules have been rewritten since: the list counts come
from the facet tallies, the views were split into tracker/pages/), with the test that states the
behaviour it breaks. For each mutation this script, in a private copy of the work tree (a git
worktree of HEAD plus the uncommitted changes of tests/ and tracker/), replaces the one line,
runs the named tests and restores the file; it reports a mutation as caught only when the tests
pass on the unchanged code and fail with the mutation. ``make known-mutations`` runs it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Mutation:
    issue: str  # the issue's words
    path: str
    old: str
    new: str
    tests: tuple


FILTERS = "tracker/browse/filters.py"
FACETS = "tracker/browse/facets.py"
TALLIES = "tracker/browse/tallies.py"
BOUNDS = "tests/test_filters_boundaries.py"
PUBLISHED = "tests/test_published_only.py"
RULES = "tests/test_workflow_rules.py"
CONFLICTS = "tests/test_importer_conflicts.py"

COUNTS, VENDOR_PAGE = "TestCounts::test_the_", "TestTheVendorPage::test_it"
VENDOR_AND_TECHNOLOGY_COUNTS = (
    ("/vendors/ counts", f"{COUNTS}vendor_list_counts_only_published_entries_and_their_countries"),
    ("/technologies/ counts", f"{COUNTS}technology_list_counts_only_published_entries"),
    ("the vendor page's countries", f"{VENDOR_PAGE}_lists_only_countries_with_published_entries"),
    ("the vendor page's map", f"{VENDOR_PAGE}s_map_counts_only_published_entries"),
    (
        "the vendor page's timeline",
        f"{VENDOR_PAGE}s_timeline_shows_only_the_years_of_published_entries",
    ),
)

MUTATIONS = [
    Mutation(
        "filters: decade upper bound start + 9 → start + 10",
        FILTERS,
        "start_year__lte=start + 9",
        "start_year__lte=start + 10",
        (f"{BOUNDS}::TestYearLimits::test_a_decade_runs_from_its_first_to_its_ninth_year",),
    ),
    Mutation(
        "filters: start_year_min gte → gt",
        FILTERS,
        'field_name="start_year",\n        lookup_expr="gte",',
        'field_name="start_year",\n        lookup_expr="gt",',
        (f"{BOUNDS}::TestYearLimits::test_started_in_or_after_includes_the_year_given",),
    ),
    Mutation(
        "filters: start_year_max lte → lt",
        FILTERS,
        'lookup_expr="lte",\n        label=_("Started in or before"),',
        'lookup_expr="lt",\n        label=_("Started in or before"),',
        (f"{BOUNDS}::TestYearLimits::test_started_in_or_before_includes_the_year_given",),
    ),
    Mutation(
        "views: relevance sort replaced by title",
        FILTERS,
        'return [F("rank").desc(), "title"]',
        'return ["title"]',
        (
            f"{BOUNDS}::test_a_search_lists_entries_named_after_the_words_before_those_that_only_"
            "mention_them",
        ),
    ),
    Mutation(
        '"newest" sort replaced by title',
        FILTERS,
        "return list(NEWEST_FIRST)",
        'return ["title"]',
        (f"{BOUNDS}::test_newest_first_lists_entries_by_publication_date",),
    ),
    Mutation(
        "facets: the country facet no longer leaves out its own filter",
        FACETS,
        "if facet.param in active\n",
        'if facet.param in active and facet.param != "country"\n',
        (
            f"{BOUNDS}::TestYearLimits::test_the_country_facet_shows_the_other_countries_while_"
            "one_is_chosen",
        ),
    ),
    Mutation(
        "facets: the decade facet groups by raw year",
        FACETS,
        "per_decade[year // 10 * 10 if year else None]",
        "per_decade[year if year else None]",
        (f"{BOUNDS}::TestYearLimits::test_the_decade_facet_counts_each_decade_not_each_year",),
    ),
    # The lists' counts, the vendor page's countries, map and timeline now all read the facet
    # tallies, which keep the published entries' facts: one line decides for all of them.
    *(
        Mutation(
            f"views: {what} include drafts",
            TALLIES,
            "filter(pk__in=deployment_ids, state=Deployment.State.PUBLISHED)",
            "filter(pk__in=deployment_ids)",
            (f"{PUBLISHED}::{test}",),
        )
        for what, test in VENDOR_AND_TECHNOLOGY_COUNTS
    ),
    Mutation(
        "views: /sources/ counts include drafts",
        "tracker/pages/sources.py",
        'source=OuterRef("pk"), deployment__state=Deployment.State.PUBLISHED)',
        'source=OuterRef("pk"))',
        (f"{PUBLISHED}::TestCounts::test_the_source_list_counts_only_claims_in_published_entries",),
    ),
    Mutation(
        'views: the home "Sources cited" total counts citing entries, not sources (no distinct)',
        TALLIES,
        '"sources": FacetTally.objects.filter(fact=Fact.SOURCE, counted__gt=0).count(),',
        '"sources": sum(FacetTally.objects.filter(fact=Fact.SOURCE, counted__gt=0)'
        '.values_list("counted", flat=True)),',
        (
            f"{PUBLISHED}::TestCounts::test_the_home_totals_count_published_entries_and_each_"
            "source_once",
        ),
    ),
    Mutation(
        "history: /changes/ lists edits of drafts",
        "tracker/editorial/history.py",
        '    if not was_published:\n        return ReaderChange.NONE, ""\n',
        '    if False:\n        return ReaderChange.NONE, ""\n',
        ("tests/test_whats_new.py::test_drafting_is_not_a_change_readers_see",),
    ),
    Mutation(
        "workflow: the permission check in unpublish removed",
        "tracker/editorial/workflow.py",
        "def unpublish(deployment, user=None):\n    if not can_publish(user):",
        "def unpublish(deployment, user=None):\n    if False:",
        (f"{RULES}::TestUnpublishing::test_an_editor_cannot_return_a_published_entry_to_draft",),
    ),
    Mutation(
        "workflow: submit accepts any state",
        "tracker/editorial/workflow.py",
        "if deployment.state not in (State.DRAFT, State.REVIEW):",
        "if False:",
        (f"{RULES}::TestSubmitting::test_a_published_entry_cannot_be_submitted_back_to_review",),
    ),
    Mutation(
        "workflow: retract accepts unpublished entries",
        "tracker/editorial/workflow.py",
        "    if deployment.state != State.PUBLISHED:\n        raise WorkflowError(",
        "    if False:\n        raise WorkflowError(",
        (f"{RULES}::TestRetracting::test_an_entry_never_published_cannot_be_retracted",),
    ),
    Mutation(
        "templates: the entry page's summary marked safe",
        "templates/tracker/deployment_detail.html",
        "{{ summary }}</p>",
        "{{ summary|safe }}</p>",
        ("tests/test_escaping.py::test_the_entry_page_shows_the_summary_as_text",),
    ),
    Mutation(
        "templates: the list rows' titles marked safe",
        "templates/includes/deployment_table.html",
        "{{ title }}</a>",
        "{{ title|safe }}</a>",
        ("tests/test_escaping.py::test_list_rows_show_the_title_as_text",),
    ),
    Mutation(
        "search: accents no longer folded",
        "tracker/browse/search.py",
        'stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))',
        'stripped = text or ""',
        ("tests/test_search_folding.py::test_a_word_is_found_whatever_its_case_and_accents",),
    ),
    Mutation(
        "middleware: no Content-Security-Policy header",
        "tracker/middleware.py",
        'response.headers.setdefault("Content-Security-Policy", POLICY)',
        "pass",
        (
            "tests/test_headers.py::test_every_response_keeps_scripts_styles_and_images_on_this_host",
        ),
    ),
    Mutation(
        "importers/writer: the source slug/URL conflict disabled",
        "tracker/importers/writer.py",
        "if existing is not None and spec.url and existing.url and existing.url != spec.url:",
        "if False:",
        (
            f"{CONFLICTS}::TestSources::test_a_source_page_naming_a_source_with_another_url_stops_"
            "the_import",
        ),
    ),
    Mutation(
        'importers/writer: the "alias belongs to another vendor" conflict disabled',
        "tracker/importers/writer.py",
        "elif alias.vendor_id != vendor.pk:",
        "elif False:",
        (
            f"{CONFLICTS}::TestVendors::test_a_spelling_that_is_another_vendors_alias_stops_the_import",
        ),
    ),
    Mutation(
        "importers/csv_format: source URL validation disabled",
        "tracker/importers/csv_format.py",
        "                VALIDATE_URL(url)\n",
        "                pass\n",
        (f"{CONFLICTS}::TestSources::test_a_source_url_that_is_not_a_web_address_is_refused",),
    ),
    Mutation(
        "importers/csv_format: the unknown origin country check disabled",
        "tracker/importers/csv_format.py",
        "if unknown := [code for code in origins if code not in codes]:",
        "if unknown := []:",
        (f"{CONFLICTS}::TestCountries::test_an_unknown_origin_country_is_refused_with_its_code",),
    ),
    Mutation(
        'admin: the "mark verified" action does nothing',
        "tracker/admin/deployments.py",
        "for deployment in queryset:\n            workflow.mark_verified(deployment, request.user)",
        "for deployment in queryset:\n            pass",
        (
            "tests/test_admin_actions.py::TestMarkVerified::test_the_action_stamps_today_and_the_"
            "editor_on_each_selected_entry",
        ),
    ),
    Mutation(
        "admin: editors may edit the retraction reason",
        "tracker/admin/deployments.py",
        'fields.append("retraction_reason")',
        "pass",
        (
            "tests/test_admin_actions.py::TestTheRetractionReason::test_an_editor_sees_the_reason_"
            "but_cannot_edit_it",
        ),
    ),
]


def pytest(tree, tests, env):
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)


def copy_of_work_tree(folder):
    """A worktree of HEAD with this checkout's uncommitted tracker/, tests/ and templates/."""
    tree = Path(folder) / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), "HEAD"], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    for part in ("tracker", "tests", "templates", "tools"):
        shutil.copytree(ROOT / part, tree / part, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    return tree


def main(only=()):
    """Every mutation, or those whose description contains one of the words ``only``."""
    mutations = [m for m in MUTATIONS if not only or any(word in m.issue for word in only)]
    env = {**os.environ}
    env.pop("DATABASE_URL", None)  # SQLite: the mutations are not about the database
    rows, caught = [], 0
    with tempfile.TemporaryDirectory(prefix="known-mutations-") as folder:
        tree = copy_of_work_tree(folder)
        try:
            every_test = sorted({test for m in mutations for test in m.tests})
            clean = pytest(tree, every_test, env)
            if clean.returncode != 0:
                print(clean.stdout[-3000:])
                sys.exit("The tests fail on the unchanged code: nothing can be concluded.")
            for mutation in mutations:
                path = tree / mutation.path
                original = path.read_text()
                if original.count(mutation.old) != 1:
                    rows.append((mutation, "NOT APPLIED: the line is not found exactly once"))
                    continue
                path.write_text(original.replace(mutation.old, mutation.new))
                try:
                    result = pytest(tree, mutation.tests, env)
                finally:
                    path.write_text(original)
                failed = result.returncode == 1
                caught += failed
                rows.append((mutation, "caught" if failed else f"SURVIVED ({result.returncode})"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                           capture_output=True)  # fmt: skip
    for mutation, verdict in rows:
        print(f"{verdict:8}  {mutation.issue}")
        print(f"          {mutation.path}; {', '.join(mutation.tests)}")
    print(f"\n{caught} of {len(mutations)} mutations caught")
    sys.exit(0 if caught == len(mutations) else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
