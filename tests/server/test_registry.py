"""Connected devices by party (server/registry.py): a wake reaches exactly the parties named."""

from __future__ import annotations

from dataclasses import dataclass

from hotline.server.registry import Registry


@dataclass(eq=False)
class Conn:
    device_id: str
    party: str
    woken: int = 0

    def wake(self) -> None:
        self.woken += 1

    def push_checkpoint(self, light: bytes) -> None:
        raise AssertionError("not used here")

    def alert(self, code: str, message: str, at_ms: int) -> None:
        raise AssertionError("not used here")

    def roster_changed(self, roster: object, now_ms: int) -> None:
        raise AssertionError("not used here")


def test_wake_reaches_every_device_of_the_parties_named_and_no_other() -> None:
    reg = Registry()
    hr1, hr2, ba = Conn("HR/officer-1", "HR"), Conn("HR/feed-1", "HR"), Conn("BA/officer-1", "BA")
    for c in (hr1, hr2, ba):
        reg.add(c)
    assert len(reg) == 3 and set(reg.all()) == {hr1, hr2, ba}
    reg.wake({"HR", "ME"})  # ME has no device connected here: nothing to do
    assert (hr1.woken, hr2.woken, ba.woken) == (1, 1, 0)
    reg.wake_all()
    assert (hr1.woken, hr2.woken, ba.woken) == (2, 2, 1)


def test_a_removed_device_is_not_woken() -> None:
    reg = Registry()
    hr = Conn("HR/officer-1", "HR")
    reg.add(hr)
    reg.remove(hr)
    reg.remove(hr)  # a second remove (a connection torn down twice) is harmless
    reg.wake({"HR"})
    assert hr.woken == 0 and len(reg) == 0 and reg.all() == []


@dataclass(eq=False)
class Session(Conn):
    open: bool = True
    reading: bool = False
    superseded: int = 0

    async def supersede(self) -> None:
        self.superseded += self.reading
        self.reading = False

    async def resume(self) -> bool:
        if not self.open or self.reading:
            return False
        self.reading = True
        return True


async def test_the_newest_session_of_a_device_reads_and_the_newest_left_takes_over() -> None:
    reg = Registry()
    console, feed = Session("HR/officer-1", "HR"), Session("HR/feed-1", "HR")
    for s in (console, feed):
        reg.add(s)
        await reg.read_for(s)
    assert console.reading and feed.reading  # two devices: a reader each
    cli = Session("HR/officer-1", "HR")  # a command-line run of the console's device
    reg.add(cli)
    await reg.read_for(cli)
    assert cli.reading and not console.reading and feed.reading and console.superseded == 1
    await reg.leave(cli)
    assert console.reading and not cli.reading  # the live console is not left deaf
    await reg.leave(feed)
    assert console.superseded == 1  # it reads already: nothing changes for it


async def test_a_session_that_left_does_not_take_over_and_a_closed_one_is_passed_over() -> None:
    reg = Registry()
    old, dead, new = (Session("HR/officer-1", "HR") for _ in range(3))
    for s in (old, dead):
        reg.add(s)
    await reg.read_for(old)
    await reg.read_for(new)  # never registered (it left before its turn): nothing
    assert old.reading and not new.reading
    dead.open = False  # closing, still registered
    await reg.leave(old)
    assert not old.reading and not dead.reading  # nobody open is left to read
