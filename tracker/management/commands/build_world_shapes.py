"""Prepare the world map's country shapes, once, from Natural Earth via the world-atlas package.

How to regenerate tracker/data/world_shapes.json (only needed to change the map; the npm file
itself is not committed, the JSON written here is the shipped artifact)::

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    cd /work/main && .venv/bin/python manage.py build_world_shapes /tmp/package/countries-50m.json

(``make map`` does the same in a temporary folder.) It needs no network beyond the npm registry
and no Python package beyond the project's own.

What it does, in order:

1. Decodes the TopoJSON itself: each arc is a list of quantized, delta-encoded positions; the
   running sums times ``transform.scale`` plus ``transform.translate`` are longitude/latitude.
2. Thins every shared arc once (Douglas–Peucker, measured in output pixels), so neighbours keep
   a common border with no slivers, and arc ends (where borders meet) never move.
3. Joins arcs into rings. world-atlas stitches rings across the antimeridian (Russia's Chukotka,
   Fiji, the Aleutians, Kiribati), which a flat map must cut again: each ring is unwrapped and
   clipped to -180..180, the part beyond moved to the other edge. Drawn uncut, those rings
   become bands across the whole map.
4. Projects with Equal Earth (equal-area, so large countries do not look weightier than they
   are) to a 960-wide viewBox, rounds to 0.1 px and writes SVG path data, one per country, with
   relative moves. Islets under a pixel are dropped.
5. Gives every country whose biggest shape is under 3 px (Singapore, Bahrain, Malta, Andorra,
   most island states: 64 in all) a round marker 4 px across in its place, so it can be seen,
   hovered and clicked. The output is the same on every run.

Features are keyed by their ISO 3166-1 numeric code ("688" for Serbia), as world-atlas gives
them. A few have no id; each is handled on purpose (``UNNUMBERED``), never dropped silently:
Kosovo is keyed "XK", our Country's user-assigned code (it has no ISO numeric); Somaliland and
Northern Cyprus are drawn as part of Somalia and Cyprus, as ISO 3166-1 (and so our Country
table) counts them; "Indian Ocean Ter." is split into Christmas Island and the Cocos (Keeling)
Islands, which ISO lists apart; Siachen Glacier, claimed by India and Pakistan, is drawn as land
belonging to no country. An id-less feature not listed there stops the build. Antarctica (010)
is left out: nothing is deployed there and it would take a fifth of the height.
"""

import itertools
import json
import math
import re
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError

ROOT = Path(__file__).resolve().parents[3]
OUTPUT = ROOT / "tracker" / "data" / "world_shapes.json"

WIDTH = 960
PADDING = 2  # px around the land, so edge strokes are not cut off
TOLERANCE = 0.35  # px: how far thinning may move a line; about a third of a pixel at 960 wide
MIN_RING = 1.0  # px: a country's islets smaller than this are dropped, if it has a bigger shape
MIN_VISIBLE = 3.0  # px: a country whose biggest shape is smaller than this also gets a marker
MARKER_RADIUS = 2.0  # px

SKIP = {"010"}  # Antarctica
# world-atlas features without an ISO numeric id, by properties.name: what each becomes.
# A key (ISO numeric, or "XK") merges the feature into that country; None draws it as land
# that belongs to no country; a callable picks the key per polygon.
UNNUMBERED = {
    "Kosovo": "XK",
    "Somaliland": "706",
    "N. Cyprus": "196",
    # Christmas Island lies east of 100°E, the Cocos (Keeling) Islands west of it.
    "Indian Ocean Ter.": lambda lon, lat: "162" if lon > 100 else "166",
    "Siachen Glacier": None,
}
SOURCE = "Natural Earth 1:50m Admin 0 countries (public domain), from the world-atlas npm package"

# Equal Earth (Šavrič, Patterson & Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
# The equator, from -180° to 180°, spans the width but for the padding on either side.
SCALE = (WIDTH - 2 * PADDING) / (2 * 2 * math.sqrt(3) * math.pi / (3 * A1))


def equal_earth(lon, lat):
    """Projected (x, y) in output pixels, (0°, 0°) at x = WIDTH / 2, y growing southwards."""
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
    return WIDTH / 2 + x * SCALE, -y * SCALE


def decode_arcs(topology):
    """Every arc as a list of (longitude, latitude), undoing the quantization and deltas."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def unwrap(points):
    """Longitudes made continuous (170, -175 becomes 170, 185), latitudes unchanged."""
    out = [points[0]]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        lon += 360 * round((previous - lon) / 360)
        out.append((lon, lat))
    return out


def thin(points):
    """Douglas–Peucker in projected pixels; the first and last points always stay."""
    if len(points) < 3:
        return points
    projected = [equal_earth(lon, lat) for lon, lat in unwrap(points)]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_at = TOLERANCE, None
        for index in range(first + 1, last):
            distance = segment_distance(projected[index], projected[first], projected[last])
            if distance > worst:
                worst, worst_at = distance, index
        if worst_at is not None:
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    thinned = [point for point, kept in zip(points, keep, strict=True) if kept]
    if len(thinned) < 4 and points[0] == points[-1]:
        return points  # an islet smaller than the tolerance: kept whole, it is tiny anyway
    return thinned


def segment_distance(point, start, end):
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0 if length == 0 else max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def ring(arcs, indexes):
    """A closed ring of (longitude, latitude) from TopoJSON arc indexes (~i: arc i reversed)."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def split_at_antimeridian(points):
    """The ring cut into parts that each lie within -180..180 (most rings: itself)."""
    points = unwrap(points)
    if abs(points[-1][0] - points[0][0]) > 1e-9:
        raise CommandError("A ring goes round a pole; only Antarctica does, and it is skipped.")
    low = min(lon for lon, _ in points)
    high = max(lon for lon, _ in points)
    parts = []
    for turn in range(math.floor((low + 180) / 360), math.floor((high + 180) / 360) + 1):
        west, east = -180 + 360 * turn, 180 + 360 * turn
        piece = clip(clip(points, west, keep_east=True), east, keep_east=False)
        if len(piece) >= 3:
            parts.append([(lon - 360 * turn, lat) for lon, lat in piece])
    return parts


def clip(points, meridian, *, keep_east):
    """Sutherland–Hodgman against one meridian; edges along it have no area, so fill is right."""

    def inside(point):
        return point[0] >= meridian if keep_east else point[0] <= meridian

    out = []
    for index, current in enumerate(points):
        previous = points[index - 1]
        if inside(current) != inside(previous):
            (x0, y0), (x1, y1) = previous, current
            t = (meridian - x0) / (x1 - x0)
            out.append((meridian, y0 + t * (y1 - y0)))
        if inside(current):
            out.append(current)
    return out


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def key_for(geometry, polygon_arcs, arcs):
    """The output key of one polygon: ISO numeric, "XK", None (no country) or "" (skip)."""
    numeric = geometry.get("id")
    if numeric:
        return "" if numeric in SKIP else numeric
    name = geometry.get("properties", {}).get("name", "")
    if name not in UNNUMBERED:
        raise CommandError(f"world-atlas feature {name!r} has no id: say what it is in UNNUMBERED.")
    rule = UNNUMBERED[name]
    if callable(rule):
        lon, lat = arcs[polygon_arcs[0][0] if polygon_arcs[0][0] >= 0 else ~polygon_arcs[0][0]][0]
        return rule(lon, lat)
    return rule


def extent(points):
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return max(max(xs) - min(xs), max(ys) - min(ys))


def number(tenths):
    """Tenths of a pixel as short SVG number text: 12 -> "1.2", -3 -> "-.3", 40 -> "4"."""
    sign = "-" if tenths < 0 else ""
    whole, tenth = divmod(abs(tenths), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def join_numbers(values):
    text = ""
    for value in values:
        part = number(value)
        text += part if not text or part.startswith("-") else " " + part
    return text


def ring_path(points):
    """An SVG subpath: absolute start, then relative moves in tenths of a pixel, closed."""
    tenths = []
    for x, y in points:
        point = (round(x * 10), round(y * 10))
        if not tenths or point != tenths[-1]:
            tenths.append(point)
    if len(tenths) > 1 and tenths[-1] == tenths[0]:
        tenths.pop()
    if len(tenths) < 3:
        return ""
    moves = []
    for (x0, y0), (x1, y1) in itertools.pairwise(tenths):
        moves += [x1 - x0, y1 - y0]
    return f"M{join_numbers(tenths[0])}l{join_numbers(moves)}z"


def marker_path(cx, cy):
    """A small disc centred on (cx, cy): two half-circle arcs (flags are plain 0 and 1)."""
    r = round(MARKER_RADIUS * 10)
    start = join_numbers([round(cx * 10) - r, round(cy * 10)])
    radius = join_numbers([r, r])
    return f"M{start}a{radius} 0 1 0 {number(2 * r)} 0a{radius} 0 1 0 {number(-2 * r)} 0z"


def path_data(rings):
    """One country's path: its visible rings, plus a marker when all of them are tiny."""
    sized = sorted(((extent(r), r) for r in rings), key=lambda item: -item[0])
    kept = [r for size, r in sized if size >= MIN_RING]
    marker = sized[0][0] < MIN_VISIBLE
    if not marker:
        return "".join(ring_path(r) for r in kept), False
    # The marker stands for the biggest shape and whatever it covers: drawn under the even-odd
    # rule, a ring inside it would cut a hole in it.
    xs = [x for x, _ in sized[0][1]]
    ys = [y for _, y in sized[0][1]]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    reach = MARKER_RADIUS + MIN_VISIBLE
    apart = [r for r in kept if all(math.hypot(x - cx, y - cy) > reach for x, y in r)]
    return "".join([*(ring_path(r) for r in apart), marker_path(cx, cy)]), True


class Command(BaseCommand):
    help = "Build tracker/data/world_shapes.json from world-atlas's countries-50m.json."

    def add_arguments(self, parser):
        parser.add_argument("topojson", type=Path, help="world-atlas@2 countries-50m.json")
        parser.add_argument("--output", type=Path, default=OUTPUT)

    def handle(self, topojson, output, **options):
        try:
            topology = json.loads(topojson.read_text())
            geometries = topology["objects"]["countries"]["geometries"]
            arcs = decode_arcs(topology)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"{topojson} is not world-atlas TopoJSON: {exc}") from None
        arcs = [thin(arc) for arc in arcs]

        rings_by_key, names = {}, {}
        for geometry in geometries:
            for polygon in polygons(geometry):
                key = key_for(geometry, polygon, arcs)
                if key == "":
                    continue
                name = geometry.get("properties", {}).get("name", "")
                if geometry.get("id") == key or key in (None, "XK"):
                    names[key] = name
                else:  # merged into, or split off as, an ISO country: not this feature's name
                    names.setdefault(key, pycountry.countries.get(numeric=key).name)
                for indexes in polygon:
                    for part in split_at_antimeridian(ring(arcs, indexes)):
                        projected = [equal_earth(lon, lat) for lon, lat in part]
                        rings_by_key.setdefault(key, []).append(projected)

        ys = [y for rings in rings_by_key.values() for r in rings for _, y in r]
        top = min(ys) - PADDING
        height = math.ceil(max(ys) + PADDING - top)

        countries, other = {}, []
        for key, rings in rings_by_key.items():
            d, marker = path_data([[(x, y - top) for x, y in r] for r in rings])
            if key is None:
                other.append({"name": names[key], "d": d})
                continue
            iso2 = "XK" if key == "XK" else pycountry.countries.get(numeric=key).alpha_2
            entry = {"iso2": iso2, "name": names[key], "d": d}
            if marker:
                entry["marker"] = True
            countries[key] = entry
        for entry in [*countries.values(), *other]:
            if not re.fullmatch(r"[MlazZ0-9 .\-]+", entry["d"]):
                raise CommandError(f"Unexpected path data for {entry['name']}")

        shapes = {
            "source": SOURCE,
            "projection": "Equal Earth",
            "viewBox": f"0 0 {WIDTH} {height}",
            "countries": dict(sorted(countries.items())),
            "other": other,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(shapes, ensure_ascii=False, separators=(",", ":")) + "\n")
        markers = sorted(c["iso2"] for c in countries.values() if c.get("marker"))
        self.stdout.write(
            f"{len(countries)} countries ({len(markers)} with a marker: {' '.join(markers)}), "
            f"viewBox {shapes['viewBox']}: {output.stat().st_size:,} bytes → {output}"
        )
