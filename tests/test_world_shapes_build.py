"""build_world_shapes: a small TopoJSON in, the map's shapes out (ISO codes, markers, cuts)."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def square(lon, lat, size):
    """A closed arc going round a square, as TopoJSON's delta-encoded positions."""
    return [[lon, lat], [size, 0], [0, size], [-size, 0], [0, -size]]


def topology(*features):
    """world-atlas-shaped TopoJSON: each feature is (id or None, name, [lon, lat, size]).

    Positions are quantized to half degrees (``transform.scale``), as world-atlas quantizes them.
    """
    arcs, geometries = [], []
    for numeric, name, box in features:
        arcs.append(square(*box))
        geometry = {"type": "Polygon", "arcs": [[len(arcs) - 1]], "properties": {"name": name}}
        if numeric:
            geometry["id"] = numeric
        geometries.append(geometry)
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [0, 0]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


# In half degrees: Serbia is 4° across, Malta and Kosovo half a degree (about a pixel).
WORLD = [
    ("688", "Serbia", [38, 84, 8]),
    ("470", "Malta", [28, 70, 1]),
    (None, "Kosovo", [40, 84, 1]),
    ("242", "Fiji", [354, -40, 12]),  # crosses the antimeridian: 177°E to 177°W
    ("010", "Antarctica", [-120, -178, 18]),
    (None, "Siachen Glacier", [154, 70, 2]),
]


def build(tmp_path, features):
    source = tmp_path / "countries.json"
    source.write_text(json.dumps(topology(*features)))
    output = tmp_path / "world_shapes.json"
    out = StringIO()
    call_command("build_world_shapes", str(source), output=output, stdout=out)
    return json.loads(output.read_text()), out.getvalue(), output.read_bytes()


def test_each_country_is_keyed_by_its_iso_numeric_code_with_its_alpha_2(tmp_path):
    shapes, said, _ = build(tmp_path, WORLD)
    countries = shapes["countries"]
    assert sorted(countries) == ["242", "470", "688", "XK"]
    assert [countries[key]["iso2"] for key in ("242", "470", "688", "XK")] == [
        "FJ",
        "MT",
        "RS",
        "XK",
    ]
    assert countries["688"]["name"] == "Serbia"
    assert "4 countries (2 with a marker: MT XK)" in said


def test_antarctica_is_left_out_and_unclaimed_land_drawn_as_no_country(tmp_path):
    shapes, _, _ = build(tmp_path, WORLD)
    assert "010" not in shapes["countries"]
    assert [other["name"] for other in shapes["other"]] == ["Siachen Glacier"]


def test_a_country_too_small_to_see_gets_a_marker_and_a_large_one_does_not(tmp_path):
    countries = build(tmp_path, WORLD)[0]["countries"]
    assert countries["470"].get("marker") is True
    assert "marker" not in countries["688"]


def test_a_shape_across_the_antimeridian_is_cut_in_two_within_the_map(tmp_path):
    shapes, _, _ = build(tmp_path, WORLD)
    fiji = shapes["countries"]["242"]["d"]
    assert fiji.count("M") == 2
    width = float(shapes["viewBox"].split()[2])
    assert width == 960
    for start in re.findall(r"M(-?[\d.]+) ", fiji):
        assert 0 <= float(start) <= width


def test_the_output_is_the_same_on_every_run(tmp_path):
    first = build(tmp_path, WORLD)[2]
    assert build(tmp_path, WORLD)[2] == first


def test_a_feature_with_no_id_and_no_rule_stops_the_build(tmp_path):
    with pytest.raises(CommandError, match="'Atlantis' has no id"):
        build(tmp_path, [*WORLD, (None, "Atlantis", [-60, 60, 4])])
    assert not (tmp_path / "world_shapes.json").exists()


def test_a_file_that_is_not_topojson_is_refused_by_name(tmp_path):
    source = tmp_path / "countries.json"
    source.write_text('{"type": "FeatureCollection"}')
    with pytest.raises(CommandError, match=r"countries\.json is not world-atlas TopoJSON"):
        call_command("build_world_shapes", str(source), output=tmp_path / "out.json")
