import pytest

from c360.hub.normalize import PLACEHOLDER, Reason, normalize_name

# (raw, value, trusted, reason, surname, key, romanized, honorific_only)
CASES = [
    ("张伟", "张伟", True, None, "张", "zhang wei", False, False),
    (" 张 伟 ", "张伟", True, None, "张", "zhang wei", False, False),
    ("張偉", "张伟", True, None, "张", "zhang wei", False, False),
    ("李娜", "李娜", True, None, "李", "li na", False, False),
    ("李那", "李那", True, None, "李", "li na", False, False),
    ("欧阳锋", "欧阳锋", True, None, "欧阳", "ou yang feng", False, False),
    ("歐陽鋒", "欧阳锋", True, None, "欧阳", "ou yang feng", False, False),
    ("司马相如", "司马相如", True, None, "司马", "si ma xiang ru", False, False),
    ("曾伟", "曾伟", True, None, "曾", "zeng wei", False, False),
    ("单雄信", "单雄信", True, None, "单", "shan xiong xin", False, False),
    ("买买提·吐尔逊", "买买提·吐尔逊", True, None, None, "mai mai ti tu er xun", False, False),
    ("阿卜杜拉•艾则孜", "阿卜杜拉·艾则孜", True, None, None, "a bo du la ai ze zi", False, False),
    ("王明先生", "王明", True, None, "王", "wang ming", False, False),
    ("王先生", "王", False, Reason.HONORIFIC_ONLY, "王", "wang", False, True),
    ("李女士", "李", False, Reason.HONORIFIC_ONLY, "李", "li", False, True),
    ("张小姐", "张", False, Reason.HONORIFIC_ONLY, "张", "zhang", False, True),
    ("刘总", "刘", False, Reason.HONORIFIC_ONLY, "刘", "liu", False, True),
    ("陈经理", "陈", False, Reason.HONORIFIC_ONLY, "陈", "chen", False, True),
    ("赵老师", "赵", False, Reason.HONORIFIC_ONLY, "赵", "zhao", False, True),
    ("王师傅", "王", False, Reason.HONORIFIC_ONLY, "王", "wang", False, True),
    ("欧阳先生", "欧阳", False, Reason.HONORIFIC_ONLY, "欧阳", "ou yang", False, True),
    ("Zhang Wei", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("ZHANG Wei", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("Wei Zhang", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("zhangwei", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("Zhang, Wei", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("Zhāng Wěi", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("ＺＨＡＮＧ　Ｗｅｉ", "Zhang Wei", True, None, "zhang", "zhang wei", True, False),
    ("Feng Ouyang", "Ouyang Feng", True, None, "ouyang", "ou yang feng", True, False),
    ("ouyangfeng", "Ouyang Feng", True, None, "ouyang", "ou yang feng", True, False),
    ("Lyu Xiaoming", "Lv Xiaoming", True, None, "lv", "lv xiao ming", True, False),
    ("Mr Wang", "Wang", False, Reason.HONORIFIC_ONLY, "wang", "wang", True, True),
    ("Wang", "Wang", False, Reason.INCOMPLETE, "wang", "wang", True, False),
    ("John Smith", "John Smith", True, None, None, "john smith", False, False),
    ("王", "王", False, Reason.INCOMPLETE, "王", "wang", False, False),
    ("张*", "张*", False, Reason.MASKED, "张", "", False, False),
    ("张某某", "张某某", False, PLACEHOLDER, "张", "zhang", False, False),
    ("未知", "未知", False, PLACEHOLDER, None, "", False, False),
    ("张三Li", "张三Li", False, Reason.MIXED_SCRIPT, None, "", False, False),
    ("", "", False, Reason.EMPTY, None, "", False, False),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason", "surname", "key", "romanized", "honorific"), CASES)
def test_normalize_name(raw, value, trusted, reason, surname, key, romanized, honorific) -> None:
    result = normalize_name(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)
    assert (result.surname, result.pronunciation_key) == (surname, key)
    assert (result.romanized, result.honorific_only) == (romanized, honorific)


@pytest.mark.parametrize("other", ["張偉", "Zhang Wei", "ZHANG Wei", "Wei Zhang", "zhangwei", "张玮"])
def test_same_sound_as_zhang_wei(other: str) -> None:
    assert normalize_name(other).pronunciation_key == normalize_name("张伟").pronunciation_key
