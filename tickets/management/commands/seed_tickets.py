"""Fills the database with realistic tickets, history and comments for demos and benchmarks.

PostgreSQL loads with COPY, following the manual's "Populating a Database" advice: for a large
load the three ticket tables lose their secondary indexes and foreign keys, which are rebuilt
afterwards from the definitions read from the catalog, and the tables are analyzed and vacuumed.
Outside a transaction the work is spread over `--jobs` processes and connections: each process
makes and copies every n-th batch of tickets, then the connections rebuild the indexes several at
a time. The definitions wait in a table of their own until every index is back, so a run that
fails or is interrupted half-way is repaired by the next one (`--count 0` will do). Inside a
transaction, or with `--jobs 1`, everything happens in that one transaction. SQLite takes batched
INSERTs, for small demo databases.

The data depend only on `--seed`, `--end` and `--batch` (and the ids already in use), not on
`--jobs`: two runs with the same options write the same tickets. Without `--reset` the command
appends.
"""

import datetime
import multiprocessing
import os
import queue
import re
import threading
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from math import log
from random import Random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone

from tickets.authentication import forget_user
from tickets.models import Comment, Ticket, TicketChange

User = get_user_model()

UTC = datetime.UTC
DAY = 86_400.0
EPOCH_DAY = datetime.date(1970, 1, 1)
SPAN_DAYS = 730
DEFAULT_PASSWORD = "seed-password-2026"
SEEDED_USERNAME = re.compile(r"^(agent\d{3,}|user\d{4,})$")

# --- Words -------------------------------------------------------------------------------------
# A title is a device or system, a problem it has, and sometimes a place; descriptions restate
# the problem in a sentence and add the usual details, so search finds words in both fields.

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


# --- Proportions -------------------------------------------------------------------------------
STATUSES = ("new", "in_progress", "on_hold", "resolved", "closed")
PRIORITIES = ("low", "medium", "high", "critical")
PRIORITY_WEIGHTS = (25, 50, 20, 5)
# Older tickets are mostly done; the last weeks hold the open work.
STATUS_WEIGHTS_BY_AGE = (
    (14.0, (30, 30, 10, 22, 8)),
    (60.0, (6, 12, 6, 36, 40)),
    (float("inf"), (1, 2, 2, 20, 75)),
)
# Mean hours between two steps of a ticket's life, by priority.
MEAN_STEP_HOURS = {"low": 40.0, "medium": 16.0, "high": 5.0, "critical": 1.5}
WORKFLOW = {
    "new": (),
    "in_progress": ("in_progress",),
    "on_hold": ("in_progress", "on_hold"),
    "resolved": ("in_progress", "resolved"),
    "closed": ("in_progress", "resolved", "closed"),
}
COMMENT_COUNT_WEIGHTS = (40, 25, 15, 10, 5, 3, 2)  # 0..6 comments
# Sentences after the one that restates the title: most people write a line or two.
DETAIL_COUNT_WEIGHTS = (25, 35, 25, 15)  # 0..3 sentences
# Now and then someone writes a long report and pastes an error log into it.
LONG_REPORT_SHARE = 0.03
EMPTY_DESCRIPTION_SHARE = 0.05
UNASSIGNED_NEW_SHARE = 0.6
PRIORITY_CHANGE_SHARE = 0.08
INTERNAL_SHARE = 0.3
DELETED_SHARE = 0.002
MAX_COMMENTS = len(COMMENT_COUNT_WEIGHTS) - 1
# Created, a priority change, the assignment, the status steps, the comments and a deletion.
MAX_CHANGES = 3 + max(len(steps) for steps in WORKFLOW.values()) + MAX_COMMENTS + 1


def cumulative(weights: Sequence[float]) -> list[float]:
    """Running totals, for `bisect` to draw a weighted choice with one random number."""
    total, result = 0.0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


# --- Rows --------------------------------------------------------------------------------------

TICKET_FIELDS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assignee",
    "requester",
    "created_at",
    "updated_at",
    "resolved_at",
    "version",
    "deleted_at",
    "deleted_by",
)
COMMENT_FIELDS = ("id", "ticket", "author", "created_at", "text", "internal")
CHANGE_FIELDS = (
    "id",
    "ticket",
    "actor",
    "created_at",
    "action",
    "field",
    "old_value",
    "new_value",
    "comment",
    "internal",
)


@dataclass
class Table:
    """Where rows of one model go: the columns the seeder writes, plus defaults for the rest."""

    model: type[models.Model]
    fields: Sequence[str]
    columns: list[str] = field(init=False)
    timestamps: set[int] = field(init=False)
    extra: tuple[Any, ...] = field(init=False)

    def __post_init__(self) -> None:
        meta = self.model._meta
        self.columns = [meta.get_field(name).column for name in self.fields]
        # Times travel as whole seconds since the epoch until a loader writes them.
        self.timestamps = {
            i
            for i, name in enumerate(self.fields)
            if isinstance(meta.get_field(name), models.DateTimeField)
        }
        # Columns added to the model later and unknown here get their default, not a NULL.
        rest = [
            f
            for f in meta.concrete_fields
            if f.name not in self.fields and not getattr(f, "generated", False)
        ]
        self.columns += [f.column for f in rest]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


@dataclass
class Batch:
    """The rows of one batch of tickets, in the field order of the *_FIELDS tuples.

    Comment and history ids count from 0 within the batch (a history entry refers to its comment
    the same way): the writer adds the batch's first ids, known once the batches before it are made.
    """

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    comments: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[Any, ...]] = field(default_factory=list)


USER_FIELDS = ("password", "first_name", "last_name", "email", "is_staff", "is_active")


class Names:
    """Usernames of the seeded agents and requesters."""

    def __init__(self, agents: int, requesters: int) -> None:
        self.agents = [f"agent{n:03d}" for n in range(1, agents + 1)]
        self.requesters = [f"user{n:04d}" for n in range(1, requesters + 1)]
        self.all = self.agents + self.requesters


@dataclass
class People:
    """Ids of the seeded users, and the names that requesters sign their tickets with."""

    agents: list[int]
    requesters: list[int]
    names: dict[int, str]


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


class TicketGenerator:
    """Makes the rows of consecutive tickets; each batch has its own random stream."""

    def __init__(self, *, seed: int, end: datetime.datetime, people: People) -> None:
        self.seed = seed
        self.end = int(end.timestamp())
        self.start = self.end - int(SPAN_DAYS * DAY)
        self.people = people
        rng = Random(f"{seed}:texts")
        self.pools = (TextPool(rng, ru=True), TextPool(rng, ru=False))
        self.priority_cum = cumulative(PRIORITY_WEIGHTS)
        self.age_limits = [age * DAY for age, _weights in STATUS_WEIGHTS_BY_AGE]
        self.status_cums = [cumulative(weights) for _age, weights in STATUS_WEIGHTS_BY_AGE]
        self.comment_cum = cumulative(COMMENT_COUNT_WEIGHTS)

    def batch(self, *, number: int, first_ticket: int, size: int, offset: int, total: int) -> Batch:
        """Tickets `offset .. offset+size` of `total`, spread evenly over the two years."""
        rng = Random(f"{self.seed}:{number}")
        out = Batch()
        step = (self.end - self.start) / total
        start, random, make = self.start, rng.random, self._ticket
        for i in range(size):
            make(rng, first_ticket + i, int(start + (offset + i + random()) * step), out)
        return out

    def _ticket(self, rng: Random, ticket_id: int, created: int, out: Batch) -> None:
        random = rng.random
        people = self.people
        agents, requesters = people.agents, people.requesters
        n_agents = len(agents)

        pool = self.pools[0] if random() < 0.7 else self.pools[1]
        # A few people file most tickets.
        requester = requesters[int(len(requesters) * random() ** 2)]
        title, lead = pool.titles[int(len(pool.titles) * random())]
        if random() < EMPTY_DESCRIPTION_SHARE:
            description = ""
        else:
            closing = pool.closings[int(len(pool.closings) * random())]
            if "{name}" in closing:
                closing = closing.replace("{name}", people.names[requester])
            description = (
                f"{pool.greetings[int(len(pool.greetings) * random())]}{lead}"
                f"{pool.bodies[int(len(pool.bodies) * random())]}{closing}"
            )

        priority = PRIORITIES[bisect(self.priority_cum, random() * self.priority_cum[-1])]
        age = self.end - created
        status_cum = self.status_cums[bisect(self.age_limits, age)]
        status = STATUSES[bisect(status_cum, random() * status_cum[-1])]
        assignee: int | None = agents[int(n_agents * random())]
        if status == "new" and random() < UNASSIGNED_NEW_SHARE:
            assignee = None
        dispatcher = agents[int(n_agents * random())]

        rate = 1.0 / (MEAN_STEP_HOURS[priority] * 3600.0)
        end = self.end
        moment = created
        # (time, order, action, actor, field, old, new) or (time, order, action, actor, text,
        # internal) for comments
        events: list[tuple[Any, ...]] = [(created, 0, "created", requester, "", None, None)]
        # The steps come at exponentially distributed intervals (`rng.expovariate`, inlined).
        if random() < PRIORITY_CHANGE_SHARE:
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            first = PRIORITIES[(PRIORITIES.index(priority) + 1) % 4]
            events.append(
                (moment, 1, "changed", dispatcher, "priority", f'"{first}"', f'"{priority}"')
            )
        if assignee is not None:
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            events.append((moment, 2, "changed", dispatcher, "assignee", None, str(assignee)))
        previous = '"new"'
        resolved_at: int | None = None
        for order, step in enumerate(WORKFLOW[status], 3):
            moment += int(min(-log(1.0 - random()) / rate, (end - moment) * random()))
            new = f'"{step}"'
            events.append((moment, order, "changed", assignee, "status", previous, new))
            if step == "resolved":
                resolved_at = moment
            previous = new
        updated = moment
        version = len(events)  # 1 + the changes so far

        n_comments = bisect(self.comment_cum, random() * self.comment_cum[-1])
        if n_comments:
            horizon = max(updated - created, min(end - created, int(3 / rate)))
            for order in range(10, 10 + n_comments):
                when = created + int(random() * horizon)
                if assignee is not None and random() < 0.6:
                    if random() < INTERNAL_SHARE:
                        note = pool.internal_notes[int(len(pool.internal_notes) * random())]
                        events.append((when, order, "commented", assignee, note, True))
                    else:
                        note = pool.agent_comments[int(len(pool.agent_comments) * random())]
                        events.append((when, order, "commented", assignee, note, False))
                else:
                    note = pool.requester_comments[int(len(pool.requester_comments) * random())]
                    events.append((when, order, "commented", requester, note, False))

        deleted_at = deleted_by = None
        if random() < DELETED_SHARE:
            last = max(e[0] for e in events)
            deleted_at = updated = last + int(min(DAY * random(), (end - last) * random()))
            deleted_by = dispatcher
            version += 1
            events.append((deleted_at, 99, "deleted", dispatcher, "", None, None))
        if n_comments or deleted_at:
            events.sort()

        comments, changes = out.comments, out.changes
        add_comment, add_change = comments.append, changes.append
        for event in events:
            if event[2] == "commented":
                comment_id = len(comments)
                at, actor, internal = event[0], event[3], event[5]
                add_comment((comment_id, ticket_id, actor, at, event[4], internal))
                change = (len(changes), ticket_id, actor, at, "commented", "", None, None)
                add_change((*change, comment_id, internal))
            else:
                at, _, action, actor, name, old, new = event
                add_change(
                    (len(changes), ticket_id, actor, at, action, name, old, new, None, False)
                )

        out.tickets.append(
            (
                ticket_id,
                title,
                description,
                status,
                priority,
                assignee,
                requester,
                created,
                updated,
                resolved_at,
                version,
                deleted_at,
                deleted_by,
            )
        )


# --- Writers -----------------------------------------------------------------------------------


class Days(dict[int, str]):
    """ISO dates by day number since the epoch, each made once."""

    def __missing__(self, day: int) -> str:
        text = self[day] = (EPOCH_DAY + datetime.timedelta(days=day)).isoformat()
        return text


class CopyText:
    """Rows in COPY's text format, built by hand: several times faster than a row-by-row API.

    A time is written as its day's date and its second's clock, both looked up.
    """

    NULL = "\\N"

    def __init__(self) -> None:
        self.days = Days()
        self.clock = [
            f"{h:02d}:{m:02d}:{s:02d}+00" for h in range(24) for m in range(60) for s in range(60)
        ]

    def stamp(self, seconds: int | None) -> str:
        if seconds is None:
            return self.NULL
        return f"{self.days[seconds // 86_400]} {self.clock[seconds % 86_400]}"

    @staticmethod
    def text(value: str) -> str:
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if "\n" in value or "\r" in value or "\t" in value:
            value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        return value

    @classmethod
    def value(cls, value: Any) -> str:
        if value is None:
            return cls.NULL
        if isinstance(value, bool):
            return "t" if value else "f"
        return cls.text(str(value))

    def tickets(self, rows: list[tuple[Any, ...]], tail: str) -> str:
        n, text, stamp, days, clock = self.NULL, self.text, self.stamp, self.days, self.clock
        return "".join(
            [
                f"{r[0]}\t{text(r[1])}\t{text(r[2])}\t{r[3]}\t{r[4]}\t{n if r[5] is None else r[5]}"
                f"\t{r[6]}\t{days[r[7] // 86_400]} {clock[r[7] % 86_400]}"
                f"\t{days[r[8] // 86_400]} {clock[r[8] % 86_400]}\t{stamp(r[9])}\t{r[10]}"
                f"\t{stamp(r[11])}\t{n if r[12] is None else r[12]}{tail}\n"
                for r in rows
            ]
        )

    def comments(self, rows: list[tuple[Any, ...]], tail: str, first: int) -> str:
        text, days, clock = self.text, self.days, self.clock
        return "".join(
            [
                f"{first + r[0]}\t{r[1]}\t{r[2]}\t{days[r[3] // 86_400]} {clock[r[3] % 86_400]}"
                f"\t{text(r[4])}\t{'t' if r[5] else 'f'}{tail}\n"
                for r in rows
            ]
        )

    def changes(self, rows: list[tuple[Any, ...]], tail: str, first: int, comments: int) -> str:
        n, days, clock = self.NULL, self.days, self.clock
        # History values are JSON numbers and plain strings: nothing in them needs escaping.
        return "".join(
            [
                f"{first + r[0]}\t{r[1]}\t{n if r[2] is None else r[2]}"
                f"\t{days[r[3] // 86_400]} {clock[r[3] % 86_400]}\t{r[4]}\t{r[5]}"
                f"\t{n if r[6] is None else r[6]}\t{n if r[7] is None else r[7]}"
                f"\t{n if r[8] is None else comments + r[8]}\t{'t' if r[9] else 'f'}{tail}\n"
                for r in rows
            ]
        )


class CopyBatches:
    """Turns a batch into COPY statements and data for the ticket, comment and history tables."""

    def __init__(self, tables: Sequence[Table], *, freeze: bool) -> None:
        options = " WITH (FREEZE)" if freeze else ""
        self.statements = []
        for table in tables:
            columns = ", ".join(f'"{c}"' for c in table.columns)
            self.statements.append(f"COPY {table.name} ({columns}) FROM STDIN{options}")
        self.tails = ["".join(f"\t{CopyText.value(v)}" for v in t.extra) for t in tables]
        self.format = CopyText()

    def __call__(
        self, batch: Batch, first_comment: int, first_change: int
    ) -> list[tuple[str, bytes]]:
        tickets, comments, changes = self.statements
        ticket_tail, comment_tail, change_tail = self.tails
        fmt = self.format
        data = [
            (tickets, fmt.tickets(batch.tickets, ticket_tail)),
            (comments, fmt.comments(batch.comments, comment_tail, first_comment)),
            (changes, fmt.changes(batch.changes, change_tail, first_change, first_comment)),
        ]
        return [(sql, text.encode()) for sql, text in data if text]


def copy_all(cursor: Any, items: Sequence[tuple[str, bytes]]) -> None:
    for sql, data in items:
        with cursor.copy(sql) as copy:
            copy.write(data)


class CopyWriter:
    """COPY on one connection, in its current transaction.

    A writer thread streams one batch to the server while the next one is being made, so
    Python and PostgreSQL each keep a core busy; `copied` hears of every batch the server has
    taken in.
    """

    def __init__(
        self, batches: CopyBatches, raw: Any, *, copied: Callable[[int], None] | None = None
    ) -> None:
        self.batches = batches
        self.copied = copied
        self.queue: queue.Queue[tuple[list[tuple[str, bytes]], int] | None] = queue.Queue(2)
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = threading.Thread(target=self._stream, args=(raw,))
        self.thread.start()

    def _stream(self, raw: Any) -> None:
        """Runs the COPY statements handed over by `write`, in order, on the same connection."""
        try:
            with raw.cursor() as cursor:
                while (item := self.queue.get()) is not None:
                    items, tickets = item
                    copy_all(cursor, items)
                    if self.copied is not None:
                        self.copied(tickets)
        except BaseException as error:  # reported by write() or close() in the main thread
            self.error = error
            while self.queue.get() is not None:
                pass

    def write(self, batch: Batch, first_comment: int, first_change: int) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((self.batches(batch, first_comment, first_change), len(batch.tickets)))

    def close(self) -> None:
        """Waits for the writer; raises what it failed with."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        if self.error is not None:
            raise self.error


class SqliteWriter:
    """Batched INSERTs with explicit ids; fine for demo-sized databases."""

    def __init__(self, tables: Sequence[Table]) -> None:
        self.tables = tables

    def write(self, batch: Batch, first_comment: int, first_change: int) -> None:
        ticket_table, comment_table, change_table = self.tables
        self._insert(ticket_table, batch.tickets)
        self._insert(comment_table, [(first_comment + r[0], *r[1:]) for r in batch.comments])
        changes = [
            (first_change + r[0], *r[1:8], None if r[8] is None else first_comment + r[8], r[9])
            for r in batch.changes
        ]
        self._insert(change_table, changes)

    def _insert(self, table: Table, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        adapt = connection.ops.adapt_datetimefield_value
        columns = ", ".join(f'"{c}"' for c in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        stamps = table.timestamps
        prepared = [
            tuple(
                adapt(datetime.datetime.fromtimestamp(v, UTC))
                if i in stamps and v is not None
                else v
                for i, v in enumerate(row + table.extra)
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', prepared)

    def close(self) -> None:
        pass


@dataclass
class Plan:
    """What to load: the batches, and the ids the first ticket, comment and history entry get."""

    count: int
    batch_size: int
    first_ticket: int
    first_comment: int
    first_change: int

    def batches(self) -> Iterator[tuple[int, int, int]]:
        """(number, offset, size) of each batch."""
        for number, offset in enumerate(range(0, self.count, self.batch_size)):
            yield number, offset, min(self.batch_size, self.count - offset)

    def make(self, generator: TicketGenerator, number: int, offset: int, size: int) -> Batch:
        return generator.batch(
            number=number,
            first_ticket=self.first_ticket + offset,
            size=size,
            offset=offset,
            total=self.count,
        )


class ParallelLoad:
    """COPY from several processes at once, each with its own connection and every n-th batch.

    A batch is made from its number alone, so the data do not depend on how many processes make
    them; its comments and history entries get their ids once the batches before it have counted
    theirs. The processes commit together, after all of them have loaded their share.
    """

    POLL = 0.25

    def __init__(
        self, *, jobs: int, plan: Plan, generator: TicketGenerator, tables: Sequence[Table]
    ) -> None:
        self.plan = plan
        self.generator = generator
        self.batches = CopyBatches(tables, freeze=False)
        self.numbers = list(plan.batches())
        self.jobs = max(1, min(jobs, len(self.numbers)))
        # Forked, the workers share the text pools and the schema read by the parent.
        context = multiprocessing.get_context("fork")
        self.condition = context.Condition()
        # Per batch: its number of comments and history entries, then the first ids it gets.
        self.counts = context.Array("q", [-1] * (2 * len(self.numbers)), lock=False)
        self.firsts = context.Array("q", [-1] * (2 * len(self.numbers)), lock=False)
        self.firsts[0], self.firsts[1] = plan.first_comment, plan.first_change
        self.frontier = context.Value("q", 0, lock=False)  # the last batch with known firsts
        self.loaded = context.Value("q", 0, lock=False)
        self.ready = context.Value("i", 0, lock=False)
        self.verdict = context.Value("i", 0, lock=False)  # 1 commit, -1 give up
        self.errors = context.SimpleQueue()
        self.parent = os.getpid()
        self.processes = [
            context.Process(target=self._work, args=(n,), name=f"seed-{n}", daemon=True)
            for n in range(self.jobs)
        ]

    def run(self, progress: "Progress") -> tuple[int, int]:
        """Loads everything; returns the number of comments and history entries written."""
        for process in self.processes:
            process.start()
        try:
            while True:
                with self.condition:
                    self.condition.wait(self.POLL)
                    loaded, ready = self.loaded.value, self.ready.value
                progress.update(loaded)
                failed = [p for p in self.processes if p.exitcode not in (None, 0)]
                if failed or not self.errors.empty():
                    raise CommandError(f"Loading failed: {self._error(failed)}")
                if ready == self.jobs:
                    break
            with self.condition:
                self.verdict.value = 1
                self.condition.notify_all()
            for process in self.processes:
                process.join()
            failed = [p for p in self.processes if p.exitcode != 0]
            if failed:
                raise CommandError(
                    f"Committing failed, some batches may be saved: {self._error(failed)}"
                )
        except BaseException:
            self._stop()
            raise
        counts = self.counts
        return sum(counts[0::2]), sum(counts[1::2])

    def _error(self, failed: list[Any]) -> str:
        if not self.errors.empty():
            return self.errors.get()
        return ", ".join(f"{p.name} exited with {p.exitcode}" for p in failed)

    def _stop(self) -> None:
        with self.condition:
            self.verdict.value = -1
            self.condition.notify_all()
        for process in self.processes:
            if process.is_alive():
                # Its connection closes and the server rolls its transaction back.
                process.terminate()
        for process in self.processes:
            process.join()

    def _work(self, worker: int) -> None:
        """Runs in a forked process: makes and copies batches worker, worker + jobs, ... on a
        connection of its own (the parent's, inherited, is never touched)."""
        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            try:
                writer = CopyWriter(self.batches, raw, copied=self._copied)
                try:
                    for number, offset, size in self.numbers[worker :: self.jobs]:
                        batch = self.plan.make(self.generator, number, offset, size)
                        writer.write(batch, *self._first_ids(number, batch))
                finally:
                    writer.close()
                with self.condition:
                    self.ready.value += 1
                    self.condition.notify_all()
                    self._wait(lambda: self.verdict.value != 0)
                if self.verdict.value > 0:
                    raw.commit()
            finally:
                raw.close()
        except BaseException as error:
            # The parent reports it; a traceback from every process would only bury that.
            self.errors.put(f"{type(error).__name__}: {error}" if str(error) else repr(error))
            raise SystemExit(1) from None

    def _copied(self, tickets: int) -> None:
        with self.condition:
            self.loaded.value += tickets

    def _first_ids(self, number: int, batch: Batch) -> tuple[int, int]:
        """Publishes the batch's counts; waits for the ids that the batches before leave it."""
        counts, firsts, frontier = self.counts, self.firsts, self.frontier
        with self.condition:
            counts[2 * number], counts[2 * number + 1] = len(batch.comments), len(batch.changes)
            last = len(self.numbers) - 1
            while frontier.value < last and counts[2 * frontier.value] >= 0:
                at = 2 * frontier.value
                firsts[at + 2], firsts[at + 3] = (
                    firsts[at] + counts[at],
                    firsts[at + 1] + counts[at + 1],
                )
                frontier.value += 1
            self.condition.notify_all()
            self._wait(lambda: frontier.value >= number)
            return firsts[2 * number], firsts[2 * number + 1]

    def _wait(self, predicate: Callable[[], bool]) -> None:
        """Waits (holding the condition) until `predicate`; gives up when the parent does."""
        while not predicate():
            if self.verdict.value < 0 or os.getppid() != self.parent:
                raise CommandError("the parent process gave up")
            self.condition.wait(self.POLL)


# --- Indexes -----------------------------------------------------------------------------------

RESTORE_TABLE = "seed_tickets_restore"
# Held by a run for its whole length (any 64-bit number the app does not use for another lock).
ADVISORY_LOCK = 0x5EED_71C4E75
# Enough for the biggest sort of a million tickets' history in memory; GIN builds gain nothing
# from more.
MAINTENANCE_WORK_MEM = "512MB"
INDEX_KEYS = re.compile(r" USING (\w+) \((.*?)\)(?: WHERE .*)?$")


@dataclass
class Dropped:
    """Secondary indexes and foreign keys that a bulk load dropped: (table, name, definition)."""

    indexes: list[tuple[str, str, str]]
    foreign_keys: list[tuple[str, str, str]]

    def __len__(self) -> int:
        return len(self.indexes) + len(self.foreign_keys)


class IndexKeeper:
    """Drops the tables' secondary indexes and foreign keys for a bulk load, and puts them back.

    The definitions are written to a table of their own in the transaction that drops them, and
    that table goes once everything is back: a run that fails or is interrupted in between leaves
    it behind, and the next run rebuilds what it lists before doing anything else.
    """

    @staticmethod
    def pending(cursor: Any) -> Dropped | None:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RESTORE_TABLE])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(
            f"SELECT kind, table_name, name, definition FROM {RESTORE_TABLE} ORDER BY position"
        )
        dropped = Dropped([], [])
        for kind, *row in cursor.fetchall():
            (dropped.indexes if kind == "index" else dropped.foreign_keys).append(tuple(row))
        return dropped

    @staticmethod
    def drop(cursor: Any, tables: Sequence[str]) -> Dropped:
        # Dropping a foreign key alters the referenced table too, which must have no deferred
        # checks pending (the reset's deletions leave some).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)"
            " ORDER BY 1, 2",
            [list(tables)],
        )
        foreign_keys = [tuple(row) for row in cursor.fetchall()]
        # Secondary indexes only: primary keys and unique constraints stay.
        cursor.execute(
            "SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,"
            " pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid::regclass::text = ANY(%s)"
            " AND NOT i.indisprimary AND NOT i.indisunique ORDER BY 1, 2",
            [list(tables)],
        )
        indexes = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(
            f"CREATE TABLE {RESTORE_TABLE} (position serial PRIMARY KEY, kind text NOT NULL,"
            " table_name text NOT NULL, name text NOT NULL, definition text NOT NULL)"
        )
        rows = [("index", *row) for row in indexes] + [("foreign key", *fk) for fk in foreign_keys]
        cursor.executemany(
            f"INSERT INTO {RESTORE_TABLE} (kind, table_name, name, definition)"
            " VALUES (%s, %s, %s, %s)",
            rows,
        )
        for table, name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        return Dropped(indexes, foreign_keys)

    @staticmethod
    def add_foreign_keys(cursor: Any, dropped: Dropped) -> None:
        """Adds the missing foreign keys unchecked, at once: their checks run later, beside the
        index builds, which adding a checked one would have to wait for."""
        for table, name, definition in dropped.foreign_keys:
            cursor.execute(
                "SELECT 1 FROM pg_constraint WHERE conrelid = %s::regclass AND conname = %s",
                [table, name],
            )
            if cursor.fetchone() is None:
                unchecked = "" if definition.endswith(" NOT VALID") else " NOT VALID"
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{unchecked}'
                )

    @staticmethod
    def forget(cursor: Any) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {RESTORE_TABLE}")


# A table's tasks run in stages, since each stage locks out the next: statistics first, for the
# planner and for choosing the longest index builds first; then the indexes, several at a time;
# then the checks of the foreign keys; last the vacuum that marks the pages all-visible.
ANALYZE, INDEX, CHECK, VACUUM = range(4)


@dataclass
class Task:
    """One statement of the work after a load."""

    table: str
    stage: int
    sql: str
    label: str
    cost: float = 0.0


def tasks_for(dropped: Dropped | None, *, tables: Sequence[str] = ()) -> list[Task]:
    """Rebuilds what was dropped, and analyzes and vacuums `tables`."""
    tasks = []
    for table in tables:
        if dropped is None:
            tasks.append(Task(table, VACUUM, f"VACUUM (ANALYZE) {table}", f"vacuumed {table}"))
        else:
            tasks.append(Task(table, ANALYZE, f"ANALYZE {table}", f"analyzed {table}"))
            tasks.append(Task(table, VACUUM, f"VACUUM {table}", f"vacuumed {table}"))
    if dropped is not None:
        for table, name, definition in dropped.indexes:
            sql = definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            tasks.append(Task(table, INDEX, sql, f"rebuilt index {name}"))
        for table, name, definition in dropped.foreign_keys:
            if not definition.endswith(" NOT VALID"):
                sql = f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"'
                tasks.append(Task(table, CHECK, sql, f"checked foreign key {name}"))
    return tasks


def estimate(cursor: Any, tasks: Sequence[Task], table: str) -> None:
    """Guesses the cost of a table's tasks from its statistics, to start the longest first:
    rows times the width of the indexed columns, trigram GIN indexes the dearest per byte."""
    cursor.execute(
        "SELECT greatest(reltuples, 0), pg_relation_size(oid) FROM pg_class"
        " WHERE oid = %s::regclass",
        [table],
    )
    rows, size = cursor.fetchone()
    cursor.execute(
        "SELECT attname, avg_width FROM pg_stats"
        " WHERE schemaname = current_schema() AND tablename = %s",
        [table],
    )
    widths = dict(cursor.fetchall())
    for task in tasks:
        if task.table != table:
            continue
        if task.stage != INDEX:
            task.cost = float(size)
            continue
        match = INDEX_KEYS.search(task.sql)
        keys = match.group(2).split(", ") if match else []
        width = sum(widths.get(key.split(" ")[0].strip('"'), 8) for key in keys) or 8
        factor = 16 if "gin_trgm_ops" in task.sql else 4 if match and match.group(1) == "gin" else 1
        task.cost = float(rows) * width * factor


class TaskRunner:
    """Runs tasks on several connections at once, each task as soon as its table allows, the
    dearest first; prints each one as it finishes."""

    def __init__(self, tasks: list[Task], *, jobs: int, report: Callable[[str], None]) -> None:
        self.pending = list(tasks)
        self.running: list[Task] = []
        self.jobs = max(1, min(jobs, len(tasks)))
        self.report = report
        self.condition = threading.Condition()
        self.error: str | None = None
        self.connections: list[Any] = []

    def run(self) -> None:
        if not self.pending:
            return
        with connection.cursor() as cursor:
            for table in {task.table for task in self.pending}:
                estimate(cursor, self.pending, table)
        threads = [threading.Thread(target=self._work, daemon=True) for _ in range(self.jobs)]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.5)
        except BaseException:
            with self.condition:
                self.pending.clear()
                for raw in self.connections:
                    raw.cancel_safe()
            for thread in threads:
                thread.join()
            raise
        if self.error is not None:
            raise CommandError(self.error)

    def _next(self) -> Task | None:
        busy = self.pending + self.running
        ready = [
            task
            for task in self.pending
            if not any(o.table == task.table and o.stage < task.stage for o in busy)
        ]
        return max(ready, key=lambda task: task.cost, default=None)

    def _work(self) -> None:
        raw, task = None, None
        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            raw.autocommit = True
            with raw.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                # The connections build side by side already; workers would only compete.
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                with self.condition:
                    self.connections.append(raw)
                while (task := self._take()) is not None:
                    started = time.monotonic()
                    cursor.execute(task.sql)
                    with self.condition:
                        if task.stage == ANALYZE:
                            estimate(cursor, self.pending, task.table)
                        self.running.remove(task)
                        self.report(f"{task.label} ({time.monotonic() - started:.1f} s)")
                        self.condition.notify_all()
        except BaseException as error:
            with self.condition:
                if self.error is None:
                    self.error = f"{task.sql if task else 'Connecting'} failed: {error}"
                self.pending.clear()
                self.condition.notify_all()
        finally:
            if raw is not None:
                raw.close()

    def _take(self) -> Task | None:
        with self.condition:
            while self.pending:
                task = self._next()
                if task is not None:
                    self.pending.remove(task)
                    self.running.append(task)
                    return task
                self.condition.wait()
        return None


# --- The command -------------------------------------------------------------------------------


class Progress:
    """One line, rewritten in place: done, rate, time left."""

    def __init__(self, stream: Any, total: int) -> None:
        self.stream = stream
        self.total = total
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = -1

    def update(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if done == self.shown or (not force and now - self.last < 0.5):
            return
        self.last, self.shown = now, done
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (self.total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(
            f"\r[{bar}] {done:,}/{self.total:,} tickets {rate:,.0f}/s, {left:.0f} s left ",
            ending="",
        )
        self.stream.flush()


@dataclass
class Setup:
    """What the preparation found out: who the tickets belong to, where the ids start, and what
    was dropped for the load."""

    people: People
    plan: Plan
    dropped: Dropped | None


def _today() -> str:
    return timezone.now().date().isoformat()


class Command(BaseCommand):
    help = (
        "Fill the database with realistic tickets (Russian and English), their history and "
        "comments, ~50 agents (agent001...) and ~5,000 requesters (user0001...). Appends unless "
        "--reset is given. Deterministic for a given --seed, --end and --batch. First rebuilds "
        "any indexes that an interrupted run left dropped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="tickets to add")
        parser.add_argument("--agents", type=int, default=50)
        parser.add_argument("--requesters", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=10_000, help="tickets per batch")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every seeded user (default {DEFAULT_PASSWORD!r})",
        )
        parser.add_argument(
            "--end",
            default=None,
            help=(
                "ISO date the two years of tickets end at: everything happens before its "
                "midnight, UTC (default: today)"
            ),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "first delete ALL tickets, history and comments, and the seeded users that this "
                "run does not reuse"
            ),
        )
        parser.add_argument(
            "--rebuild-indexes",
            choices=("auto", "always", "never"),
            default="auto",
            help=(
                "PostgreSQL: drop the tables' secondary indexes and foreign keys for the load and "
                "rebuild them afterwards (auto: when the load at least doubles the table)"
            ),
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help=(
                "PostgreSQL: processes that make and copy tickets at once, and connections that "
                "rebuild indexes (default: the number of CPUs; 1 loads in one transaction)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        batch_size: int = options["batch"]
        jobs: int = options["jobs"]
        if count < 0 or min(batch_size, jobs, options["agents"], options["requesters"]) < 1:
            raise CommandError(
                "--count must be >= 0; --batch, --jobs, --agents, --requesters >= 1."
            )
        end_day = options["end"] or _today()
        try:
            end = datetime.datetime.combine(
                datetime.date.fromisoformat(end_day), datetime.time.min, UTC
            )
        except ValueError:
            raise CommandError(f"--end must be an ISO date, got {end_day!r}") from None
        postgres = connection.vendor == "postgresql"
        if connection.vendor not in ("postgresql", "sqlite"):
            raise CommandError(f"Unsupported database: {connection.vendor}")

        started = time.monotonic()
        tables = (Table(Ticket, TICKET_FIELDS), Table(Comment, COMMENT_FIELDS))
        tables += (Table(TicketChange, CHANGE_FIELDS),)
        # A transaction around the command (tests wrap one) must see every row it writes.
        in_transaction = connection.in_atomic_block
        parallel = postgres and not in_transaction and jobs > 1 and count > batch_size
        with self._alone(postgres):
            if postgres:
                self._restore_leftovers(jobs=1 if in_transaction else jobs)
            if parallel:
                totals, people, phases = self._seed_in_parallel(tables, end, jobs, options)
            else:
                totals, people, phases = self._seed_in_one_transaction(tables, end, options)
        prepared, loaded, finished = phases
        self.stdout.write(
            f"Seeded {count:,} tickets, {totals[1]:,} history entries and {totals[0]:,} comments"
            f" for {len(people.agents)} agents and {len(people.requesters)} requesters in"
            f" {finished - started:.1f} s (prepare {prepared - started:.1f} s,"
            f" load {loaded - prepared:.1f} s, indexes and vacuum {finished - loaded:.1f} s)."
        )

    @contextmanager
    def _alone(self, postgres: bool) -> Iterator[None]:
        """Keeps a second run off the database until this one is done: the tables are not locked
        between the steps of a parallel load, and it would take the dropped indexes for
        leftovers of an interrupted run."""
        if not postgres:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK])
            if not cursor.fetchone()[0]:
                raise CommandError("Another seed_tickets is running on this database.")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK])

    def _report(self, line: str) -> None:
        self.stdout.write(f"  {line}")

    def _restore_leftovers(self, *, jobs: int) -> None:
        """Rebuilds what an earlier run dropped and did not get to put back."""
        with connection.cursor() as cursor:
            dropped = IndexKeeper.pending(cursor)
        if dropped is None:
            return
        self.stdout.write(
            f"An earlier run was interrupted before rebuilding {len(dropped)} indexes and foreign"
            " keys; rebuilding them first."
        )
        self._rebuild(dropped, jobs=jobs)

    def _rebuild(self, dropped: Dropped | None, *, jobs: int, tables: Sequence[str] = ()) -> None:
        """Puts back what the load dropped and vacuums the tables, on `jobs` connections at once
        (outside a transaction) or one after the other on the command's connection."""
        if dropped is not None:
            with connection.cursor() as cursor:
                IndexKeeper.add_foreign_keys(cursor, dropped)
        tasks = tasks_for(dropped, tables=tables)
        if connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
                for task in sorted(tasks, key=lambda task: task.stage):
                    started = time.monotonic()
                    cursor.execute(task.sql)
                    self._report(f"{task.label} ({time.monotonic() - started:.1f} s)")
        else:
            TaskRunner(tasks, jobs=jobs, report=self._report).run()
        if dropped is not None:
            with connection.cursor() as cursor:
                IndexKeeper.forget(cursor)

    def _prepare(self, tables: Sequence[Table], end: datetime.datetime, options: dict) -> Setup:
        """Locks the tables, resets them if asked, makes the users and finds the first ids; for a
        bulk load on PostgreSQL also drops the indexes. Runs inside the caller's transaction."""
        postgres = connection.vendor == "postgresql"
        count = options["count"]
        if postgres:
            with connection.cursor() as cursor:
                names = ", ".join(t.name for t in tables)
                # Writers wait; readers (a running app's lists) go on.
                cursor.execute(f"LOCK TABLE {names} IN EXCLUSIVE MODE")
        names = Names(options["agents"], options["requesters"])
        if options["reset"]:
            self._reset(tables, postgres, keep=set(names.all))
        people = self._people(
            names=names,
            password=options["password"],
            seed=options["seed"],
            since=end - datetime.timedelta(days=SPAN_DAYS),
        )
        existing = Ticket.objects.count() if not options["reset"] else 0
        mode = options["rebuild_indexes"]
        rebuild = postgres and (
            mode == "always" or (mode == "auto" and count >= max(existing, 10_000))
        )
        first_ticket, first_comment, first_change = (self._next_id(t) for t in tables)
        plan = Plan(count, options["batch"], first_ticket, first_comment, first_change)
        dropped = None
        if rebuild:
            with connection.cursor() as cursor:
                dropped = IndexKeeper.drop(cursor, [t.name for t in tables])
        return Setup(people, plan, dropped)

    def _seed_in_one_transaction(
        self, tables: Sequence[Table], end: datetime.datetime, options: dict
    ) -> tuple[tuple[int, int], People, tuple[float, float, float]]:
        postgres = connection.vendor == "postgresql"
        outer_transaction = connection.in_atomic_block
        # COPY FREEZE needs the tables truncated in this very transaction.
        freeze = postgres and options["reset"] and not outer_transaction
        with transaction.atomic():
            setup = self._prepare(tables, end, options)
            plan = setup.plan
            prepared = time.monotonic()
            generator = TicketGenerator(seed=options["seed"], end=end, people=setup.people)
            if postgres:
                batches = CopyBatches(tables, freeze=freeze)
                writer: CopyWriter | SqliteWriter = CopyWriter(batches, connection.connection)
            else:
                writer = SqliteWriter(tables)
            progress = Progress(self.stdout, plan.count)
            next_comment, next_change = plan.first_comment, plan.first_change
            try:
                for number, offset, size in plan.batches():
                    batch = plan.make(generator, number, offset, size)
                    writer.write(batch, next_comment, next_change)
                    next_comment += len(batch.comments)
                    next_change += len(batch.changes)
                    progress.update(offset + size)
            finally:
                writer.close()
            progress.update(plan.count, force=True)
            self.stdout.write("")
            loaded = time.monotonic()
            if setup.dropped is not None:
                self._rebuild(setup.dropped, jobs=1)
            if postgres:
                self._sync_sequences(tables)
        if postgres:
            self._analyze(tables, vacuum=not outer_transaction and not freeze)
        totals = (next_comment - plan.first_comment, next_change - plan.first_change)
        return totals, setup.people, (prepared, loaded, time.monotonic())

    def _seed_in_parallel(
        self, tables: Sequence[Table], end: datetime.datetime, jobs: int, options: dict
    ) -> tuple[tuple[int, int], People, tuple[float, float, float]]:
        with transaction.atomic():
            setup = self._prepare(tables, end, options)
            self._reserve_ids(tables, setup.plan)
        prepared = time.monotonic()
        generator = TicketGenerator(seed=options["seed"], end=end, people=setup.people)
        progress = Progress(self.stdout, setup.plan.count)
        load = ParallelLoad(jobs=jobs, plan=setup.plan, generator=generator, tables=tables)
        try:
            totals = load.run(progress)
        except BaseException as error:
            self.stdout.write("")
            self._sync_sequences(tables)
            if setup.dropped is not None:
                what = "Interrupted" if isinstance(error, KeyboardInterrupt) else "The load failed"
                self.stderr.write(
                    f"{what}; rebuilding the dropped indexes. If this is interrupted too, the "
                    "next run of seed_tickets rebuilds them."
                )
                self._rebuild(setup.dropped, jobs=jobs)
            raise
        progress.update(setup.plan.count, force=True)
        self.stdout.write("")
        loaded = time.monotonic()
        self._sync_sequences(tables)
        names = [t.name for t in tables] + [User._meta.db_table]
        self._rebuild(setup.dropped, jobs=jobs, tables=names)
        return totals, setup.people, (prepared, loaded, time.monotonic())

    def _reserve_ids(self, tables: Sequence[Table], plan: Plan) -> None:
        """Moves the id sequences past every id the load may use, so that the app's inserts
        meanwhile do not collide with it; `_sync_sequences` moves them back afterwards."""
        ticket_table, comment_table, change_table = tables
        reserve = (
            (ticket_table, plan.first_ticket + plan.count),
            (comment_table, plan.first_comment + plan.count * MAX_COMMENTS),
            (change_table, plan.first_change + plan.count * MAX_CHANGES),
        )
        with connection.cursor() as cursor:
            for table, next_id in reserve:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                    [table.name, next_id],
                )

    def _sync_sequences(self, tables: Sequence[Table]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)",
                    [table.name],
                )

    def _reset(self, tables: Sequence[Table], postgres: bool, *, keep: set[str]) -> None:
        if postgres:
            with connection.cursor() as cursor:
                # Deferred foreign key checks from earlier writes would block the TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY")
        else:
            for table in reversed(tables):
                table.model._base_manager.all()._raw_delete(using=connection.alias)
        # The seeded users this run reuses stay (`_people` refreshes them); deleting thousands
        # one by one, as the signals that forget cached copies require, is slow.
        seeded = [
            pk
            for pk, username in User.objects.values_list("pk", "username")
            if SEEDED_USERNAME.match(username) and username not in keep
        ]
        for start in range(0, len(seeded), 500):
            User.objects.filter(pk__in=seeded[start : start + 500]).delete()

    def _people(
        self, *, names: Names, password: str, seed: int, since: datetime.datetime
    ) -> People:
        """The seeded users, created once and reused; all get the same (hashed once) password
        and the names the seed gives them."""
        rng = Random(f"{seed}:people")
        existing = {user.username: user for user in User.objects.filter(username__in=names.all)}
        hashed = _password_hash(password, [user.password for user in existing.values()])
        missing, changed = [], []
        for username in names.all:
            first, last = _person(rng)
            email, staff = f"{username}@example.com", username.startswith("agent")
            wanted = (hashed, first, last, email, staff, True)
            user = existing.get(username)
            if user is None:
                user = User(username=username, date_joined=since)
                missing.append(user)
            elif tuple(getattr(user, name) for name in USER_FIELDS) == wanted:
                continue
            else:
                changed.append(user)
            for name, value in zip(USER_FIELDS, wanted, strict=True):
                setattr(user, name, value)
        User.objects.bulk_create(missing, batch_size=1000)
        User.objects.bulk_update(changed, USER_FIELDS, batch_size=1000)
        for user in changed:
            forget_user(user)
        rows = User.objects.filter(username__in=names.all).values_list(
            "pk", "username", "first_name", "last_name"
        )
        ids, full_names = {}, {}
        for pk, username, first, last in rows:
            ids[username] = pk
            full_names[pk] = f"{first} {last}".strip() or username
        return People(
            agents=[ids[name] for name in names.agents],
            requesters=[ids[name] for name in names.requesters],
            names=full_names,
        )

    def _next_id(self, table: Table) -> int:
        """The first free id; on PostgreSQL also past anything the sequence handed out."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table.name}")
            top = cursor.fetchone()[0]
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT last_value, is_called FROM {_sequence(cursor, table.name)}")
                last_value, is_called = cursor.fetchone()
                top = max(top, last_value if is_called else last_value - 1)
        return top + 1

    def _analyze(self, tables: Sequence[Table], *, vacuum: bool) -> None:
        names = [t.name for t in tables] + [User._meta.db_table]
        with connection.cursor() as cursor:
            for name in names:
                # VACUUM sets the visibility map, so counts can use index-only scans at once.
                cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {name}")


def _sequence(cursor: Any, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]


def _password_hash(password: str, hashes: Sequence[str]) -> str:
    """The hash the seeded users already share when it matches `password`, else a new one: an
    unchanged hash leaves them nothing to update."""
    if hashes and len(set(hashes)) == 1 and check_password(password, hashes[0]):
        return hashes[0]
    return make_password(password)


def _person(rng: Random) -> tuple[str, str]:
    kind = rng.random()
    if kind < 0.4:
        return rng.choice(RU_MALE_FIRST), rng.choice(RU_LAST)
    if kind < 0.8:
        return rng.choice(RU_FEMALE_FIRST), rng.choice(RU_LAST) + "а"
    return rng.choice(EN_FIRST), rng.choice(EN_LAST)
