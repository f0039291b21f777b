"""GB/T 50493-2019 alarm set points: at, just below and just above every threshold."""

from decimal import Decimal

import pytest

from anjian.standards.gas_detection import Basis, Detector, SetPointRefused, check_set_points

JUST = Decimal("0.001")


@pytest.mark.parametrize(
    ("detector", "limit1", "limit2"),
    [(Detector.COMBUSTIBLE, Decimal(25), Decimal(50)), (Detector.LINE_COMBUSTIBLE, 1, 2)],
)
def test_combustible_and_line_type_limits_are_inclusive(detector, limit1, limit2) -> None:
    limit1, limit2 = Decimal(limit1), Decimal(limit2)
    ok = check_set_points(detector, limit1, limit2)
    assert (ok.level1, ok.level2, ok.limit1, ok.limit2) == (limit1, limit2, limit1, limit2)
    assert check_set_points(detector, limit1 - JUST, limit2 - JUST).level1 == limit1 - JUST
    with pytest.raises(SetPointRefused, match="一级报警设定值.*5.5.2") as refused:
        check_set_points(detector, limit1 + JUST, limit2)
    assert "5.5.2" in refused.value.clause
    with pytest.raises(SetPointRefused, match="二级报警设定值.*5.5.2"):
        check_set_points(detector, limit1, limit2 + JUST)


def test_combustible_units_are_named_in_the_refusal() -> None:
    with pytest.raises(SetPointRefused, match="25 %LEL"):
        check_set_points(Detector.COMBUSTIBLE, 26, 40)
    with pytest.raises(SetPointRefused, match="LEL·m"):
        check_set_points(Detector.LINE_COMBUSTIBLE, Decimal("1.5"), 2)


def test_level_one_must_not_be_above_level_two() -> None:
    with pytest.raises(SetPointRefused, match="不得高于二级"):
        check_set_points(Detector.COMBUSTIBLE, 25, 20)
    assert check_set_points(Detector.COMBUSTIBLE, 20, 20).level2 == 20


@pytest.mark.parametrize("basis", [Basis.MAC, Basis.PC_TWA, Basis.PC_STEL])
def test_toxic_set_points_on_the_oel(basis: Basis) -> None:
    # H2S: MAC 10 mg/m³ → level 1 ≤ 10, level 2 ≤ 20.
    ok = check_set_points(Detector.TOXIC, 10, 20, basis=basis, oel=10, unit="mg/m³")
    assert (ok.limit1, ok.limit2, ok.basis) == (10, 20, basis)
    check_set_points(Detector.TOXIC, 10 - JUST, 20 - JUST, basis=basis, oel=10)
    with pytest.raises(SetPointRefused, match=f"一级.*{basis.value}"):
        check_set_points(Detector.TOXIC, 10 + JUST, 20, basis=basis, oel=10)
    with pytest.raises(SetPointRefused, match=f"二级.*{basis.value}"):
        check_set_points(Detector.TOXIC, 10, 20 + JUST, basis=basis, oel=10)


def test_toxic_needs_its_basis_and_oel() -> None:
    with pytest.raises(SetPointRefused, match="依据"):
        check_set_points(Detector.TOXIC, 1, 2, oel=10)
    with pytest.raises(SetPointRefused, match="OEL"):
        check_set_points(Detector.TOXIC, 1, 2, basis=Basis.MAC)


def test_toxic_on_idlh_only_when_the_range_cannot_reach_the_oel() -> None:
    # Phosgene: MAC 0.5, IDLH 8 → 5 % = 0.4, 10 % = 0.8; a detector reading up to 0.3.
    ok = check_set_points(
        Detector.TOXIC, "0.4", "0.8", basis=Basis.IDLH, oel="0.5", idlh=8, range_max="0.3"
    )
    assert (ok.limit1, ok.limit2) == (Decimal("0.4"), Decimal("0.8"))
    check_set_points(
        Detector.TOXIC,
        Decimal("0.4") - JUST,
        "0.8",
        basis=Basis.IDLH,
        oel="0.5",
        idlh=8,
        range_max="0.3",
    )
    with pytest.raises(SetPointRefused, match="IDLH"):
        check_set_points(
            Detector.TOXIC,
            Decimal("0.4") + JUST,
            "0.8",
            basis=Basis.IDLH,
            oel="0.5",
            idlh=8,
            range_max="0.3",
        )
    with pytest.raises(SetPointRefused, match="IDLH"):
        check_set_points(
            Detector.TOXIC,
            "0.4",
            Decimal("0.8") + JUST,
            basis=Basis.IDLH,
            oel="0.5",
            idlh=8,
            range_max="0.3",
        )
    # The range reaches the OEL (at it, or beyond): IDLH is not allowed.
    with pytest.raises(SetPointRefused, match="量程不能满足"):
        check_set_points(
            Detector.TOXIC, "0.4", "0.8", basis=Basis.IDLH, oel="0.5", idlh=8, range_max="0.5"
        )
    with pytest.raises(SetPointRefused, match="须给出IDLH"):
        check_set_points(Detector.TOXIC, "0.1", "0.2", basis=Basis.IDLH, oel="0.5", range_max=0)
    # A range below the OEL with an OEL basis must move to IDLH.
    with pytest.raises(SetPointRefused, match="应按IDLH"):
        check_set_points(
            Detector.TOXIC,
            "0.1",
            "0.2",
            basis=Basis.MAC,
            oel="0.5",
            range_max=Decimal("0.5") - JUST,
        )
    check_set_points(Detector.TOXIC, "0.1", "0.2", basis=Basis.MAC, oel="0.5", range_max="0.5")


def test_oxygen_over_and_deficiency_points() -> None:
    ok = check_set_points(Detector.OXYGEN, "23.5", "19.5")
    assert (ok.limit1, ok.limit2, ok.unit) == (Decimal("23.5"), Decimal("19.5"), "%VOL")
    check_set_points(Detector.OXYGEN, Decimal("23.5") - JUST, Decimal("19.5") + JUST)
    with pytest.raises(SetPointRefused, match="过氧.*23.5"):
        check_set_points(Detector.OXYGEN, Decimal("23.5") + JUST, "19.5")
    with pytest.raises(SetPointRefused, match="欠氧.*19.5"):
        check_set_points(Detector.OXYGEN, "23.5", Decimal("19.5") - JUST)
    with pytest.raises(SetPointRefused, match="须高于"):
        check_set_points(Detector.OXYGEN, "20", "20")


def test_bad_numbers_are_value_errors() -> None:
    with pytest.raises(ValueError, match="不是数值"):
        check_set_points(Detector.COMBUSTIBLE, "abc", 50)
    with pytest.raises(ValueError, match="负数"):
        check_set_points(Detector.COMBUSTIBLE, -1, 50)
