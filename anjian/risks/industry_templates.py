"""Risk register templates (风险辨识清单模板): per industry, starter points with their hazards,
evaluations and measures, which an enterprise copies into its register and then adapts.

The contents are starting points written for this platform from common practice, not a
published list: every copied point is evaluated again through :mod:`anjian.standards.risk`
like any other, and the responsible person is left for the enterprise to name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.models import Enterprise
from anjian.risks import services

RESPONSIBLE = "待指定"  # the enterprise names its own person


@dataclass(frozen=True)
class Starter:
    name: str
    kind: str
    hazards: tuple[tuple[str, str, tuple[str, ...], tuple[str, str, str]], ...]
    measures: tuple[tuple[str, str, str], ...]
    emergency: str = ""


@dataclass(frozen=True)
class Template:
    key: str
    title: Any
    points: tuple[Starter, ...]


def _t(key: str, title: Any, *points: Starter) -> Template:
    return Template(key, title, points)


E, M, T, P, R = "engineering", "management", "training", "protection", "emergency"

TEMPLATES: tuple[Template, ...] = (
    _t("metallurgy", _("冶金"),
       Starter("高炉炉前", "activity",
               (("铁水、熔渣遇水爆炸", "21", ("WSA10022", "WSA10008"), ("3", "6", "40")),
                ("煤气泄漏", "22", ("WSA10023", "WSA10016"), ("1", "6", "40"))),
               ((E, "炉前区域防水、干燥，设置煤气报警仪", "workshop"),
                (M, "执行炉前作业规程，出铁前检查铁沟", "team"),
                (P, "穿戴隔热服、防护面罩", "post")),
               "立即撤离至安全区域，切断煤气，报告调度"),),
    _t("nonferrous", _("有色"),
       Starter("熔炼炉", "facility",
               (("高温熔融金属喷溅", "21", ("WSA10008", "WSA10022"), ("3", "6", "15")),),
               ((E, "炉体冷却水压力、流量监测报警", "workshop"),
                (P, "穿戴阻燃服、防护面罩", "post")),
               "撤离喷溅区域，停炉，救治烫伤人员"),),
    _t("building_materials", _("建材"),
       Starter("水泥预热器清堵", "activity",
               (("高温物料喷出", "21", ("WSA10008",), ("3", "3", "15")),),
               ((M, "执行清堵作业票，清堵时停止喂料", "workshop"),
                (P, "穿戴隔热服、面罩", "post")),
               "撤离至安全区域，救治烫伤人员"),
       Starter("皮带输送机", "facility",
               (("转动部位卷入", "21", ("WSA10004",), ("1", "6", "7")),),
               ((E, "转动部位设防护罩，设急停拉绳", "team"),
                (T, "岗位操作规程培训", "team")))),
    _t("machinery", _("机械"),
       Starter("冲压机", "facility",
               (("手进入模具区被冲压", "21", ("WSA10004",), ("3", "6", "7")),),
               ((E, "安装光电保护装置、双手按钮", "workshop"),
                (M, "设备点检制度", "team"),
                (T, "冲压工岗前培训", "team")),
               "按急停，停机断电，救治伤员"),
       Starter("行车吊装作业", "activity",
               (("吊物坠落", "21", ("WSA10005", "WSA10001"), ("1", "6", "15")),),
               ((M, "持证作业，吊索具定期检查", "workshop"),
                (P, "佩戴安全帽", "post")))),
    _t("light_industry", _("轻工"),
       Starter("锅炉房", "facility",
               (("锅炉超压爆炸", "21", ("WSA10014",), ("0.5", "6", "40")),),
               ((E, "安全阀、压力表定期校验，水位报警", "company"),
                (M, "司炉工持证上岗，交接班检查", "team")),
               "紧急停炉，疏散人员，报告"),),
    _t("textile", _("纺织"),
       Starter("梳棉车间", "facility",
               (("棉尘火灾", "21", ("WSA10009",), ("1", "6", "15")),),
               ((E, "配置灭火器材，电气设备防尘", "workshop"),
                (M, "每班清扫积尘", "team")),
               "使用灭火器扑救初起火灾，疏散人员，拨打119"),),
    _t("tobacco", _("烟草"),
       Starter("制丝线", "facility",
               (("转动设备卷入", "21", ("WSA10004",), ("1", "6", "7")),),
               ((E, "防护罩与联锁装置", "workshop"),
                (T, "设备操作培训", "team"))),),
    _t("commerce", _("商贸"),
       Starter("仓库", "facility",
               (("货物堆垛坍塌", "21", ("WSA10012", "WSA10001"), ("1", "3", "7")),
                ("电气线路火灾", "21", ("WSA10009",), ("1", "6", "15"))),
               ((M, "堆垛限高，定期电气检查", "company"),
                (R, "配置灭火器，组织疏散演练", "company")),
               "切断电源，扑救初起火灾，疏散人员，拨打119"),),
    _t("hazardous_chemicals", _("危险化学品"),
       Starter("储罐区", "facility",
               (("易燃液体泄漏遇火源爆炸", "22", ("WSA10017", "WSA10009", "WSA10026"),
                 ("1", "6", "40")),
                ("有毒物料泄漏", "22", ("WSA10023",), ("1", "6", "15"))),
               ((E, "设置可燃有毒气体报警、紧急切断阀、围堰", "company"),
                (M, "执行巡检和动火作业票制度", "workshop"),
                (P, "配备正压式空气呼吸器", "post"),
                (R, "编制现场处置方案并演练", "company")),
               "关闭紧急切断阀，疏散下风向人员，启动应急预案"),
       Starter("装卸作业", "activity",
               (("静电引燃", "21", ("WSA10009", "WSA10017"), ("1", "3", "40")),),
               ((E, "静电接地报警装置", "workshop"),
                (M, "装卸前检查接地，控制流速", "team")))),
    _t("ammonia", _("涉氨制冷"),
       Starter("氨制冷机房", "facility",
               (("液氨泄漏中毒", "22", ("WSA10023", "WSA10026"), ("1", "6", "40")),),
               ((E, "设置氨气浓度报警并与事故排风联锁", "company"),
                (M, "制冷工持证上岗，定期巡检", "workshop"),
                (P, "配备防毒面具、正压式空气呼吸器", "post")),
               "佩戴呼吸器关闭阀门，启动事故排风，疏散人员，拨打119、120"),),
    _t("dust", _("粉尘涉爆"),
       Starter("除尘系统", "facility",
               (("粉尘爆炸", "21", ("WSA10018",), ("1", "6", "40")),),
               ((E, "除尘器泄爆、隔爆、锁气卸灰装置", "company"),
                (M, "按规定清理积尘并记录", "team"),
                (T, "粉尘防爆培训", "workshop")),
               "停止作业，切断电源，疏散人员，拨打119"),),
    _t("confined_space", _("有限空间"),
       Starter("污水池清理", "activity",
               (("有毒气体中毒、缺氧窒息", "22", ("WSA10023", "WSA10024"), ("3", "3", "40")),),
               ((M, "执行“先通风、再检测、后作业”，办理作业审批", "company"),
                (P, "配备气体检测仪、呼吸器、安全绳", "post"),
                (R, "设监护人，禁止盲目施救", "team")),
               "监护人立即报告，佩戴呼吸器施救，拨打120"),),
)  # fmt: skip

BY_KEY = {template.key: template for template in TEMPLATES}


@transaction.atomic
def apply(enterprise: Enterprise, key: str, *, actor: Any) -> int:
    """Copy template ``key`` into the register (KeyError if unknown); returns points added."""
    template = BY_KEY[key]
    for starter in template.points:
        point = services.create_point(
            enterprise,
            {"name": starter.name, "kind": starter.kind, "emergency_actions": starter.emergency},
            actor=actor,
        )
        for description, factor, accidents, (l, e, c) in starter.hazards:  # noqa: E741
            services.add_hazard(
                point,
                {"description": description, "factor_code": factor,
                 "accident_types": list(accidents), "method": "lec", "l_value": l,
                 "e_value": e, "c_value": c},
                actor=actor,
            )  # fmt: skip
        for kind, text, level in starter.measures:
            services.add_measure(
                point,
                {"kind": kind, "description": text, "control_level": level,
                 "responsible": RESPONSIBLE},
                actor=actor,
            )  # fmt: skip
    return len(template.points)
