"""How exports name a party's fields: ``phone``, ``mobile``, ``手机号码`` for ``phones``, and so on.

The import format names its fields (``docs/import-format.md``), but a silo's export, and a column
header above all, uses its own words: ``cust_name``, ``id_no``, ``联系电话``, ``证件号码``. A field the
import did not know was kept in ``extra`` and never matched on, so a file that wrote ``mobile`` for
``phones`` lost every phone. Here the common names of each field, in English and in Chinese, are
read as that field. The import's own name always wins: a synonym beside it stays in ``extra``,
except for phones and e-mails, where every column is a list of the party's numbers or addresses
and all are kept. A name nobody listed is still kept in ``extra`` as it is: it is not guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

__all__ = ["FIELD_SYNONYMS", "LIST_FIELDS", "canonical_fields"]

LIST_FIELDS = frozenset({"phones", "emails"})  # several columns may each hold some of them

FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "source": ("source_system", "system", "来源", "来源系统"),
    "source_key": (
        "id", "key", "customer_id", "cust_id", "custid", "customer_no", "cust_no", "customer_number", "party_id",
        "客户编号", "客户号", "客户id", "客户代码", "用户编号",
    ),
    "kind": ("type", "customer_type", "cust_type", "party_type", "客户类型", "客户类别"),
    "name": ("full_name", "customer_name", "cust_name", "party_name", "姓名", "名称", "客户名称", "客户姓名"),
    "org_name": ("company", "company_name", "enterprise_name", "企业名称", "单位名称", "公司名称"),
    "id_type": ("document_type", "doc_type", "cert_type", "certificate_type", "证件类型"),
    "id_number": (
        "id_no", "idno", "id_card", "idcard", "id_card_no", "document_number", "doc_no", "cert_no",
        "certificate_no", "certificate_number", "证件号码", "证件号", "身份证号", "身份证号码", "身份证",
    ),
    "phones": (
        "phone", "phone_number", "mobile", "mobile_phone", "mobile_number", "msisdn", "tel", "telephone",
        "contact_phone", "手机", "手机号", "手机号码", "电话", "电话号码", "联系电话", "固定电话",
    ),
    "emails": ("email", "e_mail", "mail", "email_address", "邮箱", "电子邮箱", "电子邮件", "邮件地址"),
    "address": ("addr", "address_line", "地址", "联系地址", "通讯地址", "住址", "家庭住址", "详细地址"),
    "birth_date": ("birthday", "birthdate", "dob", "date_of_birth", "出生日期", "生日"),
    "gender": ("sex", "性别"),
    "credit_code": ("uscc", "social_credit_code", "unified_social_credit_code", "统一社会信用代码", "信用代码"),
    "updated_at": ("update_time", "updated", "modified_at", "last_modified", "更新时间", "修改时间"),
    "status": ("state", "customer_status", "状态", "客户状态"),
    "deleted": ("is_deleted", "deleted_flag", "删除标志", "是否删除"),
    "contact_at": (
        "contacted_at", "contact_time", "call_time", "call_start", "call_started_at", "called_at", "occurred_at",
        "visit_time", "chat_time", "session_time", "来电时间", "呼入时间", "进线时间", "通话时间", "通话开始时间",
        "联系时间", "接触时间", "咨询时间", "会话时间", "来访时间",
    ),
    "phone_since": ("number_since", "msisdn_since", "in_net_time", "入网时间", "入网日期"),
    "phone_until": ("number_until", "msisdn_until", "off_net_time", "离网时间", "离网日期", "销号时间", "销号日期"),
    # Kept in ``extra``: the last four characters of the resident ID a caller gave to be verified
    "id_last4": ("id_last_four", "id_tail", "证件后四位", "证件号后四位", "证件号码后四位", "身份证后四位", "身份证号后四位"),
}
_CANONICAL = {alias: field for field, aliases in FIELD_SYNONYMS.items() for alias in aliases}


@lru_cache(maxsize=4096)  # a file's lines repeat the same few names
def _field_of(name: str) -> str | None:
    """The field a name stands for: case, spaces and hyphens do not matter (``Mobile Phone``, ``mobile-phone``)."""
    if name in FIELD_SYNONYMS:
        return name
    return _CANONICAL.get("_".join(name.strip().lower().replace("-", " ").split()))


def canonical_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with each synonym renamed to its field, when that field is not given under its own name.

    Phones and e-mails from several columns are joined into one list, the field's own first.
    """
    out: dict[str, Any] = {}
    renamed: dict[str, list[tuple[str, Any]]] = {}
    for name, value in raw.items():
        field = _field_of(name) if isinstance(name, str) else None
        if field is None or field == name:
            out[name] = value
        else:
            renamed.setdefault(field, []).append((name, value))
    for field, columns in renamed.items():
        if field in LIST_FIELDS:
            given = [out[field]] if field in out else []
            values = [*given, *(value for _, value in columns)]
            present = [value for value in values if value not in (None, "", [])]
            out[field] = [item for value in present for item in (value if isinstance(value, list) else [value])]
            continue
        for position, (name, value) in enumerate(columns):
            if position == 0 and field not in out:
                out[field] = value
            else:
                out[name] = value  # the field is given already: this column stays in extra
    return out
