"""Each chart is laid out once and drawn once: `tight_layout` leaves a placeholder layout
engine that made `savefig` lay out every text a second time (reporting/charts.py `_print`).
The PNG must be the same bytes either way."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from reporting import charts


def _figure() -> Figure:
    plt = charts._pyplot()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["Rotherham", "Barnsley", "Doncaster"], [12.5, 10.1, 11.3])
    ax.set_title("A chart with labels to lay out")
    fig.tight_layout()
    return fig


def test_a_chart_is_drawn_once_and_its_png_is_unchanged(monkeypatch) -> None:
    reference = _figure()
    buffer = io.BytesIO()
    reference.savefig(buffer, format="png", dpi=100, metadata=charts.PNG_METADATA)
    charts._pyplot().close(reference)

    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw",
                        lambda self, renderer: draws.append(1) or original(self, renderer))
    png = charts._png(_figure())

    assert len(draws) == 1
    assert png == buffer.getvalue()
