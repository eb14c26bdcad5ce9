"""What the trainer's app spends drawing the councils' network, month by month.

    .venv/bin/python benchmarks/bench_viz.py            # the bundled scenarios, one run each, and a made-up run of 8 councils

Each run is stepped to its end first, keeping every month's view (the model's time is not
counted); then every month's drawing is made in order, as the app does while it plays, from a
cold placement cache, and the milliseconds per month are printed (fastest of three rounds), with the slowest month's
(each month's fastest of the three): a month that lays the councils out anew, which a trainer sees as a stutter.
"""

from __future__ import annotations

import time

from sim.viz import adapter, app, svg

NAMES = ("Northdale DC", "Westmere DC", "Southby DC", "Eastshire", "Lowfield Borough Council", "Highmoor DC", "Rivermouth City Council", "Oakbridge DC")


def scenario_months(scenario: str) -> list[adapter.RunView]:
    """Every month's view of one run of ``scenario``, from the start to the end."""
    run = adapter.Run(scenario)
    views = [run.view()]
    while run.running:
        run.step()
        views.append(run.view())
    return views


def eight_councils(months: int = 121) -> list[object]:
    """A made-up run of 8 councils, all joined: trust drifts every month, one gives notice and leaves, a champion leaves."""
    views = []
    for month in range(months):
        councils = tuple(
            adapter.CouncilView(
                k,
                name,
                1.0 + 0.3 * k,
                "district",
                0.5 + 0.002 * month * (k % 3 - 1),
                0.35,
                max(0, 52 - month) if k == 3 and 40 <= month < 52 else 0,
                not (k == 5 and month >= 70),
                not (k == 3 and month >= 52),
                52 if k == 3 and month >= 52 else -1,
                "none",
                "none",
            )
            for k, name in enumerate(NAMES)
        )
        gone = {3} if month >= 52 else set()
        trust = {(i, j): 0.5 + 0.001 * month * ((i + j) % 3 - 1) for i in range(8) for j in range(i + 1, 8) if not {i, j} & gone}
        views.append(type("View", (), {"councils": councils, "trust": trust})())
    return views


def per_month(views: list) -> tuple[float, float]:
    """Milliseconds per month drawing ``views`` in order from a cold placement cache, fastest of three rounds, and the
    slowest month's (each month's fastest of the three)."""
    best, months = float("inf"), [float("inf")] * len(views)
    for _ in range(3):
        svg._place.cache_clear()
        start = time.perf_counter()
        for k, view in enumerate(views):
            began = time.perf_counter()
            app.network_svg(view)
            months[k] = min(months[k], time.perf_counter() - began)
        best = min(best, time.perf_counter() - start)
    return 1000 * best / len(views), 1000 * max(months)


def main() -> None:
    runs = {scenario: scenario_months(scenario) for scenario in adapter.scenario_names()}
    runs["8 councils (made up)"] = eight_councils()
    print("| run | councils | months | ms per month | slowest month, ms |")
    print("| :--- | ---: | ---: | ---: | ---: |")
    for name, views in runs.items():
        mean, slowest = per_month(views)
        print(f"| {name} | {len(views[0].councils)} | {len(views)} | {mean:.2f} | {slowest:.0f} |")


if __name__ == "__main__":
    main()
