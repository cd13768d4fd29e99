"""Prepare the world map's country shapes once, from Natural Earth via the world-atlas package.

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    .venv/bin/python manage.py build_world_shapes package/countries-50m.json

Natural Earth 1:50m (public domain) keeps small states that 1:110m drops (Singapore, Bahrain,
Malta). The TopoJSON is decoded here, projected with the Equal Earth projection (equal-area, so
big countries do not look more important than they are), rounded to whole pixels and thinned,
and written as one SVG path per country, with its ISO alpha-2 code as id, to static/map/world.svg,
which browsers fetch once and cache; tracker/data/world_shapes.json keeps the frame and each
country's bounding box for the server (tracker/maps.py). Antarctica is left out.
"""

import json
import math
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
OUTPUT = ROOT / "tracker" / "data" / "world_shapes.json"
SPRITE = ROOT / "static" / "map" / "world.svg"
WIDTH = 960
# world-atlas features without an ISO numeric id that are countries to our readers.
UNNUMBERED = {"Kosovo": "XK"}
SKIP = {"010"}  # Antarctica

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * lam
        * math.cos(theta)
        / (3 * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, -y


def decode_arcs(topology):
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(equal_earth(x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def iso2_for(geometry):
    numeric = geometry.get("id")
    if numeric:
        if numeric in SKIP:
            return None
        country = pycountry.countries.get(numeric=numeric)
        return country.alpha_2 if country else None
    return UNNUMBERED.get(geometry.get("properties", {}).get("name"))


class Command(BaseCommand):
    help = "Build tracker/data/world_shapes.json from world-atlas's countries-50m.json."

    def add_arguments(self, parser):
        parser.add_argument("topojson", type=Path)

    def handle(self, topojson, **options):
        try:
            topology = json.loads(topojson.read_text())
            geometries = topology["objects"]["countries"]["geometries"]
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{topojson} is not world-atlas TopoJSON: {exc}") from None
        arcs = decode_arcs(topology)
        features = {}
        for geometry in geometries:
            iso2 = iso2_for(geometry)
            if iso2:
                rings = [ring(arcs, r) for polygon in polygons(geometry) for r in polygon]
                features.setdefault(iso2, []).extend(rings)
        xs = [x for rings in features.values() for r in rings for x, _ in r]
        ys = [y for rings in features.values() for r in rings for _, y in r]
        scale = WIDTH / (max(xs) - min(xs))
        left, top = min(xs), min(ys)
        height = round((max(ys) - top) * scale, 1)
        countries = {}
        for iso2, rings in sorted(features.items()):
            projected = [[((x - left) * scale, (y - top) * scale) for x, y in r] for r in rings]
            countries[iso2] = {"d": path_data(projected), "box": box(projected)}
        view_box = f"0 0 {WIDTH} {height}"
        # The shapes go in one static SVG the browser caches; pages only <use> them by id.
        SPRITE.parent.mkdir(parents=True, exist_ok=True)
        paths = "".join(f'<path id="{iso2}" d="{c["d"]}"/>' for iso2, c in countries.items())
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}">'
        SPRITE.write_text(f"{svg}<defs>{paths}</defs></svg>\n")
        # What the server needs to draw a map: the frame, and which countries have a shape.
        boxes = {iso2: c["box"] for iso2, c in countries.items()}
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(json.dumps({"viewBox": view_box, "boxes": boxes}, sort_keys=True) + "\n")
        self.stdout.write(
            f"{len(countries)} countries: {SPRITE.stat().st_size:,} bytes of shapes → {SPRITE}"
        )


def path_data(rings):
    """Whole pixels, relative moves, and no islet smaller than a pixel beside a bigger shape.

    At 960 px wide nothing finer can be seen; this keeps the shipped file, and every page
    that draws the map, small. A country made only of islets keeps them (Malta, Bahrain).
    """
    thinned = [thin(points) for points in rings]
    visible = [points for points in thinned if extent(points) >= 2]
    parts = []
    for points in visible or thinned:
        (x0, y0), rest = points[0], points[1:]
        steps = []
        previous = (x0, y0)
        for x, y in rest:
            steps.append(f"{x - previous[0]} {y - previous[1]}")
            previous = (x, y)
        parts.append(f"M{x0} {y0}l" + " ".join(steps) + "z")
    return "".join(parts)


def thin(points):
    kept = []
    for x, y in points:
        point = (round(x), round(y))
        if not kept or max(abs(point[0] - kept[-1][0]), abs(point[1] - kept[-1][1])) >= 1:
            kept.append(point)
    while len(kept) < 3:
        kept.append(kept[-1])
    return kept


def extent(points):
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def box(rings):
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    return [round(min(xs), 1), round(min(ys), 1), round(max(xs), 1), round(max(ys), 1)]
