"""The unified social credit code (统一社会信用代码) and its check character.

GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》: 18 characters drawn from the 31-character
set ``0-9 A-H J-N P-R T U W X Y`` (no I, O, Z, S, V): one character for the registering authority
(登记管理部门代码), one for the kind of organisation (机构类别代码), six digits of the
administrative division (登记管理机关行政区划码, GB/T 2260), nine characters of the
organisation code (主体标识码, GB 11714), and the check character (校验码), computed in
clause 4.3 / annex as ``C18 = 31 - (sum(Ci * Wi) mod 31)`` with ``Wi = 3**(i-1) mod 31``, a
result of 31 being written as ``0``.

Pure Python, no Django import: checking a code needs no settings, so the module is kept usable
outside Django (today all its callers are Django code). Its reasons are Chinese msgids marked for
the catalogue by a local :func:`gettext_noop`; Django code shows them in the active language
with ``error.translate(gettext)``, and ``str(error)`` is the Chinese reason.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

__all__ = ["ALPHABET", "CreditCodeError", "check_character", "is_valid", "normalize"]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for ``makemessages`` (which extracts calls by this name) untranslated."""
    return message


# GB 32100-2015 表 1: code characters and their values (I, O, Z, S, V are not used).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
# GB 32100-2015 4.3: the weight of position i (1-based) is 3^(i-1) mod 31.
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_NOT_ALLOWED = gettext_noop("含有编码规则不允许的字符“%(characters)s”")


class CreditCodeError(ValueError):
    """Why a value is not a valid unified social credit code.

    ``str(error)`` is the Chinese reason; :meth:`translate` renders the same reason through a
    gettext function, so the caller's active language applies.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params)
        self.message = message
        self.params = params

    def translate(self, gettext: Callable[[str], str]) -> str:
        """The reason in the language of ``gettext`` (e.g. Django's, for the request)."""
        return gettext(self.message) % self.params


def check_character(first17: str) -> str:
    """The check character (18th) for the first 17 characters (GB 32100-2015 4.3)."""
    if len(first17) != 17:
        raise CreditCodeError(gettext_noop("计算校验码需要前17位"))
    try:
        # map() rather than a generator: the import checks 10,000 codes in one request.
        total = sum(map(operator.mul, map(_VALUES.__getitem__, first17), _WEIGHTS))
    except KeyError as error:
        raise CreditCodeError(_NOT_ALLOWED, characters=error.args[0]) from None
    return ALPHABET[(31 - total % 31) % 31]


def normalize(value: object) -> str:
    """The code in canonical form (stripped, upper case), or :class:`CreditCodeError`.

    Lower-case input is accepted and upper-cased: people type codes by hand, and GB 32100-2015
    defines the characters, not their case on a form.
    """
    code = str(value or "").strip().upper()
    if not code:
        raise CreditCodeError(gettext_noop("统一社会信用代码不能为空"))
    if len(code) != 18:
        raise CreditCodeError(
            gettext_noop("统一社会信用代码应为18位，实际为%(length)s位"), length=len(code)
        )
    bad = sorted({char for char in code if char not in _VALUES})
    if bad:
        raise CreditCodeError(_NOT_ALLOWED, characters="".join(bad))
    if not code[2:8].isdigit():
        raise CreditCodeError(gettext_noop("第3-8位（登记管理机关行政区划码）应为数字"))
    expected = check_character(code[:17])
    if code[17] != expected:
        raise CreditCodeError(
            gettext_noop("校验码错误：第18位应为“%(expected)s”，实际为“%(actual)s”"),
            expected=expected,
            actual=code[17],
        )
    return code


def is_valid(value: object) -> bool:
    """Whether ``value`` is a valid code in canonical (upper-case) form."""
    try:
        return normalize(value) == value
    except CreditCodeError:
        return False
