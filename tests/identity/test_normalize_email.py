import pytest

from c360.hub.normalize import PLACEHOLDER, Reason, normalize_email

CASES = [
    ("zhang.wei@qq.com", "zhang.wei@qq.com", True, None),
    ("  Zhang.Wei@QQ.COM ", "zhang.wei@qq.com", True, None),
    ("ｚｈａｎｇｗｅｉ＠１６３．ｃｏｍ", "zhangwei@163.com", True, None),
    ("wang@163。com", "wang@163.com", True, None),
    ("mailto:Li.Na@Example.cn", "li.na@example.cn", True, None),
    ("<li.na+crm@126.com>", "li.na+crm@126.com", True, None),
    ("user@bücher.de", "user@xn--bcher-kva.de", True, None),
    ("zhang wei@qq.com", "zhangwei@qq.com", True, None),
    ("abc", "abc", False, Reason.BAD_FORMAT),
    ("a@@b.com", "a@@b.com", False, Reason.BAD_FORMAT),
    ("a..b@163.com", "a..b@163.com", False, Reason.BAD_FORMAT),
    ("x@y", "x@y", False, Reason.BAD_FORMAT),
    ("zhang@-abc.com", "zhang@-abc.com", False, Reason.BAD_FORMAT),
    ("张伟@qq.com", "张伟@qq.com", False, Reason.BAD_FORMAT),
    ("test@example.com", "test@example.com", False, PLACEHOLDER),
    ("none@qq.com", "none@qq.com", False, PLACEHOLDER),
    ("", "", False, Reason.EMPTY),
]


@pytest.mark.parametrize(("raw", "value", "trusted", "reason"), CASES)
def test_normalize_email(raw: str, value: str, trusted: bool, reason: Reason | None) -> None:
    result = normalize_email(raw)
    assert (result.value, result.trusted, result.reason) == (value, trusted, reason)


def test_parts() -> None:
    result = normalize_email("Zhang.Wei@QQ.com")
    assert (result.local, result.domain) == ("zhang.wei", "qq.com")
