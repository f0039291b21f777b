"""Input formats shared by every language (``FORMAT_MODULE_PATH``).

A date or datetime input renders its value with the first of ``DATE_INPUT_FORMATS`` /
``DATETIME_INPUT_FORMATS``. Django's Chinese locale starts with ``%Y/%m/%d``, which an
``<input type="date">`` rejects: the box shows empty and saving the form erases the date. ISO
first, in every language, makes every form render values the browser's pickers accept; the
other formats still parse what people type.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%m/%d/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what <input type="datetime-local"> sends and accepts (first: renders)
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
