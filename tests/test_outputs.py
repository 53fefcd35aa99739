"""What a run shows a person: the terminal summary, the figures, the currency label, the retention text."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from sim.outputs.plots import PHASE_COLORS, circles_figure, lifecycle_figure  # noqa: E402
from sim.outputs.report import format_retention, format_summary, format_warnings, number  # noqa: E402
from sim.readouts.lifecycle import analyse  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402
from tests.conftest import SCENARIOS  # noqa: E402


def _summary(**over) -> dict:
    s = {"scenario": "demo", "seed": 1, "population": 12_000, "horizon_days": 1_000,
         "lifecycle": {"phases": [{"name": "germination", "start": 0, "end": 10},
                                  {"name": "rapid growth", "start": 10, "end": 1_000}]},
         "lifespan": None, "post_shares_at_peak": {"top1": 0.2, "next9": 0.5, "bottom90": 0.3, "people": 3_456},
         "circles_at_peak": {"core": 5, "organizers": 3, "diffusion": 2_345, "dormant": 1_234},
         "retention": {"d1": 0.4, "d7": 0.3, "d30": 0.2, "member_d30": 0.8},
         "peak_members": 12_345, "incentive_spend": 34_812.0, "total_spend": 40_000.0, "warnings": [],
         "parameters": {"currency": "EUR"}}
    s.update(over)
    return s


def test_summary_uses_thousands_separators_and_the_scenario_currency():
    text = format_summary(_summary())
    for shown in ("12,000 persons", "1,000 days", "3,456 members", "diffusion 2,345", "1,234 dormant members",
                  "12,345", "34,812 EUR", "40,000 EUR", "1,000"):
        assert shown in text, shown
    assert "money" not in text
    assert "34,812 cost units" in format_summary(_summary(parameters={}))


def test_the_summary_says_what_a_share_a_limit_and_a_dormant_member_are():
    """A newcomer's first hour (2026-12-07): '57.6%' of what, beyond which limit, and dormant is no circle."""
    text = format_summary(_summary(overload_share=0.576, days_beyond_dunbar=229,
                                   parameters={"population": {"dunbar_limit": 120}, "churn": {"dormant_after": 45}}))
    assert "57.6% of reader-days" in text
    assert "229 days (a group above 120 monthly-active members)" in text
    assert "diffusion 2,345 not dormant; and 1,234 dormant members (silent 45 days or more, or muted" in text
    assert "Reading the output" in text  # where each read-out is explained
    # summary.json alone (no parameters): the figures still print, without a limit it does not know
    bare = format_summary(_summary(days_beyond_dunbar=229, parameters={}))
    assert "229 days\n" in bare and "silent, or muted" in bare


def test_a_germination_of_zero_days_is_explained_and_a_real_one_is_not():
    text = format_summary(_summary())  # germination 0-10: nothing to explain
    assert "Germination lasts 0 days" not in text
    none = _summary(founders=38, parameters={"lifecycle": {"germination_share": 0.1}},
                    lifecycle={"phases": [{"name": "germination", "start": 0, "end": 0},
                                          {"name": "rapid growth", "start": 0, "end": 1_000}]})
    lines = format_summary(none).splitlines()
    note = [line for line in lines if line.startswith("(Germination lasts 0 days")]
    assert len(note) == 1 and "38 founders" in note[0] and "10% of the peak's DAU" in note[0]
    assert lines.index(note[0]) == lines.index("rapid growth              0  1,000  1,000") + 1  # under the table


def test_retention_and_membership_are_two_statements_and_d30_above_d1_is_explained():
    lines = format_retention(_summary())
    assert lines[0].startswith("Retention (share of each join cohort active on day n after joining): D1 40.0%")
    assert "Still members 30 days after joining: 80.0%" in lines[1] and "not retention" in lines[1]
    assert len(lines) == 2  # nothing to explain when D1 >= D7 >= D30
    odd = format_retention(_summary(retention={"d1": 0.2, "d7": 0.1, "d30": 0.3, "member_d30": 0.9}))
    assert len(odd) == 3 and odd[2].lstrip().startswith("(D30 above D1")
    # the read-out list no longer mixes "still members at D30" in with D1/D7/D30
    text = format_summary(_summary())
    assert "still members at D30" not in text and text.count("D30") == 1


def test_warnings_are_grouped_by_kind_each_with_its_day_range():
    w = [{"kind": "activity_decline", "day": 180, "start": 180, "end": 569, "message": "days 180-569: fell"},
         {"kind": "low_growth", "day": 210, "start": 210, "end": 569, "message": "days 210-569: flat"},
         *[{"kind": "churn_risk", "day": d, "start": d, "end": d + 5, "message": f"days {d}-{d + 5}: risk"}
           for d in range(0, 60, 10)]]
    lines = format_warnings(w, max_per_kind=4)
    assert lines[0].startswith("Health warnings (8;")
    kinds = [line.split()[0] for line in lines[1:] if not line.strip().startswith("...")]
    assert kinds == ["low", "activity", "churn", "churn", "churn", "churn"]  # grouped, in a fixed order
    assert "... and 2 more in summary.json" in lines[-1]
    assert format_warnings([])[0].startswith("Health warnings: none")


@pytest.mark.parametrize("x,text", [(34812.4, "34,812"), (-1234.5, "-1,234"), (0, "0"), (12.34, "12.3"),
                                    (0.05751, "0.0575"), (float("nan"), "n/a"), (None, "n/a")])
def test_number_formatting(x, text):
    assert number(x) == text


def _ts(days=400, big=3_500, group=220):
    t = np.arange(days)
    dau = np.where(t < 100, t * 3.0, np.maximum(0, 600 - 1.5 * t))
    return pd.DataFrame({"day": t, "dau": dau, "members": np.minimum(t * 40, big), "core": 4, "organizers": 3,
                         "diffusion": np.minimum(t * 30, big - 800), "dormant": np.minimum(t * 10, 800),
                         "max_group_size": np.where(t > 50, group, 100), "overload_share": 0.3})


def test_lifecycle_figure_shades_the_days_a_groups_monthly_active_members_exceed_dunbar():
    ts = _ts()
    ts["active_group_size"] = np.where(ts["day"].between(60, 159), 180, 90)  # 100 days above 150
    fig = lifecycle_figure(ts, analyse(ts["dau"]), dunbar_limit=150)
    low_labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "most active group (monthly-active members)" in low_labels and "largest group, all members" in low_labels
    assert any(lab.startswith("above the limit (100 days)") for lab in low_labels)


def test_lifecycle_figure_legend_group_size_against_dunbar_and_distinct_phase_colours():
    ts = _ts()
    life = analyse(ts["dau"])
    fig = lifecycle_figure(ts, life, dunbar_limit=150)
    top, low = fig.axes[0], fig.axes[1]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert "DAU (each day)" in labels and "DAU (7-day mean)" in labels and "members (right axis)" in labels
    low_labels = [t.get_text() for t in low.get_legend().get_texts()]
    assert "largest group" in low_labels and "Dunbar limit (150)" in low_labels
    assert any(lab.startswith("above the limit (349 days)") for lab in low_labels)  # days 51..399
    assert any(np.allclose(line.get_ydata(), 150) for line in low.get_lines())   # the limit, as a line
    named = {t.get_text() for t in top.texts}
    assert {"rapid growth", "active interaction", "decline"} <= named
    # five hues, no two alike (the old palette had three greens)
    rgb = np.array([matplotlib.colors.to_rgb(c) for c in PHASE_COLORS.values()])
    hues = np.array([matplotlib.colors.rgb_to_hsv(c)[0] for c in rgb])
    distinct = [h for h, c in zip(hues, rgb) if np.ptp(c) > 0.05]  # the grey of dormancy has no hue
    assert len(distinct) == 4 and min(np.diff(sorted(distinct))) > 0.05


def test_lifecycle_figure_marks_the_strategies_in_force_and_keeps_its_legend_off_the_curve():
    """A newcomer could not see when its points programme ran, and the legend covered a phase name."""
    from matplotlib.patches import Rectangle

    from sim.outputs.plots import strategy_windows

    ts = _ts()
    sc = load_scenario(SCENARIOS / "points.yaml").with_overrides(["strategies.points.start=60",
                                                                  "strategies.points.stop=300"])
    windows = strategy_windows(sc, len(ts))
    assert windows == [("points", 60, 300)]
    top = lifecycle_figure(ts, analyse(ts["dau"]), dunbar_limit=150, strategies=windows).axes[0]
    assert " points" in {t.get_text() for t in top.texts}
    bars = [p for p in top.patches if isinstance(p, Rectangle) and np.isclose(p.get_height(), 0.044)]
    assert len(bars) == 1 and bars[0].get_x() == 60 and bars[0].get_width() == 240
    legend = top.get_legend()
    assert legend.get_bbox_to_anchor().y0 >= top.get_window_extent().y1 - 1  # above the panel, not on it
    # however many strategies, the curve's peak stays below the lowest bar (a review found it crossing
    # them from four strategies up)
    many = [(f"s{i}", 10 * i, 300) for i in range(8)]
    top = lifecycle_figure(ts, analyse(ts["dau"]), dunbar_limit=150, strategies=many).axes[0]
    bars = [p for p in top.patches if isinstance(p, Rectangle) and np.isclose(p.get_height(), 0.044)]
    assert len(bars) == 8
    lowest = min(p.get_y() for p in bars)  # in axes fractions
    assert ts["dau"].max() / top.get_ylim()[1] < lowest
    # a strategy past the shown days is left out; one without a stop runs to the end
    assert strategy_windows(sc, 50) == [] and strategy_windows(load_scenario(SCENARIOS / "points.yaml"), 99) == \
        [("points", 0, 99)]


def test_circles_figure_gives_the_small_circles_their_own_scale():
    ts = _ts()
    fig = circles_figure(ts, analyse(ts["dau"]))
    big, small = fig.axes[0], fig.axes[1]
    assert big.get_ylim()[1] > 3_000 and small.get_ylim()[1] < 10  # 4 core and 3 organizers fill their panel
    assert [t.get_text() for t in small.get_legend().get_texts()] == ["core", "organizers"]
    assert {"active interaction", "decline"} <= {t.get_text() for t in big.texts}


def test_currency_is_a_label_runs_share_their_store_key():
    from sim.experiments.store import run_key
    from tests.conftest import small

    base = small(["population.size=300"], days=30)
    eur = small(["population.size=300", "currency=EUR"], days=30)
    assert base.currency == "cost units" and eur.currency == "EUR"
    assert run_key(base) == run_key(eur)
    assert run_key(base) != run_key(small(["population.size=301"], days=30))


def test_thousands_ticks_stay_distinct_on_a_narrow_range():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.outputs.plots import thousands

    fig, ax = plt.subplots()
    ax.plot([45_000, 45_002], [1_500, 1_502])
    thousands(ax, x=True)
    fig.canvas.draw()
    xs = [t.get_text() for t in ax.get_xticklabels()]
    ys = [t.get_text() for t in ax.get_yticklabels()]
    for labels in (xs, ys):
        # rounding every tick to a whole number wrote 45,000 four times
        assert len(set(labels)) == len(labels) and all("," in x for x in labels), labels
    assert "45,000.5" in xs and "1,501" in ys
    plt.close(fig)


def test_tick_labels_show_no_float_noise_at_large_magnitudes():
    from sim.outputs.plots import tick_label

    # six decimals at 1e12 wrote the 17th significant digit: 1,000,000,000,000.000122
    assert tick_label(1e12 + 1.2e-4) == "1,000,000,000,000"
    assert tick_label(1e12 + 0.5) == "1,000,000,000,000.5"  # a real half still shows
    assert tick_label(2_000.0) == "2,000" and tick_label(500.0001) == "500.0001"


def test_the_most_active_group_counts_monthly_active_members_and_is_0_without_any():
    """`DayView.most_active_group` on hand-made states: no members, no group (-1), nobody
    active in the last 30 days, and groups whose rolls and activity rank them differently."""
    from types import SimpleNamespace as NS

    from sim.readouts.registry import DayView

    def most_active(ids, group, last_active, today=100):
        state = NS(member_ids=lambda: np.asarray(ids, np.int64), group=np.asarray(group, np.int32),
                   last_active_day=np.asarray(last_active, np.int64))
        return DayView(NS(state=state, scenario=NS()), NS(effects=None, number=today), {}).most_active_group

    assert most_active([], [0, 0], [100, 100]) == 0                      # no members
    assert most_active([0, 1], [-1, -1], [100, 100]) == 0                # members without a group
    assert most_active([0, 1, 2], [0, 0, 1], [70, 10, 0]) == 0           # silent for 30 days or more
    # group 0 has the larger roll (4) but 1 active; group 1 has 3, all active: 3
    assert most_active(range(7), [0, 0, 0, 0, 1, 1, 1], [71, 5, 5, 5, 100, 90, 80]) == 3
    assert most_active(range(3), [2, 2, -1], [71, 70, 100]) == 1         # day 71 is the window's first


def test_format_summary_takes_the_quoted_settings_from_the_scenario_when_the_summary_has_none():
    """A notebook formatting `model.summary()` printed "lifecycle.germination_share" for the share."""
    from sim import run_scenario

    sc = load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=300", "currency=yuan"], days=40)
    summary = run_scenario(sc).summary
    assert "parameters" not in summary
    text = format_summary(summary, scenario=sc)
    assert "0 yuan" in text and "cost units" not in text and "lifecycle.germination_share" not in text
    assert "cost units" in format_summary(summary)  # without the scenario: the neutral default


def test_the_summary_says_which_strategies_ran_and_when():
    """A newcomer's run of an invite reward on days 30-120 printed no word of it (first hour, 2026-12-07)."""
    sc = load_scenario(SCENARIOS / "baseline.yaml", days=200).with_overrides(
        ["strategies.invite_reward.kind=invite_reward", "strategies.invite_reward.start=30",
         "strategies.invite_reward.stop=121"])
    text = format_summary(_summary(horizon_days=200, parameters=sc.to_dict()))
    assert text.splitlines()[1] == "Strategies: invite_reward (days 30-120)"
    none = format_summary(_summary(parameters=load_scenario(SCENARIOS / "baseline.yaml").to_dict()))
    assert none.splitlines()[1] == "Strategies: none"
    assert "Strategies" not in format_summary(_summary(parameters={}))  # summary.json without parameters
