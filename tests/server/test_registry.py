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


def test_add_names_the_sessions_of_the_same_device_it_supersedes() -> None:
    reg = Registry()
    old, feed = Conn("HR/officer-1", "HR"), Conn("HR/feed-1", "HR")
    assert reg.add(old) == [] and reg.add(feed) == []
    new = Conn("HR/officer-1", "HR")
    assert reg.add(new) == [old]  # not the party's other device
    assert len(reg) == 3  # the old session stays until it closes (a roster change reaches it)
