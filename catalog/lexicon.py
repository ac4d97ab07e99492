"""Look-ups over the catalog: nutrient names, mineral forms, marks and co-ingredients.

Built once from `knowledge()` into dictionaries and compiled patterns, because the parser
calls these for every row (batch scoring runs millions of rows).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from catalog.knowledge import CoIngredient, Form, Knowledge, Nutrient, knowledge
from catalog.text import normalize

# Endings that mark a chemical compound name, so an unknown one is still reported as a form
# ("magnesium fooate" -> magnesium_unknown) while a plant source ("from palm fruit") is not.
_COMPOUND_ENDINGS = re.compile(r"\b\w+(?:ate|ide|ite)\b|\bchelate\b|\bcomplex\b|\bsalt\b")
# Nutrients that are anions: in "zinc chloride" the mineral is zinc.
_ANION_MINERALS = frozenset({"chloride"})
# Words that may stand beside "chelate" without naming a ligand.
_CHELATE_FILLERS = frozenset(
    {"fully", "reacted", "buffered", "chelated", "chelate", "complex", "traacs", "albion",
     "amino", "acid", "acids", "as", "from", "and", "with", "of", "the", "bis", "di", "tri"}
)  # fmt: skip
_FUZZY_MIN_LENGTH = 6
_FUZZY_CUTOFF = 90.0
# Glyphs OCR engines take for one another: a name that matches a nutrient's once these are
# made one ("Sodlum", "Calclum", "lron", "Magnesiurn") is that nutrient, however short, where
# an edit-distance cutoff would have to be loose enough to confuse two names.
_CONFUSABLE = (("rn", "m"), ("vv", "w"), ("l", "i"), ("1", "i"), ("|", "i"), ("0", "o"))
_GLYPH_MIN_LENGTH = 4
# The fewest letters of a name's end that name its nutrient ("esium", "iories").
_ENDING_MIN_LENGTH = 5
# The shortest name compared for resemblance ("Znc").
_RESEMBLANCE_MIN_LENGTH = 3
# In a compound's name a blurred "o" also reads as "a" ("magnesium axide"): no two salts or
# forms of the catalog differ by that alone (checked when the look-ups are built).
_FORM_CONFUSABLE = (("a", "o"),)
# A closing bracket read as a letter after a compound's ending: "(as zinc gluconatej".
_BRACKET_READ_AS_LETTER = re.compile(r"(?<=ate|ide|ite)[jl1|]\b")


def glyph_key(key: str) -> str:
    """A normalised name with OCR-confusable glyphs made one."""
    for seen, meant in _CONFUSABLE:
        key = key.replace(seen, meant)
    return key


def form_glyph_key(key: str) -> str:
    """A normalised form text with the glyphs OCR confuses in compound names made one."""
    key = glyph_key(_BRACKET_READ_AS_LETTER.sub("", key))
    for seen, meant in _FORM_CONFUSABLE:
        key = key.replace(seen, meant)
    return key


def _unambiguous(table: dict[str, str], keyed: Callable[[str], str]) -> dict[str, str]:
    """`table` re-keyed by `keyed`, leaving out keys two different values would share."""
    values: dict[str, set[str]] = {}
    for key, value in table.items():
        values.setdefault(keyed(key), set()).add(value)
    return {k: next(iter(v)) for k, v in values.items() if len(v) == 1}


def _alternation(phrases: Iterable[str]) -> re.Pattern[str]:
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")  # matches nothing
    body = "|".join(re.escape(p) for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _longest(pattern: re.Pattern[str], text: str) -> str | None:
    best: str | None = None
    for m in pattern.finditer(text):
        if best is None or len(m.group(0)) > len(best):
            best = m.group(0)
    return best


@dataclass(frozen=True, slots=True)
class FormMatch:
    form_id: str | None  # None: the text names no chemical form (a plant source, a brand)
    flags: tuple[str, ...] = ()


class Lexicon:
    def __init__(self, k: Knowledge) -> None:
        self.k = k
        self.forms: dict[str, Form] = {f.id: f for f in k.forms}
        self.nutrients: dict[str, Nutrient] = {n.id: n for n in k.nutrients}
        self._nutrient_by_name: dict[str, str] = {}
        for n in k.nutrients:
            for name in [n.name, n.id.replace("_", " "), *n.synonyms]:
                self._nutrient_by_name.setdefault(normalize(name), n.id)
        self._nutrient_names = list(self._nutrient_by_name)
        # Every name as the camera's confusable glyphs key it, with its nutrient (names that
        # two nutrients share once keyed stay: resemblance and endings weigh them all).
        self._glyph_names = [(glyph_key(k), n) for k, n in self._nutrient_by_name.items()]
        # Names two nutrients share once confusable glyphs are one are no evidence of either.
        self._nutrient_by_glyphs = _unambiguous(self._nutrient_by_name, glyph_key)

        # Words that name a mineral inside a compound ("ferrous", "cupric", "mag").
        self.mineral_words: dict[str, str] = {}
        for n in k.nutrients:
            if n.kind == "mineral":
                for w in [*n.compound_words, *n.synonyms, n.name]:
                    self.mineral_words.setdefault(normalize(w), n.id)
        self._mineral_words = _alternation(self.mineral_words)

        # Per mineral: phrase -> form id, both as printed ("magnesium oxide") and with the
        # mineral words taken out ("oxide"), so "magnesium oxide, citrate" finds both parts.
        self._form_phrases: dict[str, dict[str, str]] = {}
        for f in k.forms:
            table = self._form_phrases.setdefault(f.mineral, {})
            for syn in [*f.synonyms, *f.brands]:
                key = normalize(syn)
                table.setdefault(key, f.id)
                reduced = self.strip_mineral_words(key)
                if reduced and reduced != key:
                    table.setdefault(reduced, f.id)
        self._form_patterns = {m: _alternation(t) for m, t in self._form_phrases.items()}
        # Every full synonym of every form, to recognise a row named by its salt.
        self._all_forms: dict[str, str] = {normalize(s): f.id for f in k.forms for s in f.synonyms}
        self._all_forms_pattern = _alternation(self._all_forms)

        self._salt_by_word = {normalize(w): s.id for s in k.salts for w in s.words}
        self._salt_pattern = _alternation(self._salt_by_word)
        # The same look-ups for form text misread by OCR ("potassium lodide", "chioride").
        self._form_phrases_by_glyphs = {
            m: _unambiguous(t, form_glyph_key) for m, t in self._form_phrases.items()
        }
        self._form_glyph_patterns = {
            m: _alternation(t) for m, t in self._form_phrases_by_glyphs.items()
        }
        self._salt_by_glyphs = _unambiguous(self._salt_by_word, form_glyph_key)
        self._salt_glyph_pattern = _alternation(self._salt_by_glyphs)
        self._all_forms_by_glyphs = _unambiguous(self._all_forms, form_glyph_key)
        self._all_forms_glyph_pattern = _alternation(self._all_forms_by_glyphs)
        self._mineral_by_glyphs = _unambiguous(self.mineral_words, form_glyph_key)
        self._mineral_glyph_pattern = _alternation(self._mineral_by_glyphs)

        self.mark_patterns = [
            (m, [re.compile(p, re.IGNORECASE) for p in m.patterns]) for m in k.marks
        ]
        self.lookalike_patterns = [
            re.compile(p, re.IGNORECASE) for la in k.lookalikes for p in la.patterns
        ]
        self.coingredients: dict[str, CoIngredient] = {c.id: c for c in k.coingredients}
        self._coingredient_by_name = {
            normalize(n): c.id for c in k.coingredients for n in [c.name, *c.names]
        }
        self._coingredient_pattern = _alternation(self._coingredient_by_name)

    # -- nutrients -------------------------------------------------------------------------

    def nutrient_id(self, name: str, fuzzy: bool = False) -> str | None:
        """The nutrient a printed row name refers to, or None for other ingredients."""
        return _nutrient_id(self, normalize(name), fuzzy)

    def _nutrient_lookup(self, key: str, fuzzy: bool) -> str | None:
        found = self._nutrient_by_name.get(key)
        if found or not fuzzy or len(key) < _GLYPH_MIN_LENGTH:
            return found
        found = self._nutrient_by_glyphs.get(glyph_key(key))
        if found or len(key) < _FUZZY_MIN_LENGTH:
            return found
        # Only for OCR output: "Magnesiurn" is magnesium; botanicals simply find nothing.
        hit = process.extractOne(
            key, self._nutrient_names, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        return self._nutrient_by_name[hit[0]] if hit else None

    def resemblance(self, name: str) -> dict[str, float]:
        """How closely a printed name resembles each nutrient's names (0-100, the best of its
        names): as a whole, or, for a name whose left end the camera lost ("amin C",
        "esium"), as the end of the nutrient's name. Weak evidence alone; the caller needs
        more (a %DV that fits the nutrient) before taking it."""
        key = glyph_key(normalize(name))
        scores: dict[str, float] = {}
        if len(key) < _RESEMBLANCE_MIN_LENGTH:
            return scores
        for known, nutrient in self._glyph_names:
            score = fuzz.ratio(key, known)
            if len(key) >= _GLYPH_MIN_LENGTH:
                score = max(score, fuzz.ratio(key, known[-len(key) :]))
            scores[nutrient] = max(score, scores.get(nutrient, 0.0))
        return scores

    def ending_of(self, name: str) -> str | None:
        """The nutrient whose name a printed name is the end of, cut inside a word ("esium",
        "iories", "amin C": the camera lost the left end on a curved or tilted label); None
        unless exactly one nutrient's name ends so, the printed name has at least
        _ENDING_MIN_LENGTH letters, and it starts in lowercase, as a word cut in two does (a
        printed name starts with a capital: "Unsaturated Fat" is no cut "Monounsaturated
        Fat")."""
        key = glyph_key(normalize(name))
        if sum(c.isalpha() for c in key) < _ENDING_MIN_LENGTH or not name[:1].islower():
            return None
        found = {
            nutrient
            for known, nutrient in self._glyph_names
            if known.endswith(key) and len(known) > len(key) and known[-len(key) - 1].isalpha()
        }
        return found.pop() if len(found) == 1 else None

    def whole_coingredient_word(self, name: str) -> str | None:
        """The name with its first word made whole when that word is the end of the first word
        of a co-ingredient's name, cut by the camera like a nutrient's (`ending_of`): "atonin"
        is Melatonin, "gandha root extract" Ashwagandha root extract. None unless exactly one
        such word ends so, the cut part has at least _ENDING_MIN_LENGTH letters and the name
        starts in lowercase."""
        first, _, rest = name.partition(" ")
        cut = first.lower()
        if len(cut) < _ENDING_MIN_LENGTH or not cut.isalpha() or not name[:1].islower():
            return None
        whole = {
            word
            for known in self._coingredient_by_name
            for word in known.split()[:1]
            if word.endswith(cut) and len(word) > len(cut)
        }
        if len(whole) != 1:
            return None
        return f"{whole.pop().capitalize()} {rest}".strip()

    def is_mineral(self, nutrient_id: str | None) -> bool:
        return nutrient_id is not None and self.nutrients[nutrient_id].kind == "mineral"

    # -- forms -----------------------------------------------------------------------------

    def strip_mineral_words(self, text: str) -> str:
        return " ".join(self._mineral_words.sub(" ", text).split())

    def minerals_in(self, text: str) -> list[str]:
        """Every mineral a text names, in order ("calcium carbonate, magnesium hydroxide")."""
        found: list[str] = []
        for m in self._mineral_words.finditer(normalize(text)):
            mineral = self.mineral_words[m.group(0)]
            if mineral not in found:
                found.append(mineral)
        return found

    def mineral_in(self, text: str) -> str | None:
        """The mineral a compound name mentions ("ferrous fumarate" -> iron). Compounds name
        the cation first ("zinc chloride" is zinc, not chloride), so the first mineral word
        wins, and chloride only counts when it is the only one."""
        found = self.minerals_in(text)
        cations = [m for m in found if m not in _ANION_MINERALS]
        ranked = cations or found
        return ranked[0] if ranked else None

    def match_form(self, mineral: str, text: str) -> FormMatch:
        """The form id for one printed form ("TRAACS® magnesium bisglycinate chelate")."""
        return _match_form(self, mineral, normalize(text))

    def _match_form(self, mineral: str, key: str) -> FormMatch:
        flags = ("buffered",) if "buffered" in key else ()
        pattern = self._form_patterns.get(mineral)
        phrase = _longest(pattern, key) if pattern else None
        if phrase:
            form_id = self._form_phrases[mineral][phrase]
            if not self._names_other_ligand(form_id, key, phrase):
                return FormMatch(form_id, flags)
        salt = _longest(self._salt_pattern, key)
        if salt:
            salt_id = self._salt_by_word[salt]
            if not self._names_other_ligand(salt_id, key, salt):
                return FormMatch(f"{mineral}_{salt_id}", flags)
        misread = self._match_misread_form(mineral, key)
        if misread:
            return FormMatch(misread, (*flags, "form_corrected"))
        names_mineral = self.mineral_in(key) == mineral
        if names_mineral or _COMPOUND_ENDINGS.search(key):
            return FormMatch(f"{mineral}_unknown", flags)
        return FormMatch(None, flags)

    def _match_misread_form(self, mineral: str, key: str) -> str | None:
        """The form a text names once OCR-confusable glyphs are made one, or None. Only a
        whole form phrase or salt word counts, and only one no other form shares."""
        glyphs = form_glyph_key(key)
        pattern = self._form_glyph_patterns.get(mineral)
        phrase = _longest(pattern, glyphs) if pattern else None
        if phrase:
            form_id = self._form_phrases_by_glyphs[mineral][phrase]
            if not self._names_other_ligand(form_id, glyphs, phrase):
                return form_id
        salt = _longest(self._salt_glyph_pattern, glyphs)
        if salt and not self._names_other_ligand(self._salt_by_glyphs[salt], glyphs, salt):
            return f"{mineral}_{self._salt_by_glyphs[salt]}"
        return None

    def _names_other_ligand(self, form_id: str, key: str, phrase: str) -> bool:
        """ "Chelate" means an amino acid chelate only when no other ligand is named:
        "magnesium creatine chelate" is a chelate of something the catalog does not know."""
        if not form_id.endswith("amino_acid_chelate"):
            return False
        rest = self.strip_mineral_words(key.replace(phrase, " ")).replace("-", " ").split()
        return any(word not in _CHELATE_FILLERS for word in rest)

    def salt_named(self, name: str) -> tuple[str, str] | None:
        """(mineral, form id) when a row is named by a compound ("Magnesium Glycinate",
        "Zinc Gluconate", "Milk of Magnesia"), else None."""
        return _salt_named(self, normalize(name))

    def _salt_named(self, key: str) -> tuple[str, str] | None:
        return self._salt_named_exactly(key) or self._salt_named_misread(key)

    def _salt_named_exactly(self, key: str) -> tuple[str, str] | None:
        phrase = _longest(self._all_forms_pattern, key)
        if phrase:
            form = self.forms[self._all_forms[phrase]]
            return form.mineral, form.id
        mineral = self.mineral_in(key)
        if mineral is None or mineral == key or self.nutrient_id(key) is not None:
            return None
        salt = _longest(self._salt_pattern, self.strip_mineral_words(key))
        return (mineral, f"{mineral}_{self._salt_by_word[salt]}") if salt else None

    def _salt_named_misread(self, key: str) -> tuple[str, str] | None:
        """`_salt_named` once OCR-confusable glyphs are made one ("Magneslum Oxide", "Magnesium
        Axide"): both the mineral and the salt must be whole words of the catalog."""
        glyphs = form_glyph_key(key)
        phrase = _longest(self._all_forms_glyph_pattern, glyphs)
        if phrase:
            form = self.forms[self._all_forms_by_glyphs[phrase]]
            found = form.mineral, form.id
        else:
            word = _longest(self._mineral_glyph_pattern, glyphs)
            salt = _longest(self._salt_glyph_pattern, glyphs) if word else None
            if word is None or salt is None or word == glyphs:
                return None
            mineral = self._mineral_by_glyphs[word]
            found = mineral, f"{mineral}_{self._salt_by_glyphs[salt]}"
        # A nutrient's own name misread is that nutrient, not a salt (checked last: costly).
        return None if self.nutrient_id(key, fuzzy=True) is not None else found

    # -- co-ingredients --------------------------------------------------------------------

    def coingredient_ids(self, text: str) -> tuple[str, ...]:
        """Ids of flagged co-ingredients named in the text, in order of appearance: a shared
        tuple, cached on the text as given (every row of a batch asks once)."""
        return _coingredient_ids(self, text)

    def _coingredients_in(self, key: str) -> tuple[str, ...]:
        found: list[str] = []
        for m in self._coingredient_pattern.finditer(key):
            cid = self._coingredient_by_name[m.group(0)]
            if cid not in found:
                found.append(cid)
        return tuple(found)


# Module-level caches keyed on normalised text: labels repeat the same names endlessly.
@functools.lru_cache(maxsize=65536)
def _nutrient_id(lex: Lexicon, key: str, fuzzy: bool) -> str | None:
    return lex._nutrient_lookup(key, fuzzy)


@functools.lru_cache(maxsize=65536)
def _match_form(lex: Lexicon, mineral: str, key: str) -> FormMatch:
    return lex._match_form(mineral, key)


@functools.lru_cache(maxsize=65536)
def _salt_named(lex: Lexicon, key: str) -> tuple[str, str] | None:
    return lex._salt_named(key)


@functools.lru_cache(maxsize=65536)
def _coingredients_in(lex: Lexicon, key: str) -> tuple[str, ...]:
    return lex._coingredients_in(key)


@functools.lru_cache(maxsize=65536)
def _coingredient_ids(lex: Lexicon, text: str) -> tuple[str, ...]:
    return _coingredients_in(lex, normalize(text))


@functools.cache
def lexicon() -> Lexicon:
    return Lexicon(knowledge())
