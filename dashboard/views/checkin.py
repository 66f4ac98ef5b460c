"""The member's weekly OSTRC check-in: one screen, one body area after another, big single-choice
buttons; the usual week with no problems takes one tap per area."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.accounts.viewer import Viewer
from dashboard.forms.checkin import CheckinStatus, checkin_status
from dashboard.forms.entries import CHECKIN, write_entry

AREA = "[area]"
# Q1's first option ends the area with no problem and its last with the highest score: only the two
# in between ask Q2-Q4 (OSTRC-O2's gatekeeper; the pipeline scores it so).
BIG_BUTTONS = """<style>
[data-testid="stRadioGroup"] { gap: 0.4rem; width: 100%; }
[data-testid="stRadioGroup"] > div { width: 100%; }
[data-testid="stRadioOption"] {
  border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.6rem; padding: 0.7rem 0.9rem;
  width: 100%; min-height: 3rem; align-items: center;
}
[data-testid="stRadioOption"] p { font-size: 1.05rem; }
[data-testid="stRadioOption"]:has(input:checked) {
  border-color: #ff4b4b; background: rgba(255, 75, 75, 0.08);
}
</style>"""


def _for_area(text: str, label: str) -> str:
    """A question or option with the area's label in place of [area] ("Knee" -> "knee problems")."""
    return text.replace(AREA, label[:1].lower() + label[1:])


def _draft(key: str) -> dict[str, int | None]:
    """The answers given so far in this session, kept apart from the radios' own state: Streamlit
    forgets a widget's value when another page is shown, and a member who looked at their running
    half way through came back to an empty check-in."""
    return st.session_state.setdefault(f"{key}_draft", {})


def _question(
    questions: pl.DataFrame, question: str, area: str, label: str, key: str
) -> int | None:
    rows = questions.filter(pl.col("question") == question).sort("code")
    options = dict(zip(rows["code"].to_list(), rows["option_text"].to_list(), strict=True))
    draft, name = _draft(key), f"{key}_{area}_{question}"
    codes = list(options)
    chosen = st.radio(
        _for_area(rows["question_text"][0], label),
        codes,
        index=codes.index(draft[name]) if draft.get(name) in options else None,
        format_func=lambda code: _for_area(options[code], label),
        key=name,
    )
    draft[name] = chosen
    return chosen


def _answers(questions: pl.DataFrame, areas: pl.DataFrame, key: str) -> dict[str, dict] | None:
    """Every area's answers as option codes; None while any area is unanswered."""
    last = questions.filter(pl.col("question") == "q1")["code"].max()
    answers: dict[str, dict] = {}
    complete = True
    for area, label in areas.select("area", "label").iter_rows():
        st.markdown(f"#### {label}")
        q1 = _question(questions, "q1", area, label, key)
        answer = {"q1": q1, "q2": None, "q3": None, "q4": None}
        if q1 is not None and 0 < q1 < last:
            for question in ("q2", "q3", "q4"):
                answer[question] = _question(questions, question, area, label, key)
        complete &= q1 is not None and (q1 in (0, last) or None not in answer.values())
        answers[area] = answer
    return answers if complete else None


def _received(viewer: Viewer, status: CheckinStatus) -> None:
    entry = status.latest_entry
    if entry is not None:
        when = str(entry.get("entered_at", ""))[:16].replace("T", " ")
        labels = data.ostrc_area_labels(viewer)
        problems = [
            labels.get(a, a) for a, answer in entry.get("answers", {}).items() if answer.get("q1")
        ]
        st.success(
            f"Received {when} UTC: thank you. "
            + (
                f"You reported a problem in: {', '.join(problems)}. "
                if problems
                else "No problems this week. "
            )
            + "It shows in your charts after the next data run (usually within a few minutes)."
        )
    else:
        st.success("Answered: this week's check-in is in your charts. Thank you.")


def render(viewer: Viewer) -> None:
    """The due week's check-in: the form when it is missing (or being corrected), else its receipt."""
    status = checkin_status(viewer)
    week_end = status.week_start.toordinal() + 6
    st.write(
        f"**Week of {status.week_start:%a %d %b} to "
        f"{status.week_start.fromordinal(week_end):%a %d %b %Y}**: answer about these 7 days. "
        f"Due by the end of {status.deadline:%A %d %B}."
    )
    correcting = st.session_state.get("checkin_correcting") == status.week_start
    if status.answered and not correcting:
        _received(viewer, status)
        if st.button("Correct this week's answer", key="checkin_correct"):
            st.session_state["checkin_correcting"] = status.week_start
            st.rerun()
        return
    if status.late:
        st.warning(
            f"The deadline was {status.deadline:%A %d %B}: your answer is still welcome and is "
            "marked late."
        )
    questions = data.ostrc_questions(viewer)
    areas = data.ostrc_areas(viewer)
    version = questions["instrument_version"][0]
    st.caption(
        f"{questions['instrument_name'][0]} ({questions['reference'][0]}), the authors' wording. "
        "One area at a time: if an area was fine all week, one tap is all it takes."
    )
    st.markdown(BIG_BUTTONS, unsafe_allow_html=True)
    key = f"checkin_{status.week_start:%Y%m%d}_{int(correcting)}"
    answers = _answers(questions, areas, key)
    if answers is None:
        st.info("Answer every area to send your check-in.")
    if st.button("Send my check-in", type="primary", disabled=answers is None, key=f"{key}_send"):
        supersedes = status.latest_entry.get("entry_id") if status.latest_entry else None
        write_entry(
            viewer,
            CHECKIN,
            {
                "week_start": status.week_start.isoformat(),
                "instrument_version": version,
                "answers": answers,
                "supersedes": supersedes,
            },
        )
        st.session_state.pop("checkin_correcting", None)
        st.session_state.pop(f"{key}_draft", None)
        st.rerun()
