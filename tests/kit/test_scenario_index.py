"""The scenario index reports what pytest-bdd would silently get wrong."""

from pathlib import Path

from caaad.scenarios import index_features

FEATURE = """# language: zh-CN
功能: 5.4.1 无理由退货

  @req:5.4.1.a-3
  场景: 第七天最后一分钟申请退货
    假如 现在是 "2024-03-01 09:00" (北京时间)

  @req:5.4.1.a-3
  场景: {second}
    假如 现在是 "2024-03-01 09:00" (北京时间)
"""


def write(tmp_path: Path, text: str, name: str = "5.4.1.feature", raw: bytes | None = None) -> Path:
    folder = tmp_path / "features" / "5.4"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(text, encoding="utf-8")
    return tmp_path / "features"


def messages(index) -> list[str]:
    return [str(f) for f in index.findings]


def test_clean_feature_is_indexed_with_location_and_ids(tmp_path):
    index = index_features(write(tmp_path, FEATURE.format(second="第八天第一分钟申请退货")), {"5.4.1.a-3"})
    assert messages(index) == []
    first = index.scenarios[0]
    assert (first.name, first.location, first.obligation_ids) == ("第七天最后一分钟申请退货", "features/5.4/5.4.1.feature:5", ("5.4.1.a-3",))
    assert list(index.by_obligation()) == ["5.4.1.a-3"] and len(index.by_obligation()["5.4.1.a-3"]) == 2


def test_duplicate_scenario_name_is_reported(tmp_path):
    index = index_features(write(tmp_path, FEATURE.format(second="第七天最后一分钟申请退货")), {"5.4.1.a-3"})
    assert messages(index) == ["features/5.4/5.4.1.feature:9: duplicate scenario name '第七天最后一分钟申请退货' "
                               "(also at features/5.4/5.4.1.feature:5); pytest-bdd would silently run only one"]


def test_unknown_obligation_id_is_reported(tmp_path):
    index = index_features(write(tmp_path, FEATURE.format(second="其他")), {"5.4.1.a-1"})
    assert "features/5.4/5.4.1.feature:5: scenario '第七天最后一分钟申请退货' is tagged @req:5.4.1.a-3, " \
           "which is not an obligation id in the spec" in messages(index)


def test_untagged_scenario_is_reported(tmp_path):
    text = FEATURE.format(second="其他").replace("  @req:5.4.1.a-3\n  场景: 其他", "  场景: 其他")
    index = index_features(write(tmp_path, text), {"5.4.1.a-3"})
    assert messages(index) == ["features/5.4/5.4.1.feature:8: scenario '其他' has no @req:<obligation id> tag"]


def test_missing_language_line_bom_and_fullwidth_colon(tmp_path):
    write(tmp_path, FEATURE.format(second="x").split("\n", 1)[1], name="a.feature")
    write(tmp_path, "", name="b.feature", raw=b"\xef\xbb\xbf" + FEATURE.format(second="y").encode())
    features = write(tmp_path, FEATURE.format(second="z").replace("功能:", "功能："), name="c.feature")
    found = messages(index_features(features, {"5.4.1.a-3"}))
    assert found[0] == "features/5.4/a.feature:1: first line must be '# language: zh-CN'"
    assert found[1].startswith("features/5.4/b.feature:1: file starts with a byte-order mark")
    assert found[2].startswith("features/5.4/c.feature: Gherkin:") and "ASCII colon" in found[2]
    assert len(found) == 3


def test_digest_changes_with_any_feature_text(tmp_path):
    before = index_features(write(tmp_path, FEATURE.format(second="甲"))).digest
    after = index_features(write(tmp_path, FEATURE.format(second="乙"))).digest
    assert before != after and before.startswith("sha256:")


AMOUNTS = """# language: zh-CN
功能: 5.4.1 无理由退货
  背景:
    假如 订单运费 "{freight}" 元，满 "99.00" 元包邮

  @req:5.4.1.a-3
  场景: 退货退款
    假如 商家上架商品 "纯棉T恤"，品类为 "服装"，售价 "{price}" 元
    那么 消费者获得的退款不少于 "<退款>" 元

    例子:
      | 退款   |
      | 129.00 |
      | {refund} |
"""


def test_amounts_written_with_two_decimals_give_no_finding(tmp_path):
    text = AMOUNTS.format(freight="12.00", price="129.00", refund="0.50")
    assert messages(index_features(write(tmp_path, text), {"5.4.1.a-3"})) == []


def test_a_malformed_amount_is_reported_where_it_is_written(tmp_path):
    # in a background, in a step, and among an outline's example values (at the row's line)
    text = AMOUNTS.format(freight="12", price="129.5", refund="１２９.00")
    assert messages(index_features(write(tmp_path, text), {"5.4.1.a-3"})) == [
        'features/5.4/5.4.1.feature:4: amount "12" 元: write it with two decimals, e.g. "129.00"',
        'features/5.4/5.4.1.feature:8: amount "129.5" 元: write it with two decimals, e.g. "129.00"',
        'features/5.4/5.4.1.feature:14: amount "１２９.00" 元: write it with two decimals, e.g. "129.00"',
    ]
