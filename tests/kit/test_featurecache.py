"""pytest-bdd's feature cache filled from the kit's parse (caaad/featurecache.py) holds what pytest-bdd's own
parse of each file gives."""

import dataclasses
import os

import pytest
from pytest_bdd import feature as bdd_feature
from pytest_bdd.parser import FeatureParser

from caaad.featurecache import fill
from caaad.paths import features_dir
from caaad.scenarios import index_features

OUTLINE = """# language: zh-CN
功能: 5.4.1 无理由退货
  背景:
    假如 现在是 "2024-03-01 09:00" (北京时间)

  @req:5.4.1.a-3
  场景大纲: 第<天>天申请退货
    当 消费者在第 <天> 天申请退货
    那么 申请被受理:
      | 状态 |
      | 受理 |

    例子:
      | 天 |
      | 1  |
      | 7  |
"""


def shape(value, path=()):
    """The value as plain data: every field of pytest-bdd's dataclasses, a back reference (a step's scenario, a
    scenario's feature) by its class name only."""
    if any(value is above for above in path):
        return f"<{type(value).__name__}>"
    if dataclasses.is_dataclass(value):
        return {f.name: shape(getattr(value, f.name), (*path, value)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: shape(item, path) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [shape(item, path) for item in value]
    if isinstance(value, set):
        return sorted(value)
    return value


def own_parse(path: str):
    return FeatureParser(os.path.dirname(path), os.path.basename(path)).parse()


@pytest.fixture
def clean_cache(monkeypatch):
    monkeypatch.setattr(bdd_feature, "features", {})
    return bdd_feature.features


def test_every_feature_of_the_suite_is_what_pytest_bdds_own_parse_gives(clean_cache):
    index = index_features(features_dir())
    fill(features_dir(), index)
    files = sorted(str(p) for p in features_dir().rglob("*.feature"))
    assert sorted(clean_cache) == [os.path.abspath(f) for f in files]
    for path in files:
        assert shape(clean_cache[os.path.abspath(path)]) == shape(own_parse(path)), path


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_file_is_what_pytest_bdd_reads_whatever_its_newlines(tmp_path, clean_cache, newline):
    folder = tmp_path / "features" / "5.4"
    folder.mkdir(parents=True)
    (folder / "5.4.1.feature").write_bytes(OUTLINE.replace("\n", newline).encode("utf-8"))
    fill(tmp_path / "features", index_features(tmp_path / "features"))
    path = str(folder / "5.4.1.feature")
    filled = clean_cache[os.path.abspath(path)]
    assert shape(filled) == shape(own_parse(path))
    assert [step.name for step in filled.scenarios["第<天>天申请退货"].steps][-1] == "申请被受理:"


def test_an_entry_of_an_earlier_session_gives_way_to_the_file_as_it_is_now(tmp_path, clean_cache):
    folder = tmp_path / "features" / "5.4"
    folder.mkdir(parents=True)
    path = folder / "5.4.1.feature"
    path.write_text(OUTLINE, encoding="utf-8")
    fill(tmp_path / "features", index_features(tmp_path / "features"))
    path.write_text(OUTLINE.replace("场景大纲: 第<天>天申请退货", "场景大纲: 第<天>天申请退款"), encoding="utf-8")
    fill(tmp_path / "features", index_features(tmp_path / "features"))
    assert list(clean_cache[os.path.abspath(path)].scenarios) == ["第<天>天申请退款"]
