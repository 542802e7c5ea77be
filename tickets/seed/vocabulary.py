"""The words seeded tickets are made of, in Russian and English, and the texts made from them.

A title is a device or system, a problem it has, and sometimes a place; descriptions restate
the problem in a sentence and add the usual details, so search finds words in both fields.
"""

import datetime
from bisect import bisect
from random import Random
from typing import Any

from .proportions import DETAIL_COUNT_WEIGHTS, LONG_REPORT_SHARE, cumulative

RU_DEVICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (nominative, prepositional "в принтере", problems)
    (
        "Принтер",
        "принтере",
        ("не печатает", "зажёвывает бумагу", "печатает полосами", "не виден в сети"),
    ),
    ("МФУ", "МФУ", ("не сканирует в PDF", "не печатает с двух сторон", "показывает ошибку E-05")),
    ("Ноутбук", "ноутбуке", ("не включается", "сильно греется", "не заряжается", "не видит Wi-Fi")),
    (
        "Компьютер",
        "компьютере",
        ("не загружается", "очень медленно работает", "сам перезагружается"),
    ),
    ("Монитор", "мониторе", ("мерцает", "не включается", "пишет «нет сигнала»")),
    ("Телефон", "телефоне", ("не звонит", "нет гудка", "не регистрируется на станции")),
    ("Проектор", "проекторе", ("не видит ноутбук", "показывает тусклую картинку")),
    ("Сканер", "сканере", ("не сканирует", "не отправляет скан на почту")),
    ("Клавиатура", "клавиатуре", ("не работает", "залипают клавиши")),
    ("Мышь", "мыши", ("не работает", "дёргается курсор")),
)
RU_SYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("VPN", ("отключается каждый час", "не подключается из дома", "очень медленный")),
    ("Outlook", ("не синхронизирует почту", "просит пароль каждые пять минут", "не открывается")),
    ("1С", ("выдаёт ошибку при проведении документа", "медленно открывается", "не печатает счета")),
    ("Wi-Fi", ("пропадает каждые десять минут", "не подключается", "очень медленный")),
    ("Почта", ("не приходит от клиентов", "уходит в спам", "не отправляется")),
    ("Сетевой диск", ("не подключается", "открывается только на чтение")),
    ("Teams", ("не показывает видео", "вылетает при звонке")),
    ("Битрикс24", ("не загружает задачи", "не приходят уведомления")),
)
RU_PLACES = (
    "в кабинете {room}",
    "в кабинете {room}",
    "в переговорной «{meeting}»",
    "на ресепшене",
    "в бухгалтерии",
    "на складе",
    "на {floor} этаже",
    "в отделе кадров",
)
RU_REQUESTS = (
    "Нужен доступ к {system}",
    "Сбросить пароль от {system}",
    "Установить {software} на рабочее место",
    "Заменить картридж в принтере в кабинете {room}",
    "Подключить новый принтер в кабинете {room}",
    "Выдать ноутбук новому сотруднику",
    "Настроить почту на телефоне",
    "Ошибка {code} при входе в {system}",
    "Не работает пропуск на {floor} этаже",
    "Перенести рабочее место в кабинет {room}",
)
RU_ACCESS = ("1С", "CRM", "сетевой папке «Бухгалтерия»", "Jira", "порталу закупок", "VPN")
RU_SENTENCES = (
    "Проблема началась сегодня утром.",
    "Перезагрузка не помогла.",
    "Коллеги в соседнем кабинете работают без проблем.",
    "Прошу решить как можно скорее: горит квартальный отчёт.",
    "Инвентарный номер {inv}.",
    "Мой внутренний номер {ext}, звоните в любое время.",
    "Пробовала переподключить кабель — без изменений.",
    "Такое уже было на прошлой неделе, тогда помог перезапуск.",
    "Ошибка появляется примерно раз в час.",
    "На экране сообщение: «Ошибка {code}».",
    "Работаю из дома, подключаюсь через VPN.",
    "Нужно до конца дня, завтра приезжает клиент.",
    "Драйвер переустанавливали месяц назад.",
    "Скриншот ошибки могу прислать по почте.",
)
RU_GREETINGS = ("Добрый день!", "Здравствуйте!", "Коллеги, добрый день.", "")
RU_CLOSINGS = ("Спасибо!", "Заранее спасибо.", "С уважением, {name}.", "")
RU_AGENT_COMMENTS = (
    "Взял в работу.",
    "Перезапустил службу печати, проверьте, пожалуйста.",
    "Заказали картридж, ожидаем поставку до пятницы.",
    "Подключился удалённо, обновил драйвер. Проверьте ещё раз.",
    "Доступ выдан, потребуется перезайти в систему.",
    "Уточните, пожалуйста, инвентарный номер устройства.",
    "Подойду после обеда, будьте на месте.",
    "Заменили кабель, всё работает.",
)
RU_INTERNAL_NOTES = (
    "Похоже на драйвер, эскалирую на вторую линию.",
    "Третье обращение за месяц, пора менять устройство.",
    "Ждём согласования от руководителя отдела.",
    "Поставщик обещал замену по гарантии, номер заявки {code}.",
)
RU_REQUESTER_COMMENTS = (
    "Спасибо, заработало!",
    "Проблема повторилась сегодня.",
    "Когда примерно будет решено?",
    "Я на месте до шести вечера.",
    "Инвентарный номер {inv}.",
)

EN_DEVICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Printer", ("is not printing", "jams paper", "prints streaks", "is offline")),
    ("Laptop", ("does not turn on", "overheats", "is not charging", "cannot find Wi-Fi")),
    ("Monitor", ("flickers", "shows no signal", "does not turn on")),
    ("Desk phone", ("has no dial tone", "does not ring")),
    ("Projector", ("does not detect my laptop", "shows a dim picture")),
    ("Scanner", ("does not scan to email", "is not detected")),
    ("Docking station", ("does not charge the laptop", "drops the second screen")),
)
EN_SYSTEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("VPN", ("disconnects every hour", "does not connect from home", "is very slow")),
    ("Outlook", ("does not sync", "keeps asking for my password", "crashes on start")),
    ("Wi-Fi", ("drops every few minutes", "does not connect")),
    ("Email", ("from customers is not arriving", "goes to spam")),
    ("Shared drive", ("is read-only", "does not mount")),
    ("CRM", ("times out on reports", "shows error {code}")),
)
EN_PLACES = (
    "in room {room}",
    "in room {room}",
    "in meeting room {meeting_en}",
    "at reception",
    "in the warehouse",
    "on floor {floor}",
)
EN_REQUESTS = (
    "Need access to {system_en}",
    "Password reset for {system_en}",
    "Install {software} on my laptop",
    "Replace toner in the printer in room {room}",
    "New laptop for a new hire",
    "Set up email on my phone",
    "Error {code} when signing in to {system_en}",
    "Badge does not open the door on floor {floor}",
)
EN_ACCESS = ("the CRM", "Jira", "the finance share", "the purchasing portal", "the VPN")
EN_SENTENCES = (
    "It started this morning.",
    "Restarting did not help.",
    "My colleagues next door are not affected.",
    "Please fix it as soon as possible, I have a deadline today.",
    "Asset tag {inv}.",
    "My extension is {ext}.",
    "I tried another cable, no change.",
    "The same thing happened last week.",
    "The error shows up about once an hour.",
    "The message says: Error {code}.",
    "I am working from home over the VPN.",
    "I can send a screenshot if needed.",
)
EN_GREETINGS = ("Hi,", "Hello team,", "Good morning,", "")
EN_CLOSINGS = ("Thanks!", "Thank you.", "Regards, {name}", "")
EN_AGENT_COMMENTS = (
    "Taking this one.",
    "Restarted the print spooler, please try again.",
    "Toner ordered, should arrive by Friday.",
    "Updated the driver remotely, please check.",
    "Access granted, please sign out and back in.",
    "Could you send the asset tag of the device?",
)
EN_INTERNAL_NOTES = (
    "Looks like a driver issue, escalating to second line.",
    "Third ticket this month from this desk, hardware should be replaced.",
    "Waiting for the manager's approval.",
    "Vendor RMA opened, case {code}.",
)
EN_REQUESTER_COMMENTS = (
    "Thanks, it works now!",
    "It happened again today.",
    "Any update on this?",
    "I am at my desk until 6 pm.",
)
LOG_SOURCES = ("spooler", "vpnagent", "outlook", "1cv8", "netlogon", "wlan", "msedge")
SOFTWARE = ("Adobe Reader", "7-Zip", "Zoom", "Visio", "Power BI", "КриптоПро", "AutoCAD")
MEETING_ROOMS = ("Байкал", "Эльбрус", "Нева", "Волга", "Ладога")
MEETING_ROOMS_EN = ("Baikal", "Elbrus", "Neva", "Volga", "Ladoga")

RU_MALE_FIRST = ("Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Павел", "Артём")
RU_FEMALE_FIRST = ("Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Дарья")
RU_LAST = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Волков", "Соколов", "Лебедев")
EN_FIRST = ("John", "Emma", "Olivia", "James", "Sophia", "Liam", "Mia", "Noah", "Ava", "Lucas")
EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Clark", "Walker")


class TextPool:
    """Titles, descriptions and comments of one language, made once per run and drawn per ticket.

    Making each text from scratch would cost more than loading it; a ticket combines a title
    (with the sentence that restates it) with a body, a greeting and a closing from the pools.
    """

    def __init__(self, rng: Random, *, ru: bool, titles: int = 6000, bodies: int = 4000) -> None:
        self.ru = ru
        self.detail_cum = cumulative(DETAIL_COUNT_WEIGHTS)
        self.titles = [self._title(rng) for _ in range(titles)]
        self.bodies = [self._body(rng) for _ in range(bodies)]
        greetings = RU_GREETINGS if ru else EN_GREETINGS
        self.greetings = [f"{g}\n" if g else "" for g in greetings]
        self.closings = [f"\n\n{c}" if c else "" for c in (RU_CLOSINGS if ru else EN_CLOSINGS)]
        code = lambda: f"RMA-{rng.randint(1000, 9999)}"  # noqa: E731
        inv = lambda: rng.randint(10000, 99999)  # noqa: E731
        variants = range(200)
        self.agent_comments = [
            rng.choice(RU_AGENT_COMMENTS if ru else EN_AGENT_COMMENTS) for _ in variants
        ]
        self.internal_notes = [
            rng.choice(RU_INTERNAL_NOTES if ru else EN_INTERNAL_NOTES).format(code=code())
            for _ in variants
        ]
        self.requester_comments = [
            rng.choice(RU_REQUESTER_COMMENTS if ru else EN_REQUESTER_COMMENTS).format(inv=inv())
            for _ in variants
        ]

    @staticmethod
    def _values(rng: Random) -> dict[str, Any]:
        choice = rng.choice
        return {
            "room": rng.randint(101, 912),
            "floor": rng.randint(1, 9),
            "meeting": choice(MEETING_ROOMS),
            "meeting_en": choice(MEETING_ROOMS_EN),
            "software": choice(SOFTWARE),
            "code": f"0x{rng.randint(0x1000, 0xFFFF):04X}",
            "inv": f"INV-{rng.randint(10000, 99999)}",
            "ext": rng.randint(1000, 4999),
            "system": choice(RU_ACCESS),
            "system_en": choice(EN_ACCESS),
        }

    def _title(self, rng: Random) -> tuple[str, str]:
        """A title and the sentence that opens its description."""
        choice, values, kind = rng.choice, self._values(rng), rng.random()
        if self.ru:
            if kind < 0.5:
                device, device_in, problems = choice(RU_DEVICES)
                problem, place = choice(problems), choice(RU_PLACES).format(**values)
                title = (
                    f"{device} {place} {problem}" if rng.random() < 0.7 else f"{device} {problem}"
                )
                lead = f"{device} {place} {problem}."
                if rng.random() < 0.3:
                    lead += f" Проблема в {device_in}, а не в сети."
                return title, lead
            if kind < 0.75:
                system, problems = choice(RU_SYSTEMS)
                title = f"{system} {choice(problems).format(**values)}"
                return title, f"{title}."
            title = choice(RU_REQUESTS).format(**values)
            return title, f"Прошу: {title[0].lower()}{title[1:]}."
        if kind < 0.5:
            device, problems = choice(EN_DEVICES)
            problem, place = choice(problems), choice(EN_PLACES).format(**values)
            title = f"{device} {place} {problem}" if rng.random() < 0.7 else f"{device} {problem}"
            return title, f"The {device.lower()} {place} {problem}."
        if kind < 0.75:
            system, problems = choice(EN_SYSTEMS)
            title = f"{system} {choice(problems).format(**values)}"
            return title, f"{title}."
        title = choice(EN_REQUESTS).format(**values)
        return title, f"Please: {title[0].lower()}{title[1:]}."

    def _body(self, rng: Random) -> str:
        """What follows the opening sentence: a few details or none, now and then a long report."""
        values = self._values(rng)
        sentences = RU_SENTENCES if self.ru else EN_SENTENCES
        if rng.random() >= LONG_REPORT_SHARE:
            count = bisect(self.detail_cum, rng.random() * self.detail_cum[-1])
            return "".join(f" {s.format(**values)}" for s in rng.sample(sentences, count))
        chosen = [s.format(**values) for s in rng.sample(sentences, rng.randint(4, 8))]
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
        log = "\n".join(
            f"{day} {rng.randrange(8, 19):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
            f" ERROR {rng.choice(LOG_SOURCES)}: request {rng.randrange(10**6)} failed"
            f" with {values['code']}"
            for _ in range(rng.randint(3, 25))
        )
        return f" {' '.join(chosen[:3])}\n\n{' '.join(chosen[3:])}\n\n{log}"


def person(rng: Random) -> tuple[str, str]:
    """A first and a last name: mostly Russian, one in five English."""
    kind = rng.random()
    if kind < 0.4:
        return rng.choice(RU_MALE_FIRST), rng.choice(RU_LAST)
    if kind < 0.8:
        return rng.choice(RU_FEMALE_FIRST), rng.choice(RU_LAST) + "а"
    return rng.choice(EN_FIRST), rng.choice(EN_LAST)
