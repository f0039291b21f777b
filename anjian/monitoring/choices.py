from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """GB 18218-2018 §3.4/§3.5: a production unit or a storage unit."""

    PRODUCTION = "production", _("生产单元")
    STORAGE = "storage", _("储存单元")


class SensorKind(models.TextChoices):
    TEMPERATURE = "temperature", _("温度")
    PRESSURE = "pressure", _("压力")
    LEVEL = "level", _("液位")
    FLOW = "flow", _("流量")
    TOXIC_GAS = "toxic_gas", _("有毒气体")
    COMBUSTIBLE_GAS = "combustible_gas", _("可燃气体（点型）")
    LINE_COMBUSTIBLE_GAS = "line_combustible_gas", _("可燃气体（线型）")
    OXYGEN = "oxygen", _("环境氧气")


GAS_KINDS = frozenset(
    {
        SensorKind.TOXIC_GAS,
        SensorKind.COMBUSTIBLE_GAS,
        SensorKind.LINE_COMBUSTIBLE_GAS,
        SensorKind.OXYGEN,
    }
)


class SetPointBasis(models.TextChoices):
    """What a toxic gas detector's set points are set on (GB/T 50493-2019)."""

    MAC = "MAC", "MAC"
    PC_TWA = "PC-TWA", "PC-TWA"
    PC_STEL = "PC-STEL", "PC-STEL"
    IDLH = "IDLH", "IDLH"


class AlarmLevel(models.TextChoices):
    """From the most severe: the limit crossed, or the sensor gone silent."""

    HH = "HH", _("高高报")
    H = "H", _("高报")
    L = "L", _("低报")
    LL = "LL", _("低低报")
    OFFLINE = "offline", _("离线")


class AlarmState(models.TextChoices):
    RAISED = "raised", _("已报警")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已关闭")


class RejectReason(models.TextChoices):
    UNKNOWN_SENSOR = "unknown_sensor", _("未知传感器")
    NOT_A_NUMBER = "not_a_number", _("数值无效")
    OUT_OF_RANGE = "out_of_range", _("超出量程")
    BAD_TIME = "bad_time", _("时间无效")
    TOO_NEW = "too_new", _("时间超前")
    TOO_OLD = "too_old", _("时间过早")
    MALFORMED = "malformed", _("格式错误")
