"""The built-in checklist templates (排查清单) by industry and category.

Each template holds a few general items (a concise, real list an inspector can work through on
a phone) and, where ``anjian.standards.major_danger`` has criteria for its scope, every
criterion in force as an item of its own: failing such an item makes the danger major, with the
criterion's citation. :func:`install` writes them (idempotent, by key and item order).
"""

from __future__ import annotations

from django.db import transaction

from anjian.standards import major_danger

GENERAL = "《安全生产法》第四十一条（隐患排查治理制度）"

# key, name, scope, major-danger criteria scopes, items (text, basis)
TEMPLATES: tuple[tuple[str, str, str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "metallurgy",
        "冶金企业",
        "工贸行业·冶金",
        ("industry_trade",),
        (
            ("高温熔融金属吊运设备的制动器、安全联锁装置完好有效", "GB 30078"),
            ("炉体冷却水系统流量、温度监测及报警装置正常", "AQ 2002"),
            ("煤气区域设置固定式一氧化碳检测报警装置并定期校验", "GB 6222"),
            ("作业人员正确佩戴劳动防护用品", GENERAL),
        ),
    ),
    (
        "nonferrous",
        "有色金属企业",
        "工贸行业·有色",
        ("industry_trade",),
        (
            ("熔炼炉、保温炉周边无积水、无易燃物", "AQ 7011"),
            ("铝镁粉尘作业场所防尘防爆措施落实", "GB 15577"),
            ("吊运熔融金属的起重机为冶金铸造起重机", "GB 30078"),
        ),
    ),
    (
        "building_materials",
        "建材企业",
        "工贸行业·建材",
        ("industry_trade",),
        (
            ("水泥窑、预热器清堵作业有专人监护和安全措施", "AQ 7010"),
            ("破碎机、皮带输送机防护罩、急停拉绳完好", "GB 5083"),
            ("料仓、筒仓进入作业执行有限空间审批", "GB 30871"),
        ),
    ),
    (
        "machinery",
        "机械企业",
        "工贸行业·机械",
        ("industry_trade",),
        (
            ("冲压设备双手操作按钮或光电保护装置有效", "GB 27607"),
            ("砂轮机防护罩、托架间隙符合要求", "GB 4674"),
            ("起重机械定期检验合格，钢丝绳无断丝超标", "TSG Q7015"),
            ("喷漆房通风、防爆电气设施完好", "GB 14444"),
        ),
    ),
    (
        "light_industry",
        "轻工企业",
        "工贸行业·轻工",
        ("industry_trade",),
        (
            ("锅炉、压力容器定期检验合格，安全阀校验有效", "TSG 08"),
            ("食品加工机械防护装置齐全", "GB 16798"),
            ("仓库物品堆放符合防火间距要求", "GB 50016"),
        ),
    ),
    (
        "textile",
        "纺织企业",
        "工贸行业·纺织",
        ("industry_trade",),
        (
            ("梳棉、清花设备除尘系统运行正常、无积尘", "AQ 4211"),
            ("车间安全出口、疏散通道畅通", "GB 50016"),
            ("电气线路无私拉乱接、老化破损", "GB 50054"),
        ),
    ),
    (
        "tobacco",
        "烟草企业",
        "工贸行业·烟草",
        ("industry_trade",),
        (
            ("制丝线除尘系统防爆措施完好", "GB 15577"),
            ("成品库消防设施完好有效", "GB 50016"),
            ("叉车等场内机动车辆定期检验", "TSG N0001"),
        ),
    ),
    (
        "trade",
        "商贸企业",
        "工贸行业·商贸",
        ("industry_trade",),
        (
            ("营业场所安全出口、疏散通道畅通，应急照明有效", "GB 50016"),
            ("货架稳固，高处货物堆放不超限", GENERAL),
            ("电动车充电区域与营业区分隔", "GB 51251"),
        ),
    ),
    (
        "chemical",
        "化工和危险化学品",
        "化工和危险化学品生产经营单位",
        ("chemical",),
        (
            ("罐区防火堤完好，排水阀常闭", "GB 50351"),
            ("可燃、有毒气体检测报警仪定期校验", "GB/T 50493"),
            ("特殊作业票证齐全，现场监护到位", "GB 30871"),
        ),
    ),
    (
        "ammonia_refrigeration",
        "涉氨制冷",
        "使用液氨制冷的工贸企业",
        ("ammonia_refrigeration",),
        (
            ("氨压缩机房设置氨气浓度报警并与事故排风联锁", "GB 28009"),
            ("液氨储罐液位计、安全阀完好", "GB 28009"),
        ),
    ),
    (
        "dust_explosion",
        "粉尘涉爆",
        "存在粉尘爆炸危险的工贸企业",
        ("dust_explosion",),
        (
            ("粉尘清扫制度落实，清扫记录完整", "GB 15577"),
            ("除尘器灰斗定期卸灰", "GB 15577"),
        ),
    ),
    (
        "confined_space",
        "有限空间",
        "有限空间作业的工贸企业",
        ("confined_space",),
        (
            ("有限空间作业配备气体检测仪、通风设备和救援器材", "GB 30871"),
            ("作业人员经有限空间作业培训", GENERAL),
        ),
    ),
    (
        "crowded_places",
        "人员密集场所",
        "商场、宾馆、学校、医院等人员密集场所",
        (),
        (
            ("安全出口、疏散通道畅通，无锁闭、堵塞", "《消防法》第二十八条"),
            ("疏散指示标志、应急照明完好", "GB 51309"),
            ("消防设施器材完好有效，消防控制室24小时值班", "GB 25506"),
            ("电气线路、燃气设施无私拉乱接", "GB 50054"),
        ),
    ),
    (
        "construction",
        "建筑施工",
        "房屋建筑和市政基础设施工程",
        (),
        (
            ("深基坑支护、降水符合专项方案", "JGJ 120"),
            ("脚手架搭设验收合格，连墙件齐全", "JGJ 130"),
            ("塔吊、施工升降机安装验收、定期检验", "JGJ 196"),
            ("临边、洞口防护到位", "JGJ 80"),
            ("施工用电三级配电两级保护", "JGJ 46"),
        ),
    ),
)


@transaction.atomic
def install() -> int:
    """Create or refresh the built-in templates; returns how many items they hold."""
    from anjian.dangers.models import Checklist, ChecklistItem

    total = 0
    for order, (key, name, scope, criteria_scopes, items) in enumerate(TEMPLATES):
        checklist, _created = Checklist.objects.update_or_create(
            key=key, defaults={"name": name, "scope": scope, "order": order}
        )
        rows = [(text, basis, "") for text, basis in items]
        for scope_key in criteria_scopes:
            rows += [
                (c.text[:300], c.citation[:300], c.code) for c in major_danger.criteria(scope_key)
            ]
        for number, (text, basis, code) in enumerate(rows, start=1):
            ChecklistItem.objects.update_or_create(
                checklist=checklist,
                order=number,
                defaults={"text": text, "basis": basis, "criterion_code": code},
            )
        checklist.items.filter(order__gt=len(rows)).delete()
        total += len(rows)
    return total
