"""Fixed vocabularies of the simulated operator: plans, order kinds, service-request texts."""

from __future__ import annotations

from datetime import datetime

from .clock import TZ

__all__ = [
    "PLANS", "ENTERPRISE_PLANS", "ORDER_TYPES", "ORDER_CHANNELS", "SR_TYPES", "SR_CHANNELS", "SR_SUMMARIES",
    "CALL_SUMMARIES", "PAY_METHODS", "SEGMENTS", "ENTERPRISE_SEGMENTS", "TIERS", "PERIODS", "CONTRACT_TITLES",
]

#: (plan_code, plan_name, monthly fee in cents)
PLANS: tuple[tuple[str, str, int], ...] = (
    ("4G58", "4G飞享套餐58元", 5800),
    ("4G38", "4G畅聊套餐38元", 3800),
    ("5G129", "5G智享套餐129元", 12900),
    ("5G199", "5G尊享套餐199元", 19900),
    ("FAM169", "全家享融合套餐169元", 16900),
    ("SEN18", "老年关怀套餐18元", 1800),
)
ENTERPRISE_PLANS: tuple[tuple[str, str, int], ...] = (
    ("ENT99", "政企商务套餐99元", 9900),
    ("IOT5", "物联网卡套餐5元", 500),
    ("DL2000", "互联网专线100M", 200000),
)
ORDER_TYPES = ("new_subscription", "plan_change", "device_purchase", "top_up", "broadband_install", "number_port")
ORDER_CHANNELS = ("business_hall", "app", "web", "hotline", "agent")
SR_TYPES = ("inquiry", "complaint", "fault")
SR_CHANNELS = ("hotline", "business_hall", "web", "app", "sms")
SR_SUMMARIES: dict[str, tuple[str, ...]] = {
    "inquiry": ("咨询套餐资费", "查询本月话费明细", "咨询5G套餐升级", "询问积分兑换规则", "咨询宽带续费"),
    "complaint": ("投诉流量扣费异常", "投诉营业厅服务态度", "对账单金额有异议", "投诉未经同意开通增值业务"),
    "fault": ("家中宽带无法上网", "手机信号差", "短信无法接收", "来电显示异常", "光猫指示灯闪红"),
}
CALL_SUMMARIES = ("客户来电咨询", "回访客户处理结果", "客户反映问题已记录", "转接技术支持", "客户要求稍后回电")
PAY_METHODS = ("alipay", "wechat", "bank_transfer", "cash", "auto_debit")
SEGMENTS = ("youth", "family", "business_traveler", "senior", "mass_market")
ENTERPRISE_SEGMENTS = ("sme", "large_enterprise", "government")
TIERS = ("platinum", "gold", "silver", "bronze")
CONTRACT_TITLES = ("年度专线服务合同", "集团通信服务协议", "物联网连接服务合同", "云专网服务合同")


def _periods() -> tuple[tuple[str, int, int, str], ...]:
    """Billing periods Jan–Jun 2024: (period, start ts, end ts, due date)."""
    out = []
    for m in range(1, 7):
        start = int(datetime(2024, m, 1, tzinfo=TZ).timestamp())
        end = int(datetime(2024, m + 1, 1, tzinfo=TZ).timestamp())
        out.append((f"2024-{m:02d}", start, end, f"2024-{m + 1:02d}-20"))
    return tuple(out)


PERIODS = _periods()
