"""Fields recognised by kind in a label's text and codes, with the brand registry's help.

Without a checklist the rules are generic (a code-like word, the word after "MADE IN", ...): that
is the baseline the benchmark compares with. With one, the registry's codes and patterns pick the
right word, and correct look-alike characters (O/0, I/1, S/5, B/8, Z/2, G/6) only when exactly
one correction gives a code the registry lists or a value its pattern accepts.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from inspector.domain.checklist import Checklist, gtin_valid, normalise_code
from inspector.domain.patterns import full_match
from inspector.reading.codes import retail_number
from inspector.reading.model import Code, Field, TextLine

# A recogniser confuses a letter with a digit of the same shape; each character may be itself or
# its look-alike of the other sort (so a letter never turns into another letter).
_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2", "G": "6"}
_TO_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
LOOKALIKES = {c: c + other for c, other in (_TO_DIGIT | _TO_LETTER).items()}
MAX_VARIANTS = 4096

# Manufacturing countries a label may name, for reading without a registry.
COUNTRIES = ("Bangladesh", "Brazil", "Cambodia", "Canada", "China", "France", "Germany", "India",
             "Indonesia", "Italy", "Japan", "Korea", "Mexico", "Myanmar", "Pakistan", "Portugal",
             "Romania", "Spain", "Sri Lanka", "Switzerland", "Taiwan", "Thailand", "Tunisia",
             "Turkey", "United Kingdom", "USA", "Vietnam")
_MADE_IN = re.compile(r"(?:MADE\s*IN|FABRIQU[EÉ]\s*EN|HECHO\s*EN|FATTO\s*IN)\s*[:.]?\s*(.+)", re.I)
_SWISS_MADE = re.compile(r"SWISS\s*MADE", re.I)
_US_SIZE = re.compile(r"\bUS\s*M?\s*(\d{1,2}(?:[.,]5)?)(?!\d)", re.I)
_APPAREL_SIZE = re.compile(r"\b(?:SIZE|TAILLE|TALLA)\s*[:.]?\s*(XXS|XS|S|M|L|XL|XXL|XXXL|\d{1,2})\b", re.I)
_SERIAL_WORD = re.compile(r"^(?:SERIAL|SER|S/N|SN|NO|N°|#)[:.]?$", re.I)
_LEAD_WORD = re.compile(r"^(?:STYLE|ART|ARTICLE|REF|MODEL|CODE|SERIAL|S/N|NO)[:.#]*", re.I)
_GENERIC_CODE = re.compile(r"(?=[A-Z0-9-]*\d)[A-Z0-9]{2,}(?:-[A-Z0-9]{2,})*")


@dataclass(frozen=True)
class Token:
    text: str  # upper case, stripped of a leading keyword
    line: TextLine
    start: int
    end: int
    after_serial_word: bool = False

    def field(self, kind: str, value: str, corrected: bool = False) -> Field:
        box = self.line.box.part(self.start, self.end, len(self.line.text))
        return Field(kind, value, box, round(self.line.confidence, 3), "text", self.text,
                     corrected)


def tokens(lines: Sequence[TextLine]) -> Iterator[Token]:
    """Each word of each line, and each pair of neighbouring words joined (OCR splits codes)."""
    for line in lines:
        words = [(m.start(), m.end(), m.group()) for m in re.finditer(r"\S+", line.text)]
        for index, (start, end, word) in enumerate(words):
            previous = words[index - 1][2] if index else ""
            serial_word = bool(_SERIAL_WORD.match(previous))
            text = word.upper().strip(".,;:")
            stripped = _LEAD_WORD.sub("", text) if len(text) > 6 else text
            yield Token(stripped or text, line, start, end, serial_word)
            if index + 1 < len(words):
                nxt = words[index + 1]
                yield Token((text + nxt[2].upper()).strip(".,;:"), line, start, nxt[1], serial_word)


def variants(text: str) -> Iterable[str]:
    """Every spelling of `text` with look-alike characters swapped (all of them if more than
    MAX_VARIANTS would be: then only `text`)."""
    choices = [LOOKALIKES.get(c, c) for c in text]
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_VARIANTS:
        return [text]
    return ("".join(chars) for chars in itertools.product(*choices))


def lookalike(read: str, code: str) -> bool:
    """`read` could be `code` misread: same length, each character equal or a look-alike."""
    return len(read) == len(code) and all(
        a == b or b in LOOKALIKES.get(a, "") for a, b in zip(read, code, strict=True))


def by_pattern(text: str, patterns: Sequence[str]) -> str | None:
    """`text` if a pattern accepts it, else its only look-alike spelling a pattern accepts."""
    if any(full_match(p, text) for p in patterns):
        return text
    accepted = {v for v in variants(text) if any(full_match(p, v) for p in patterns)}
    return accepted.pop() if len(accepted) == 1 else None


# --- style codes ----------------------------------------------------------------------------

def style_code(lines: Sequence[TextLine], checklist: Checklist | None) -> tuple[Field, int] | None:
    """The style code and how sure the registry makes it (3 listed, 2 corrected to listed, 1 pattern)."""
    best: tuple[int, float, Field] | None = None
    seen: set[str] = set()
    for token in tokens(lines):
        found = _style_candidate(token, checklist)
        if found is None:
            continue
        rank, value = found
        if rank > 0:
            seen.add(value)
        key = (rank, token.line.confidence)
        if best is None or key > best[:2]:
            corrected = value != normalise_code(token.text)
            best = (rank, token.line.confidence, token.field("style_code", value, corrected))
    if best is None:
        return None
    # A label showing a second code of the brand (a genuine code printed beside a fake one) is not
    # read as the better-looking one alone: the others go with the field, to be flagged.
    field = replace(best[2], others=tuple(sorted(seen - {best[2].value})))
    return field, best[0]


def _style_candidate(token: Token, checklist: Checklist | None) -> tuple[int, str] | None:
    text = normalise_code(token.text)
    if checklist is None:
        return (0, text) if len(text) >= 6 and _GENERIC_CODE.fullmatch(text) and not _is_date(text) else None
    listed = [normalise_code(s.code) for s in checklist.registry.style_codes]
    if text in listed:
        return 3, text
    if checklist.matches(text):
        return 1, text
    near = {code for code in listed if lookalike(text, code)}
    if len(near) == 1:
        return 2, near.pop()
    corrected = by_pattern(text, checklist.patterns)
    return (1, corrected.upper()) if corrected else None


def _is_date(text: str) -> bool:
    return bool(re.fullmatch(r"[\d/.-]+", text)) and text.count("/") + text.count(".") >= 1


# --- the other kinds ------------------------------------------------------------------------

def country(lines: Sequence[TextLine], checklist: Checklist | None) -> Field | None:
    known = list(checklist.registry.countries) if checklist and checklist.registry.countries else []
    for line in lines:
        if _SWISS_MADE.search(line.text):
            match = _SWISS_MADE.search(line.text)
            assert match is not None
            return Field("country", "Switzerland", line.box.part(match.start(), match.end(), len(line.text)),
                         line.confidence, "text", match.group())
        made = _MADE_IN.search(line.text)
        if not made:
            continue
        said = made.group(1).strip(" .")
        box = line.box.part(made.start(1), made.end(1), len(line.text))
        if checklist is None:
            return Field("country", said.title(), box, line.confidence, "text", said)
        name = _closest(said, known) or _closest(said, COUNTRIES)
        if name is not None:
            return Field("country", name, box, line.confidence, "text", said)
    return None


def _closest(said: str, names: Sequence[str]) -> str | None:
    """The one name `said` reads as (exact, or at most ~1 letter in 5 wrong), if only one fits."""
    wanted = re.sub(r"[^A-Z]", "", said.upper())
    scores = sorted(((difflib.SequenceMatcher(None, wanted, re.sub(r"[^A-Z]", "", n.upper())).ratio(), n)
                     for n in names), reverse=True)
    if not scores or scores[0][0] < 0.8:
        return None
    if len(scores) > 1 and scores[1][0] >= scores[0][0] - 0.05 and scores[0][0] < 1.0:
        return None  # two names fit about as well: not unambiguous
    return scores[0][1]


def size(lines: Sequence[TextLine]) -> Field | None:
    for pattern in (_US_SIZE, _APPAREL_SIZE):
        for line in lines:
            match = pattern.search(line.text)
            if match:
                value = match.group(1).replace(",", ".").upper()
                return Field("size", value, line.box.part(match.start(), match.end(), len(line.text)),
                             line.confidence, "text", match.group())
    return None


def pattern_field(kind: str, lines: Sequence[TextLine], pattern: str | None,
                  taken: set[str]) -> Field | None:
    """A date code or serial: a word its pattern accepts (after a SERIAL/NO word first)."""
    if pattern is None:
        return None
    candidates = []
    for token in tokens(lines):
        text = normalise_code(token.text)
        if text in taken:
            continue
        value = by_pattern(text, [pattern])
        if value is None:
            continue
        value = value.upper()
        # A keyword before it says what it is; otherwise a serial is expected to hold a digit.
        if not token.after_serial_word and kind == "serial" and not any(c.isdigit() for c in value):
            continue
        candidates.append((token.after_serial_word, token.line.confidence,
                           token.field(kind, value, value != text)))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[:2])[2]


def generic_serial(lines: Sequence[TextLine]) -> Field | None:
    """Without a registry: the word after SERIAL/NO, or a run of 7 or more digits."""
    for token in tokens(lines):
        if token.after_serial_word or re.fullmatch(r"\d{7,}", token.text):
            return token.field("serial", normalise_code(token.text))
    return None


def upc(lines: Sequence[TextLine], codes: Sequence[Code]) -> Field | None:
    for code in codes:
        digits = retail_number(code)
        if digits is not None:
            return Field("upc", digits, code.box, 1.0, code.format, digits)
    for token in tokens(lines):
        if gtin_valid(token.text):
            return token.field("upc", token.text)
    return None


def recognise(lines: Sequence[TextLine], codes: Sequence[Code],
              checklist: Checklist | None) -> list[Field]:
    """Every field found; `checklist=None` reads with generic rules only (the baseline)."""
    fields: list[Field] = []
    style = style_code(lines, checklist)
    if style is not None:
        fields.append(style[0])
    for found in (size(lines), country(lines, checklist), upc(lines, codes)):
        if found is not None:
            fields.append(found)
    taken = {f.value for f in fields}
    if checklist is None:
        serial = generic_serial(lines)
        fields.extend([serial] if serial and serial.value not in taken else [])
        return fields
    registry = checklist.registry
    taken |= {normalise_code(s.code) for s in registry.style_codes}
    for kind, pattern in (("date_code", registry.date_code_pattern),
                          ("serial", registry.serial_pattern)):
        found = pattern_field(kind, lines, pattern, taken)
        if found is not None:
            fields.append(found)
            taken.add(found.value)
    return fields


def choose_checklist(lines: Sequence[TextLine], checklists: Sequence[Checklist]) -> Checklist | None:
    """The checklist whose style codes the label shows most surely (listed beats pattern);
    failing that, the one whose brand name is printed (a serial plate carries no style code)."""
    words = normalise_code(" ".join(line.text for line in lines))
    best: tuple[int, float, int] | None = None
    chosen = None
    for index, checklist in enumerate(checklists):
        found = style_code(lines, checklist)
        if found is None:
            if normalise_code(checklist.brand) not in words:
                continue
            key = (0, 0.0, -index)
        else:
            key = (found[1], found[0].confidence, -index)
        if best is None or key > best:
            best, chosen = key, checklist
    return chosen
