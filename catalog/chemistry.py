"""Formula arithmetic for the elemental fractions in ``data/forms.yaml``.

A formula is written the way the knowledge base writes it, with "." (or "·") for the hydrate
or adduct dot and an optional leading count on each dot-separated part:

    MgO    Mg3(C6H5O7)2.9H2O    4MgCO3.Mg(OH)2.4H2O    MgC4H5NO4.HCl.3H2O

Pure functions, no I/O. Atomic weights are passed in as ``{symbol: weight}``; when they are
not, the catalog's own table (``data/elements.yaml``) is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from catalog.knowledge import knowledge

__all__ = [
    "atomic_weights",
    "element_counts",
    "mass_fraction",
    "molar_mass",
    "parse_formula",
]

# Every element symbol, so a typo ("Mq") is told apart from an element we hold no weight for.
_PERIODIC_TABLE = """
    H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As
    Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd
    Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am
    Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og
"""
_SYMBOLS = frozenset(_PERIODIC_TABLE.split())
_OPEN = {"(": ")", "[": "]"}
_CLOSE = {")": "(", "]": "["}
_TOKEN = re.compile(r"[A-Z][a-z]?|\d+|[()\[\]]|.", re.DOTALL)
_LEADING_COUNT = re.compile(r"^(\d+)(?=[A-Z(\[])")

Counts = dict[str, int]


def parse_formula(formula: str) -> Counts:
    """Element counts of a formula: ``"Mg3(C6H5O7)2.9H2O"`` -> ``{"Mg": 3, "C": 12, ...}``.

    Raises ValueError, naming the formula and the problem, for an empty formula or part,
    unbalanced or mismatched brackets, a stray character or an unknown element symbol.
    """
    text = formula.strip().replace("·", ".").replace("•", ".")
    if not text:
        raise ValueError("empty formula")
    total: Counts = {}
    for part in text.split("."):
        part = part.strip()
        if not part:
            raise ValueError(f"empty part in formula {formula!r}")
        multiplier = 1
        lead = _LEADING_COUNT.match(part)
        if lead:
            multiplier = int(lead.group(1))
            part = part[lead.end() :]
        for symbol, count in _parse_part(part, formula).items():
            total[symbol] = total.get(symbol, 0) + count * multiplier
    return total


def _parse_part(part: str, formula: str) -> Counts:
    tokens = _TOKEN.findall(part)
    stack: list[tuple[str, Counts]] = [("", {})]
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        counted = i < len(tokens) and tokens[i].isdigit()
        count = int(tokens[i]) if counted else 1
        i += 1 if counted else 0
        if token in _OPEN:
            if counted:
                raise ValueError(f"a count cannot follow {token!r} in formula {formula!r}")
            stack.append((token, {}))
        elif token in _CLOSE:
            if len(stack) == 1:
                raise ValueError(f"unbalanced {token!r} in formula {formula!r}")
            opener, group = stack.pop()
            if opener != _CLOSE[token]:
                raise ValueError(f"mismatched {opener!r} and {token!r} in formula {formula!r}")
            if not group:
                raise ValueError(f"empty brackets in formula {formula!r}")
            _add(stack[-1][1], group, count)
        elif token.isdigit():
            raise ValueError(f"misplaced number {token!r} in formula {formula!r}")
        elif token[0].isupper():
            if token not in _SYMBOLS:
                raise ValueError(f"unknown element {token!r} in formula {formula!r}")
            _add(stack[-1][1], {token: 1}, count)
        else:
            raise ValueError(f"unexpected character {token!r} in formula {formula!r}")
        if count == 0:
            raise ValueError(f"zero count in formula {formula!r}")
    if len(stack) > 1:
        raise ValueError(f"unbalanced {stack[-1][0]!r} in formula {formula!r}")
    if not stack[0][1]:
        raise ValueError(f"no elements in formula {formula!r}")
    return stack[0][1]


def _add(into: Counts, counts: Mapping[str, int], times: int) -> None:
    for symbol, n in counts.items():
        into[symbol] = into.get(symbol, 0) + n * times


def atomic_weights() -> dict[str, float]:
    """The catalog's atomic weights, ``{symbol: weight}`` (IUPAC abridged values), read from
    ``data/elements.yaml`` when the catalog is first loaded."""
    return {a.symbol: a.weight for a in knowledge().atomic_weights}


def element_counts(formula: str | Mapping[str, int]) -> Counts:
    """Counts of a formula string, or a copy of counts already parsed."""
    return parse_formula(formula) if isinstance(formula, str) else dict(formula)


def molar_mass(
    formula: str | Mapping[str, int], weights: Mapping[str, float] | None = None
) -> float:
    """Molar mass in g/mol. Raises ValueError for an element with no atomic weight."""
    table = atomic_weights() if weights is None else weights
    counts = element_counts(formula)
    missing = sorted(s for s in counts if s not in table)
    if missing:
        raise ValueError(f"no atomic weight for {', '.join(missing)}")
    return sum(table[s] * n for s, n in counts.items())


def mass_fraction(
    formula: str | Mapping[str, int],
    element: str,
    weights: Mapping[str, float] | None = None,
) -> float:
    """Mass fraction (0..1) of `element` in the formula: ``("MgO", "Mg")`` -> 0.6030...

    An element absent from the formula gives 0.0; an unknown symbol raises ValueError.
    """
    if element not in _SYMBOLS:
        raise ValueError(f"unknown element {element!r}")
    table = atomic_weights() if weights is None else weights
    counts = element_counts(formula)
    if element not in counts:
        return 0.0
    return table[element] * counts[element] / molar_mass(counts, table)
