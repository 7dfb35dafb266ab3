"""risk.files.write_atomic: a regular file is replaced in one rename; a link is followed; a device
or a pipe is written in place, never replaced (an export to ``/dev/null`` run as root used to swap
the machine's /dev/null for a regular file)."""

from __future__ import annotations

import os
import stat

import pytest

from risk.cli import main
from risk.files import write_atomic


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def test_a_link_is_followed_and_stays_a_link(tmp_path) -> None:
    real = tmp_path / "real.csv"
    real.write_bytes(b"old")
    link = tmp_path / "out.csv"
    link.symlink_to(real)
    write_atomic(link, b"new")
    assert link.is_symlink(), "the link itself was replaced by a file"
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "real.csv"]


def test_a_link_to_a_character_device_writes_to_the_device(tmp_path) -> None:
    # /dev/null through a link: if the device were renamed over, only the link would be lost
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    write_atomic(link, b"date,plan\n")
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"], "no temporary file left"


def test_a_named_pipe_gets_the_bytes_and_stays_a_pipe(tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the other program, already reading
    try:
        write_atomic(fifo, b"id,symbol\n1,BTCUSDT\n")
        assert os.read(reader, 1000) == b"id,symbol\n1,BTCUSDT\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_the_cli_export_to_a_pipe_streams_the_csv(tmp_path, capsys) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code = main(["journal", "export", "--db", str(tmp_path / "j.db"), "--csv", str(fifo)])
        text = os.read(reader, 100_000).decode()
    finally:
        os.close(reader)
    assert code == 0, capsys.readouterr().err
    assert text.splitlines()[0].startswith("id,"), text[:80]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_existing_files_permission_bits_are_kept(tmp_path) -> None:
    path = tmp_path / "journal.csv"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_new_file_gets_the_modes_a_shell_redirect_would(tmp_path) -> None:
    path = tmp_path / "new.csv"
    write_atomic(path, b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()


def test_missing_folders_are_made_only_when_asked(tmp_path) -> None:
    path = tmp_path / "a" / "b" / "f.json"
    with pytest.raises(FileNotFoundError) as refused:
        write_atomic(path, b"{}")
    assert refused.value.filename == str(path), "the error names the path asked for"
    write_atomic(path, b"{}", make_parents=True)
    assert path.read_bytes() == b"{}"


def test_a_folder_is_refused_and_left_alone(tmp_path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomic(tmp_path, b"x")
    assert list(tmp_path.iterdir()) == []


def test_a_block_device_is_refused_with_the_path_named(tmp_path, monkeypatch) -> None:
    # no block device can be made without root: the stat of one, faked
    path = tmp_path / "sdz"
    real_stat = os.stat

    def fake_stat(p, *args, **kwargs):
        if os.fspath(p) == os.fspath(path):
            return os.stat_result((stat.S_IFBLK | 0o660, 0, 0, 1, 0, 0, 0, 0, 0, 0))
        return real_stat(p, *args, **kwargs)

    monkeypatch.setattr(os, "stat", fake_stat)
    with pytest.raises(ValueError, match=r"path=.*sdz.* is a block device.*allowed: a regular"):
        write_atomic(path, b"x")
    assert list(tmp_path.iterdir()) == [], "nothing written"
