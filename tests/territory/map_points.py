"""territory:points' columns read back as rows, the way territory/points.js reads them."""


def point_rows(data: dict) -> list[list]:
    """[id, latitude, longitude, category index] of each point, in the response's order."""
    columns, scale = data["points"], data["scale"]
    rows, pk = [], 0
    for step, lat, lon, category in zip(
        columns["id_step"], columns["lat"], columns["lon"], columns["category"], strict=True
    ):
        pk += step
        rows.append([pk, lat / scale, lon / scale, category])
    return rows


def point_ids(data: dict) -> set[int]:
    return {row[0] for row in point_rows(data)}
