"""GB/T 50493-2019: every set point limit read against its published value, the whole result
of each check, and the refusals' exact wording (the clause, the value, the limit, the unit)."""

from decimal import Decimal

import pytest

from anjian.standards import gas_detection
from anjian.standards._base import Status
from anjian.standards.gas_detection import (
    CLAUSE,
    Basis,
    Detector,
    SetPointCheck,
    SetPointRefused,
    check_set_points,
)


def test_the_published_limits() -> None:
    assert Decimal(25) == gas_detection.COMBUSTIBLE_LEVEL1_PCT_LEL
    assert Decimal(50) == gas_detection.COMBUSTIBLE_LEVEL2_PCT_LEL
    assert Decimal(100) == gas_detection.TOXIC_LEVEL1_PCT_OEL
    assert Decimal(200) == gas_detection.TOXIC_LEVEL2_PCT_OEL
    assert Decimal(5) == gas_detection.TOXIC_LEVEL1_PCT_IDLH
    assert Decimal(10) == gas_detection.TOXIC_LEVEL2_PCT_IDLH
    assert Decimal("23.5") == gas_detection.OXYGEN_OVER_PCT_VOL
    assert Decimal("19.5") == gas_detection.OXYGEN_DEFICIENCY_PCT_VOL
    assert Decimal(1) == gas_detection.LINE_LEVEL1_LEL_M
    assert Decimal(2) == gas_detection.LINE_LEVEL2_LEL_M
    assert CLAUSE == "GB/T 50493-2019 第5.5.2条（条号未核对）"
    assert gas_detection.CITATION == (
        "GB/T 50493-2019《石油化工可燃气体和有毒气体检测报警设计标准》"
    )
    assert gas_detection.STATUS is Status.CHECKED


def test_the_detectors_and_bases() -> None:
    assert [(d.value, d.label_zh) for d in Detector] == [
        ("combustible", "可燃气体（点型）"),
        ("toxic", "有毒气体"),
        ("oxygen", "环境氧气"),
        ("line_combustible", "可燃气体（线型）"),
    ]
    assert [(b.value, b.label_zh) for b in Basis] == [
        ("MAC", "最高容许浓度 MAC"),
        ("PC-TWA", "时间加权平均容许浓度 PC-TWA"),
        ("PC-STEL", "短时间接触容许浓度 PC-STEL"),
        ("IDLH", "立即威胁生命和健康浓度 IDLH"),
    ]


def test_a_refusal_names_the_clause_by_default() -> None:
    assert SetPointRefused("x").clause == CLAUSE
    assert SetPointRefused("x", "other").clause == "other"
    assert str(SetPointRefused("message")) == "message"
    assert isinstance(SetPointRefused("x"), ValueError)


def test_the_whole_result_of_each_detector() -> None:
    D = Decimal
    assert check_set_points(Detector.COMBUSTIBLE, 20, 40) == SetPointCheck(
        Detector.COMBUSTIBLE, D(20), D(40), D(25), D(50), "%LEL", None, CLAUSE
    )
    assert check_set_points(Detector.LINE_COMBUSTIBLE, "0.5", 1) == SetPointCheck(
        Detector.LINE_COMBUSTIBLE, D("0.5"), D(1), D(1), D(2), "LEL·m", None, CLAUSE
    )
    assert check_set_points(Detector.OXYGEN, "23", "19.5") == SetPointCheck(
        Detector.OXYGEN, D(23), D("19.5"), D("23.5"), D("19.5"), "%VOL", None, CLAUSE
    )
    assert check_set_points(
        Detector.TOXIC, 5, 15, basis=Basis.PC_TWA, oel=10, unit="mg/m³"
    ) == SetPointCheck(Detector.TOXIC, D(5), D(15), D(10), D(20), "mg/m³", Basis.PC_TWA, CLAUSE)
    assert check_set_points(Detector.TOXIC, 1, 2, basis=Basis.MAC, oel=10).unit == "ppm"
    assert check_set_points(
        Detector.TOXIC, 1, 2, basis=Basis.IDLH, oel=100, idlh=40, range_max=50
    ) == SetPointCheck(Detector.TOXIC, D(1), D(2), D(2), D(4), "ppm", Basis.IDLH, CLAUSE)


def test_the_wording_of_a_set_point_beyond_its_limit() -> None:
    with pytest.raises(SetPointRefused) as first:
        check_set_points(Detector.COMBUSTIBLE, 26, 40)
    assert str(first.value) == (
        f"一级报警设定值26 %LEL超过{CLAUSE}规定的上限25 %LEL / "
        "level 1 set point 26 %LEL exceeds the limit of 25 %LEL "
        "(GB/T 50493-2019 §5.5.2, clause number unchecked)"
    )
    assert first.value.clause == CLAUSE
    with pytest.raises(SetPointRefused) as second:
        check_set_points(Detector.COMBUSTIBLE, 25, 51)
    assert str(second.value).startswith("二级报警设定值51 %LEL超过")
    assert "level 2 set point 51 %LEL exceeds the limit of 50 %LEL" in str(second.value)
    with pytest.raises(SetPointRefused) as toxic:
        check_set_points(Detector.TOXIC, 11, 20, basis=Basis.MAC, oel=10, unit="mg/m³")
    assert "上限10 mg/m³（100 %/200 % MAC）" in str(toxic.value)
    with pytest.raises(SetPointRefused) as idlh:
        check_set_points(Detector.TOXIC, 3, 4, basis=Basis.IDLH, oel=100, idlh=40, range_max=50)
    assert "上限2 ppm（5 %/10 % IDLH）" in str(idlh.value)


def test_both_levels_are_checked_and_level_two_as_level_two() -> None:
    # level 1 within its limit, level 2 beyond its own (a shared limit would let it through)
    with pytest.raises(SetPointRefused, match="^二级"):
        check_set_points(Detector.COMBUSTIBLE, 1, Decimal("50.001"))
    with pytest.raises(SetPointRefused, match="^二级"):
        check_set_points(Detector.TOXIC, 1, Decimal("20.1"), basis=Basis.MAC, oel=10)
    with pytest.raises(SetPointRefused, match="^一级"):
        check_set_points(Detector.TOXIC, Decimal("10.1"), 11, basis=Basis.MAC, oel=10)


def test_the_order_of_the_two_levels() -> None:
    with pytest.raises(SetPointRefused) as refused:
        check_set_points(Detector.COMBUSTIBLE, 25, 24)
    assert str(refused.value) == (
        f"一级报警设定值25不得高于二级报警设定值24（{CLAUSE}；"
        "一级为先行预警，项目约定，未核对） / level 1 must not be above level 2"
    )
    assert check_set_points(Detector.LINE_COMBUSTIBLE, 1, 1).level1 == 1
    with pytest.raises(SetPointRefused, match="不得高于"):
        check_set_points(Detector.LINE_COMBUSTIBLE, 1, Decimal("0.999"))


def test_the_oxygen_refusals() -> None:
    with pytest.raises(SetPointRefused) as over:
        check_set_points(Detector.OXYGEN, "23.6", "19.5")
    assert str(over.value).startswith(f"过氧报警设定值23.6 %VOL超过{CLAUSE}规定的上限23.5 %VOL")
    assert "over-oxygen set point 23.6 %VOL" in str(over.value)
    with pytest.raises(SetPointRefused) as low:
        check_set_points(Detector.OXYGEN, "23", "19.4")
    assert str(low.value) == (
        f"欠氧报警设定值19.4 %VOL低于{CLAUSE}规定的19.5 %VOL / "
        "oxygen-deficiency set point 19.4 %VOL is below 19.5 %VOL (GB/T 50493-2019 §5.5.2)"
    )
    assert check_set_points(Detector.OXYGEN, "19.6", "19.5").level1 == Decimal("19.6")
    with pytest.raises(SetPointRefused) as order:
        check_set_points(Detector.OXYGEN, "19.5", "19.5")
    assert str(order.value) == (
        f"过氧报警设定值须高于欠氧报警设定值（{CLAUSE}） / the over-oxygen point must "
        "be above the deficiency point"
    )


def test_the_toxic_refusals_word_for_word() -> None:
    with pytest.raises(SetPointRefused) as basis:
        check_set_points(Detector.TOXIC, 1, 2, oel=10)
    assert str(basis.value) == (
        f"有毒气体报警设定值须注明依据（MAC、PC-TWA、PC-STEL或IDLH，{CLAUSE}） / "
        "a toxic gas set point needs its basis: MAC, PC-TWA, PC-STEL or IDLH"
    )
    with pytest.raises(SetPointRefused) as oel:
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.PC_STEL)
    assert str(oel.value) == (
        f"有毒气体须给出职业接触限值OEL（{CLAUSE}） / the OEL of the toxic gas is required"
    )
    with pytest.raises(SetPointRefused) as reach:
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.IDLH, oel=10, idlh=40)
    assert str(reach.value) == (
        f"只有探测器量程不能满足测量要求（量程上限低于OEL 10 ppm）时，"
        f"报警设定值才可按IDLH设定（{CLAUSE}） / IDLH applies only when the detector's "
        "range cannot reach the OEL"
    )
    with pytest.raises(SetPointRefused) as idlh:
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.IDLH, oel=10, range_max=5)
    assert str(idlh.value) == (f"按IDLH设定时须给出IDLH值（{CLAUSE}） / the IDLH value is required")
    with pytest.raises(SetPointRefused) as short:
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.MAC, oel=10, range_max=5, unit="mg")
    assert str(short.value) == (
        f"探测器量程上限5 mg低于OEL 10 mg，应按IDLH设定"
        f"（一级≤5 %IDLH，二级≤10 %IDLH，{CLAUSE}） / the range cannot reach the OEL: "
        "set the points on IDLH"
    )


def test_toxic_inputs_are_numbers() -> None:
    with pytest.raises(ValueError, match="^OEL / 职业接触限值: not a number"):
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.MAC, oel="x")
    with pytest.raises(ValueError, match="^range / 量程: not a number"):
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.MAC, oel=10, range_max="x")
    with pytest.raises(ValueError, match="^IDLH: not a number"):
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.IDLH, oel=10, idlh="x", range_max=5)
    with pytest.raises(ValueError, match="^level 1 / 一级报警设定值: not a number"):
        check_set_points(Detector.OXYGEN, "x", 20)
    with pytest.raises(ValueError, match="^level 2 / 二级报警设定值: not a number"):
        check_set_points(Detector.OXYGEN, 20, "x")


def test_an_unknown_detector_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        check_set_points("combustible", 1, 2)  # type: ignore[arg-type]
    assert str(refused.value) == "unknown detector 'combustible' / 未知的探测器类型"
    assert not isinstance(refused.value, SetPointRefused)


def test_a_line_type_refusal_is_worded_in_lel_metres() -> None:
    with pytest.raises(SetPointRefused) as refused:
        check_set_points(Detector.LINE_COMBUSTIBLE, "1.5", 2)
    assert str(refused.value).startswith(
        f"一级报警设定值1.5 LEL·m超过{CLAUSE}规定的上限1 LEL·m / "
        "level 1 set point 1.5 LEL·m exceeds the limit of 1 LEL·m"
    )
