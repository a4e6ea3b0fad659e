"""The vendor reference page is rendered from the contract data."""

import json

from caaad.contract import load_contract
from caaad.contract.render import render_markdown

CONTRACT = load_contract()
PAGE = render_markdown(CONTRACT)


def test_title_and_index():
    assert PAGE.startswith(f"# 适配器契约 Adapter contract {CONTRACT.version}\n")
    for op in CONTRACT.operations.values():
        assert f"| [`{op.name}`](#{op.name}) | {op.capability} | {op.summary} |" in PAGE


def test_each_operation_has_its_section_with_fields_and_example():
    for op in CONTRACT.operations.values():
        section = PAGE.split(f"\n## {op.name}\n", 1)[1].split("\n## ", 1)[0]
        assert op.description in section
        assert "**Request**" in section and "**Response**" in section
        assert json.dumps(op.example, ensure_ascii=False, indent=2) in section


def test_field_rows_show_type_and_requiredness():
    section = PAGE.split("\n## request_after_sales\n", 1)[1].split("\n## ", 1)[0]
    assert "| `order_id` | `id` | yes |" in section
    assert "| `amount_fen` | `fen` | no |" in section
    assert "| `ground` | `no_reason` \\| `quality_problem`" in section


def test_alternative_requests_are_listed():
    section = PAGE.split("\n## clock_advance\n", 1)[1].split("\n## ", 1)[0]
    assert "One of (1):" in section and "One of (2):" in section and "| `to` | `timestamp` | yes |" in section


def test_shared_definitions_table():
    assert "## Shared definitions" in PAGE
    assert "| `fen` | integer | Money in integer fen" in PAGE
    assert all(f"| `{name}` |" in PAGE for name in CONTRACT.defs)


def test_placeholders_in_prose_are_shown_not_swallowed_as_html():
    assert "operations/&lt;name&gt;.json" in PAGE and "operations/<name>.json" not in PAGE.replace("`operations/<name>.json`", "")
