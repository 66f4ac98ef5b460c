"""The OSTRC overuse questionnaire, per version: the authors' English wording, the option scores and
the scoring rules. Everything that names an OSTRC question, option or score reads it from here.

- "2.0" is OSTRC-O2 (Clarsen et al. 2020, BJSM 54:390): four questions of four options each, all
  scored 0/8/17/25. Q1 is a gatekeeper: its first option ends the area with no problem (severity 0),
  its last ends it with every later question taken at its maximum (severity 100). A problem is Q1
  above its first option; a substantial problem is Q1's last option, or Q2 or Q3 scoring 17 or more.
- "1.0" is the 2013 original (Clarsen et al. 2013, BJSM 47:495), for old CSVs: Q2 and Q3 have a fifth
  option, "Cannot participate at all", and are scored 0/6/13/19/25. It is scored as StrongStride has
  always scored it: no gatekeeper, a problem is any answer above its first option, a substantial
  problem is Q2 or Q3 scoring 13 or more, or Q1's last option.

The question texts name the body area as "[area]" where the questionnaire is asked per area. 2.0's
Q1-Q3 question texts and Q1's "Could not participate due to [area] problems" are as quoted in the
documentation of the Oslo group's R package ostRc (lenakba/ostRc, R/functions-ostrc-questionnaire.R);
1.0's Q1-Q3 are the package's quotes of the 2013 health-problem form with "[area] problems" for
"injury, illness or other health problems". The other option labels are METRICS.md's (checked there
against the package and a vendor's guide); Q4's question texts and the 2013 option labels are as the
papers are recalled, not checked against their full text here.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

AREA = "[area]"
QUESTIONS = ("q1", "q2", "q3", "q4")


@dataclass(frozen=True)
class Question:
    """One question: its text and its options in order (code = position, 0-based), each with its score."""

    text: str
    options: tuple[str, ...]
    scores: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.options) != len(self.scores):
            raise ValueError(
                f"{self.text!r}: {len(self.options)} options, {len(self.scores)} scores"
            )


@dataclass(frozen=True)
class Instrument:
    """One version of the questionnaire and how its answers are scored.

    `gatekeeper`: Q1's first option ends the area at 0 on every question, its last at every
    question's maximum. `problem_from_any_answer`: a problem is any answer above its first option
    (otherwise Q1 above its first option). `substantial_extent`: a Q2 or Q3 score at or above it is
    a substantial problem (Q1's last option always is).
    """

    version: str
    name: str
    reference: str
    questions: dict[str, Question]
    gatekeeper: bool
    problem_from_any_answer: bool
    substantial_extent: int

    def options(self, question: str) -> tuple[str, ...]:
        return self.questions[question].options

    def scores(self, question: str) -> tuple[int, ...]:
        return self.questions[question].scores


_EXTENT = ("To a minor extent", "To a moderate extent", "To a major extent")
_FOUR = (0, 8, 17, 25)
_FIVE = (0, 6, 13, 19, 25)

VERSION_2_0 = Instrument(
    version="2.0",
    name="OSTRC-O2",
    reference="Clarsen et al. 2020, BJSM 54:390",
    questions={
        "q1": Question(
            "Have you had any difficulties participating in training and competition due to "
            f"{AREA} problems during the past 7 days?",
            (
                f"Full participation without {AREA} problems",
                f"Full participation, but with {AREA} problems",
                f"Reduced participation due to {AREA} problems",
                f"Could not participate due to {AREA} problems",
            ),
            _FOUR,
        ),
        "q2": Question(
            "To what extent have you modified your training or competition due to "
            f"{AREA} problems during the past 7 days?",
            ("No modification", *_EXTENT),
            _FOUR,
        ),
        "q3": Question(
            f"To what extent have {AREA} problems affected your performance during the past 7 days?",
            ("No effect", *_EXTENT),
            _FOUR,
        ),
        "q4": Question(
            f"To what extent have you experienced {AREA} pain related to your sport during the past "
            "7 days?",
            ("No pain", "Mild pain", "Moderate pain", "Severe pain"),
            _FOUR,
        ),
    },
    gatekeeper=True,
    problem_from_any_answer=False,
    substantial_extent=17,
)

VERSION_1_0 = Instrument(
    version="1.0",
    name="OSTRC-O (2013)",
    reference="Clarsen et al. 2013, BJSM 47:495",
    questions={
        "q1": Question(
            "Have you had any difficulties participating in normal training and competition due "
            f"to {AREA} problems during the past week?",
            (
                "Full participation without problems",
                "Full participation, but with problems",
                "Reduced participation due to problems",
                "Cannot participate due to problems",
            ),
            _FOUR,
        ),
        "q2": Question(
            f"To what extent have you reduced your training volume due to {AREA} problems during "
            "the past week?",
            ("No reduction", *_EXTENT, "Cannot participate at all"),
            _FIVE,
        ),
        "q3": Question(
            f"To what extent have {AREA} problems affected your performance during the past week?",
            ("No effect", *_EXTENT, "Cannot participate at all"),
            _FIVE,
        ),
        "q4": Question(
            f"To what extent have you experienced {AREA} pain related to your sport during the past "
            "week?",
            ("No pain", "Mild pain", "Moderate pain", "Severe pain"),
            _FOUR,
        ),
    },
    gatekeeper=False,
    problem_from_any_answer=True,
    substantial_extent=13,
)

INSTRUMENTS: dict[str, Instrument] = {i.version: i for i in (VERSION_2_0, VERSION_1_0)}
# The version of an answer whose CSV has no instrument_version (or leaves it empty): the 2013 coding
# every ostrc.csv used before versions were written down.
LEGACY_VERSION = "1.0"
CURRENT_VERSION = "2.0"

# Other ways the same option has been written, accepted in every version that has that option: the
# health-problem wording ("injury/illness", "health problem", "No symptoms") StrongStride accepted
# before versions were stored, per question and 0-based code. The options of the other version with
# the same code are accepted too (see `written_forms`).
EARLIER_WORDINGS: dict[str, dict[int, tuple[str, ...]]] = {
    "q1": {
        0: ("Full participation without health problems",),
        1: ("Full participation, but with a health problem",),
        2: ("Reduced participation due to a health problem",),
        3: ("Could not participate due to a health problem",),
    },
    "q4": {
        0: ("No symptoms", "No symptoms/health problems"),
        1: ("To a mild extent",),
        2: ("To a moderate extent",),
        3: ("To a severe extent",),
    },
}


def plain(text: str) -> str:
    """An option text without its area placeholder, as a coach writes it for a single area."""
    return text.replace(f"{AREA} ", "").replace(AREA, "")


def written_forms(version: str, question: str) -> list[tuple[str, int]]:
    """(text, 0-based code) for every accepted way of writing each option of one question in one version.

    The version's own options, the same-coded options of the other versions, the earlier wordings and
    the codes as digits. An option the version does not have (Q2's "Cannot participate at all" in 2.0)
    is not accepted, whatever its wording.
    """
    count = len(INSTRUMENTS[version].options(question))
    forms = [
        (plain(text), code) for code, text in enumerate(INSTRUMENTS[version].options(question))
    ]
    for other in INSTRUMENTS.values():
        forms += [
            (plain(text), code)
            for code, text in enumerate(other.options(question))
            if code < count and other.version != version
        ]
    forms += [
        (text, code)
        for code, texts in EARLIER_WORDINGS.get(question, {}).items()
        if code < count
        for text in texts
    ]
    forms += [(str(code), code) for code in range(count)]
    return forms


INSTRUMENT_SCHEMA: dict[str, pl.DataType] = {
    "instrument_version": pl.String(),
    "instrument_name": pl.String(),
    "reference": pl.String(),
    "question": pl.String(),
    "question_text": pl.String(),
    "code": pl.Int8(),
    "option_text": pl.String(),
    "score": pl.Int32(),
    "current": pl.Boolean(),
}


def instrument_frame() -> pl.DataFrame:
    """Every version's questions and options with their scores, one row per option: the table the
    app's check-in form reads its fixed wording from ("[area]" stands for the area's label)."""
    return pl.DataFrame(
        [
            (
                i.version,
                i.name,
                i.reference,
                q,
                question.text,
                code,
                text,
                question.scores[code],
                i.version == CURRENT_VERSION,
            )
            for i in INSTRUMENTS.values()
            for q, question in i.questions.items()
            for code, text in enumerate(question.options)
        ],
        schema=INSTRUMENT_SCHEMA,
        orient="row",
    )
