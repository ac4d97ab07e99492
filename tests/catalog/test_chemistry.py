"""The formula parser and mass arithmetic behind every elemental fraction in the catalog,
checked against the molar masses and percentages printed in ../shared/domain/knowledge.md."""

from __future__ import annotations

import math

import pytest

from catalog.chemistry import atomic_weights, mass_fraction, molar_mass, parse_formula

# IUPAC abridged standard atomic weights, as in ../shared/domain/compute_fractions.py.
AW = {
    "H": 1.008,
    "C": 12.011,
    "N": 14.007,
    "O": 15.999,
    "Mg": 24.305,
    "S": 32.06,
    "Cl": 35.45,
    "Ca": 40.078,
    "Fe": 55.845,
    "Zn": 65.38,
    "K": 39.098,
    "P": 30.974,
    "Na": 22.990,
    "I": 126.904,
}

# (formula, element, MW in g/mol or None where knowledge.md prints none, % element) from
# knowledge.md §1a and §2.
PUBLISHED: list[tuple[str, str, float | None, float]] = [
    ("MgO", "Mg", 40.30, 60.30),
    ("Mg(OH)2", "Mg", 58.32, 41.68),
    ("MgCO3", "Mg", 84.31, 28.83),
    ("4MgCO3.Mg(OH)2.4H2O", "Mg", 467.63, 25.99),
    ("MgCl2", "Mg", 95.21, 25.53),
    ("MgCl2.6H2O", "Mg", 203.30, 11.96),
    ("MgSO4.7H2O", "Mg", 246.47, 9.86),
    ("Mg3(C6H5O7)2", "Mg", 451.11, 16.16),
    ("Mg3(C6H5O7)2.9H2O", "Mg", 613.25, 11.89),
    ("Mg3(C6H5O7)2.14H2O", "Mg", 703.32, 10.37),
    ("MgC6H6O7", "Mg", 214.41, 11.34),
    ("Mg(C2H4NO2)2", "Mg", 172.42, 14.10),
    ("Mg(C2H4NO2)2.2H2O", "Mg", 208.45, 11.66),
    ("Mg(C2H4NO2)(C6H13N2O2)", "Mg", 243.55, 9.98),
    ("Mg2(C4H3O5)(OH)", "Mg", 196.68, 24.72),
    ("Mg(C2H6NO3S)2", "Mg", 272.57, 8.92),
    ("Mg(C4H7O5)2", "Mg", 294.50, 8.25),
    ("Mg(C3H5O3)2", "Mg", 202.44, 12.01),
    ("Mg(C4H6NO4)2.2H2O", "Mg", 324.53, 7.49),
    ("MgC4H5NO4.HCl.3H2O", "Mg", 245.89, 9.88),
    ("Mg(C5H3N2O4)2.2H2O", "Mg", 370.51, 6.56),
    ("Mg(C6H11O7)2", "Mg", 414.60, 5.86),
    ("Mg(C5H6NO3)2", "Mg", 280.52, 8.66),
    ("Mg(C4H8NO4S)2", "Mg", 356.65, 6.81),
    ("CaCO3", "Ca", None, 40.04),
    ("Ca3(C6H5O7)2.4H2O", "Ca", None, 21.08),
    ("Ca10(PO4)6(OH)2", "Ca", None, 39.89),
    ("FeSO4.7H2O", "Fe", None, 20.09),
    ("FeC4H2O4", "Fe", None, 32.87),
    ("Zn3(C6H5O7)2.2H2O", "Zn", None, 32.13),
    ("ZnO", "Zn", None, 80.34),
    ("K3C6H5O7.H2O", "K", None, 36.16),
    ("KI", "I", None, 76.45),
    ("KI", "K", None, 23.55),
]


@pytest.mark.parametrize(
    ("formula", "element", "mw", "percent"), PUBLISHED, ids=[f"{r[0]}-{r[1]}" for r in PUBLISHED]
)
def test_matches_knowledge_base(
    formula: str, element: str, mw: float | None, percent: float
) -> None:
    if mw is not None:
        assert molar_mass(formula, AW) == pytest.approx(mw, abs=0.006)
    assert 100 * mass_fraction(formula, element, AW) == pytest.approx(percent, abs=0.006)


@pytest.mark.parametrize(
    ("formula", "counts"),
    [
        ("MgO", {"Mg": 1, "O": 1}),
        ("Mg3(C6H5O7)2.9H2O", {"Mg": 3, "C": 12, "H": 28, "O": 23}),
        ("4MgCO3.Mg(OH)2.4H2O", {"Mg": 5, "C": 4, "O": 18, "H": 10}),
        ("Mg5(CO3)4(OH)2.4H2O", {"Mg": 5, "C": 4, "O": 18, "H": 10}),
        ("MgC4H5NO4.HCl.3H2O", {"Mg": 1, "C": 4, "H": 12, "N": 1, "O": 7, "Cl": 1}),
        ("Ca(C6H11O7)2.H2O", {"Ca": 1, "C": 12, "H": 24, "O": 15}),
        ("Fe4(P2O7)3", {"Fe": 4, "P": 6, "O": 21}),
        ("MgCl2·6H2O", {"Mg": 1, "Cl": 2, "H": 12, "O": 6}),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
        (" Fe ", {"Fe": 1}),
    ],
)
def test_parse_formula_counts(formula: str, counts: dict[str, int]) -> None:
    assert parse_formula(formula) == counts


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("Mg(OH2", r"unbalanced '\('"),
        ("MgOH)2", r"unbalanced '\)'"),
        ("Mg3(C6H5O7)2)", r"unbalanced '\)'"),
        ("Mg[OH)2", r"mismatched '\[' and '\)'"),
        ("Xx2O", r"unknown element 'Xx'"),
        ("MgQ", r"unknown element 'Q'"),
        ("mgO", r"unexpected character 'm'"),
        ("Mg O", r"unexpected character ' '"),
        ("Mg-O", r"unexpected character '-'"),
        ("", r"empty formula"),
        ("   ", r"empty formula"),
        ("Mg..O", r"empty part"),
        ("MgCl2.", r"empty part"),
        ("Mg()2", r"empty brackets"),
        ("Mg(2OH)", r"a count cannot follow '\('"),
        ("2", r"misplaced number '2'"),
        ("Mg0", r"zero count"),
    ],
)
def test_malformed_formula_raises(formula: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_formula(formula)


def test_error_names_the_formula() -> None:
    with pytest.raises(ValueError, match=r"in formula 'Mg\(C2H4NO2\)2\.2H2O\)'"):
        parse_formula("Mg(C2H4NO2)2.2H2O)")


def test_missing_atomic_weight_is_reported() -> None:
    with pytest.raises(ValueError, match="no atomic weight for Se"):
        molar_mass("Na2SeO3", AW)


def test_fraction_of_an_absent_element_is_zero() -> None:
    assert mass_fraction("MgO", "Ca", AW) == 0.0


def test_fraction_of_an_unknown_symbol_raises() -> None:
    with pytest.raises(ValueError, match="unknown element 'Mq'"):
        mass_fraction("MgO", "Mq", AW)


def test_accepts_parsed_counts() -> None:
    counts = parse_formula("MgCl2.6H2O")
    assert mass_fraction(counts, "Mg", AW) == mass_fraction("MgCl2.6H2O", "Mg", AW)
    assert molar_mass(counts, AW) == molar_mass("MgCl2.6H2O", AW)


@pytest.mark.parametrize("formula", ["Mg3(C6H5O7)2.9H2O", "4MgCO3.Mg(OH)2.4H2O", "KI"])
def test_fractions_sum_to_one(formula: str) -> None:
    total = sum(mass_fraction(formula, symbol, AW) for symbol in parse_formula(formula))
    assert math.isclose(total, 1.0, rel_tol=1e-12)


def test_default_weights_are_the_catalogs() -> None:
    assert atomic_weights() == AW
    assert molar_mass("Mg3(C6H5O7)2") == molar_mass("Mg3(C6H5O7)2", AW)
    assert mass_fraction("MgO", "Mg") == mass_fraction("MgO", "Mg", AW)
