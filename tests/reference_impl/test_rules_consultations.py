"""The pure rules of consultations and complaints (5.1.1.g, 5.1.4, 5.2.1.c, 5.3.3.e, 5.3.4.d)."""

from datetime import datetime, timedelta

import pytest

from caaad.reference_impl.rules.china_time import CHINA
from caaad.reference_impl.rules.consultations import (complaint_escalation_at, complaint_handler, consultation_answer,
                                                      consultation_feedback_at, consultation_route, recorded_text)

T0 = datetime(2024, 3, 1, 10, 0, tzinfo=CHINA)


@pytest.mark.parametrize("topic", ["after_sales_policy", "return_conditions", "shipping_status", "other"])
def test_questions_that_can_be_answered_directly_are_answered(topic):
    assert consultation_route(topic) == "answer"
    assert consultation_answer(topic).strip()


@pytest.mark.parametrize("topic", ["return", "exchange", "refund"])
def test_returns_exchanges_and_refunds_are_passed_on(topic):
    assert consultation_route(topic) == "hand_over"


def test_feedback_is_given_within_the_limit():
    limit = timedelta(hours=24)
    assert T0 <= consultation_feedback_at(T0, limit) <= T0 + limit


def test_the_platform_steps_in_exactly_as_the_complaint_limit_passes():
    assert complaint_escalation_at(T0, timedelta(hours=24)) == T0 + timedelta(hours=24)


@pytest.mark.parametrize("against", ["merchant", "live_room_operator", "platform"])
def test_complaints_go_to_the_party_they_are_against(against):
    assert complaint_handler(against) == against


def test_the_consumers_words_are_recorded_unchanged():
    text = "  书包背带开线了。请问：能换吗？“七天无理由”  "
    assert recorded_text(text) == text
