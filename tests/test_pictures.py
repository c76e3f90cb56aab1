"""Loading pictures (core/images): real PNG, JPEG, GIF and WebP over HTTP from 127.0.0.1, the
disk cache and its bound, local articles' pictures, and hostile pictures refused with a reason."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.feedserver import FeedServer, Route
from tests.picture_files import BLUE, GREEN, RED, SVG, animated_gif, picture, png_header
from tui_news.core import images
from tui_news.core.config import Config
from tui_news.core.images import ImageFailed, PictureCache, cached_size, decoding
from tui_news.core.images.decoding import MAX_PIXELS, _pillow


def load_picture(url: str, box: tuple[int, int], **kwargs) -> images.Picture:
    """:func:`images.load_picture` for an article whose feed is on the pictures' server (the
    test's, on 127.0.0.1): pictures on a private network are fetched only from there."""
    return images.load_picture(url, box, **{"origin": url, **kwargs})


BOX = (320, 200)


@pytest.fixture(autouse=True)
def fresh(tmp_path: Path) -> Iterator[PictureCache]:
    """A cache of its own for each test, nothing remembered from another."""
    images._sizes.clear()
    images._refused.clear()
    images.configure(tmp_path / "images", 10 * 1024 * 1024)
    yield images._state["cache"]  # type: ignore[misc]
    images.configure(None, 0)


def near(colour: float | tuple[int, ...] | None, wanted: tuple[int, int, int]) -> bool:
    """A pixel as Pillow reads it is within a few steps of ``wanted``."""
    assert isinstance(colour, tuple), colour
    return all(abs(a - b) <= 12 for a, b in zip(colour[:3], wanted, strict=True))


def serve(server: FeedServer, path: str, body: bytes, kind: str = "image/png", **kw) -> str:
    server.routes[path] = Route(body, content_type=kind, **kw)
    return server.url(path)


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP", "BMP"])
def test_real_pictures_load_scaled_to_the_box_in_their_colour(server, kind: str) -> None:
    url = serve(server, f"/p.{kind}", picture(kind, (1280, 800), GREEN), "image/whatever")
    loaded = load_picture(url, BOX)
    assert (loaded.width, loaded.height) == (1280, 800)  # its own size
    assert loaded.image.size == (320, 200)  # fitted into the box, its shape kept
    assert loaded.image.mode == "RGB"
    assert near(loaded.image.getpixel((160, 100)), GREEN)


def test_a_small_picture_is_not_enlarged_and_transparency_is_kept(server) -> None:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 0)).save(out, "PNG")
    loaded = load_picture(serve(server, "/t.png", out.getvalue()), BOX)
    assert loaded.image.size == (40, 30) and loaded.image.mode == "RGBA"
    corner = loaded.image.getpixel((5, 5))
    assert isinstance(corner, tuple) and corner[3] == 0


def test_an_animation_gives_its_first_frame(server) -> None:
    url = serve(server, "/anim.gif", animated_gif(1000), "image/gif")
    loaded = load_picture(url, BOX)
    assert (loaded.width, loaded.height) == (32, 32)
    assert near(loaded.image.convert("RGB").getpixel((10, 10)), RED)


@pytest.mark.parametrize(
    ("body", "kind", "reason"),
    [
        (png_header(8000, 8000, rows=8000), "image/png", "too large (8000x8000)"),
        (png_header(12000, 12000, rows=2000), "image/png", "too large (144,000,000 pixels"),
        (png_header(30000, 30000), "image/png", "too large (900,000,000 pixels"),
        (SVG, "image/svg+xml", "SVG not shown"),
        (picture("JPEG", (400, 300))[:-600], "image/jpeg", "cut short"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "image/png", "web page"),
        (b"GIF89a but not really", "image/gif", "a broken GIF picture"),
        (b"\x00\x01binary junk" * 10, "image/png", "not an image"),
        (b"", "image/png", "not an image (it is empty)"),
    ],
    ids=["bomb", "bomb-2x", "30000x30000", "svg", "truncated", "html", "fake-gif", "junk", "empty"],
)
def test_hostile_pictures_are_refused_with_a_reason(server, body, kind, reason) -> None:
    url = serve(server, "/bad", body, kind)
    with pytest.raises(ImageFailed, match=reason.replace("(", r"\(").replace(")", r"\)")) as raised:
        load_picture(url, BOX)
    assert "\n" not in str(raised.value)
    assert images._state["cache"].size() == 0  # type: ignore[union-attr]  # nothing kept
    requests = len(server.requests)
    with pytest.raises(ImageFailed):
        load_picture(url, BOX)
    assert len(server.requests) == requests  # refused once: not fetched again


def test_the_pixel_cap_is_pillows_too() -> None:
    from PIL import Image

    _pillow()
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_a_slow_server_times_out(server) -> None:
    url = serve(server, "/slow.png", picture("PNG"), delay=3)
    started = time.monotonic()
    with pytest.raises(ImageFailed, match="timed out"):
        load_picture(url, BOX, settings=Config(timeout_seconds=0.5))
    assert time.monotonic() - started < 2.5
    server.routes["/slow.png"].delay = 0
    assert load_picture(url, BOX).width == 64  # a passing failure: tried again next time


def test_a_huge_body_is_cut_by_the_size_cap(server) -> None:
    url = serve(server, "/huge.png", picture("PNG") + b"\x00" * (images.MAX_IMAGE_BYTES + 1))
    with pytest.raises(ImageFailed, match="the response is too large"):
        load_picture(url, BOX)


def test_only_web_addresses_unless_the_article_is_local(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    (folder / "pics").mkdir(parents=True)
    (folder / "pics" / "a b.png").write_bytes(picture("PNG", (20, 10), BLUE))
    secret = tmp_path / "secret.png"
    secret.write_bytes(picture("PNG", (20, 10), RED))
    for address in ("pics/a%20b.png", str(secret), f"file://{secret}", "/etc/passwd"):
        with pytest.raises(ImageFailed, match="not a web address"):
            load_picture(address, BOX)  # a feed's article: never a local file
    loaded = load_picture("pics/a%20b.png", BOX, local_base=str(folder))
    assert near(loaded.image.getpixel((1, 1)), BLUE)
    inside = folder / "pics" / "a b.png"
    assert load_picture(f"file://{inside}", BOX, local_base=str(folder)).width == 20
    for outside in (str(secret), f"file://{secret}", "../secret.png", "pics/..%2F..%2Fsecret.png"):
        with pytest.raises(ImageFailed, match="is outside the article's folder"):
            load_picture(outside, BOX, local_base=str(folder))
    with pytest.raises(ImageFailed) as raised:
        load_picture("pics/%1b[31mred%07.png", BOX, local_base=str(folder))
    assert "\x1b" not in str(raised.value) and "\x07" not in str(raised.value)
    with pytest.raises(ImageFailed, match="no such file"):
        load_picture("pics/gone.png", BOX, local_base=str(folder))
    os.mkfifo(folder / "pipe.png")
    with pytest.raises(ImageFailed, match="named pipe"):
        load_picture("pipe.png", BOX, local_base=str(folder))


def test_a_loaded_picture_is_read_offline_from_the_cache(server) -> None:
    url = serve(server, "/c.jpg", picture("JPEG", (300, 200), BLUE), "image/jpeg")
    assert cached_size(url) is None
    load_picture(url, BOX)
    del server.routes["/c.jpg"]  # the server forgets it: the cache still has it
    images._sizes.clear()
    assert cached_size(url) == (300, 200)  # from the file's header, no network
    requests = len(server.requests)
    assert near(load_picture(url, (30, 20)).image.getpixel((15, 10)), BLUE)
    assert len(server.requests) == requests


def test_pictures_from_one_server_come_over_one_kept_connection(server) -> None:
    """The session's fetches share their connections (and event loop): the second picture
    and the third, from threads of their own, come over the connection the first opened."""
    urls = [
        serve(server, f"/k{n}.png", picture("PNG", (40, 30), RED), "image/png") for n in range(3)
    ]
    load_picture(urls[0], BOX)
    for url in urls[1:]:
        thread = threading.Thread(target=load_picture, args=(url, BOX))
        thread.start()
        thread.join()
    assert server.paths()[-3:] == ["/k0.png", "/k1.png", "/k2.png"]
    assert len(set(server.peers[-3:])) == 1


def test_the_cache_keeps_its_bound_dropping_the_least_recently_used(tmp_path: Path) -> None:
    kept = PictureCache(tmp_path / "c", 10_000)
    for n in range(3):
        kept.write(f"https://x.example/{n}", bytes([n]) * 3000)
        os.utime(kept.path(f"https://x.example/{n}"), (1000 + n, 1000 + n))
    assert kept.size() == 9000
    assert kept.read("https://x.example/0") == b"\x00" * 3000  # used now: kept longest
    kept.write("https://x.example/3", b"\x03" * 3000)  # over the bound: the oldest go
    assert kept.size() == 9000
    assert kept.read("https://x.example/1") is None  # the least recently used
    assert all(kept.read(f"https://x.example/{n}") for n in (0, 2, 3))
    kept.write("https://x.example/big", b"\x05" * 10_001)  # larger than the whole bound
    assert kept.read("https://x.example/big") is None and kept.size() <= 10_000


def test_the_setting_bounds_the_cache_of_a_library(tmp_path: Path) -> None:
    from tui_news.core.reader import make_reader

    (tmp_path / "config.toml").write_text("image_cache_mb = 1\n")
    reader = make_reader(tmp_path)
    try:
        kept = images._state["cache"]
        assert kept is not None
        assert kept.directory == tmp_path / "images" and kept.max_bytes == 1024 * 1024
    finally:
        reader.close()


def test_a_picture_too_large_to_decode_within_the_memory_budget_is_refused(server) -> None:
    url = serve(server, "/grey.png", png_header(5000, 4000, rows=4000))  # 20 MP: under the cap
    with pytest.raises(ImageFailed, match=r"too large to decode \(5000x4000\)"):
        load_picture(url, BOX)
    big_jpeg = serve(server, "/big.jpg", picture("JPEG", (4000, 3000), BLUE), "image/jpeg")
    loaded = load_picture(big_jpeg, BOX)  # as large, but a JPEG: decoded scaled down
    assert (loaded.width, loaded.height) == (4000, 3000) and loaded.image.size == (267, 200)
    # a tall one in a wide box (as a box of cells in the article is): scaled down as it is
    # shown, not by the box's width alone (by that, whole: 69 MB, refused)
    tall = serve(server, "/tall.jpg", picture("JPEG", (639, 27000), BLUE), "image/jpeg")
    loaded = load_picture(tall, BOX)
    assert (loaded.width, loaded.height) == (639, 27000) and loaded.image.size == (5, 200)


def test_decodes_at_once_wait_for_the_memory_budget() -> None:
    import threading

    from tui_news.core.images.decoding import _Budget

    budget = _Budget(100)
    order: list[str] = []

    def second() -> None:
        with budget.hold(50):
            order.append("b")

    with budget.hold(70):
        other = threading.Thread(target=second)
        other.start()
        other.join(0.3)
        order.append("a")  # the second decode waited: 70 + 50 is over the budget
    other.join(2)
    assert order == ["a", "b"] and budget.held == 0


def test_a_redirect_is_followed_but_never_to_a_local_file(server) -> None:
    serve(server, "/real.webp", picture("WEBP", (90, 60), BLUE), "image/webp")
    moved = serve(server, "/moved", b"", location=server.url("/real.webp"), status=302)
    assert near(load_picture(moved, BOX).image.getpixel((45, 30)), BLUE)
    local = serve(server, "/to-file", b"", location="file:///etc/hostname", status=302)
    with pytest.raises(ImageFailed, match="redirected to something other than a web address"):
        load_picture(local, BOX, local_base="/etc")


def test_local_pictures_sizes_are_not_taken_for_another_folders(tmp_path: Path) -> None:
    for name, size in (("one", (20, 10)), ("two", (30, 30))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "p.png").write_bytes(picture("PNG", size))
        assert load_picture("p.png", BOX, local_base=str(tmp_path / name)).width == size[0]
    assert cached_size("p.png") is None


def test_a_public_server_cannot_send_a_picture_on_to_a_private_one(server, monkeypatch) -> None:
    from tui_news.core.sources import network

    # 127.0.0.2 stands in for a server on the internet: its address is taken for a public one.
    private = network.on_private_network
    monkeypatch.setattr(network, "on_private_network", lambda a: a != "127.0.0.2" and private(a))
    lan = serve(server, "/lan.png", picture("PNG", (10, 10)))
    with FeedServer("127.0.0.2") as public:
        own = serve(public, "/own.png", picture("PNG", (12, 12)))
        moved = serve(public, "/moved", b"", location=lan, status=302)
        article = "https://news.example/story"
        assert images.load_picture(own, BOX, origin=article).width == 12
        with pytest.raises(ImageFailed, match=r"127\.0\.0\.1 is on a private network"):
            images.load_picture(moved, BOX, origin=article)
        assert public.paths() == ["/own.png", "/moved"]
    assert server.paths() == []  # never asked


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("100.100.100.100", True),  # shared address space (carrier NAT, Tailscale)
        ("169.254.169.254", True),
        ("224.0.0.251", True),  # multicast
        ("::1", True),
        ("fe80::1%eth0", True),
        ("::ffff:192.168.1.1", True),  # IPv4 written as IPv6
        ("2002:7f00:1::1", True),  # 6to4 around 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", True),  # Teredo to 10.0.0.1
        ("93.184.215.14", False),
        ("2606:4700::1111", False),
    ],
)
def test_which_addresses_are_on_a_private_network(address: str, private: bool) -> None:
    from tui_news.core.sources.network import on_private_network

    assert on_private_network(address) is private


def test_a_broken_subscription_address_only_refuses_the_private_picture(server) -> None:
    url = serve(server, "/lan.png", picture("PNG", (10, 10)))
    with pytest.raises(ImageFailed, match="is on a private network"):
        images.load_picture(url, BOX, origin="http://[oops/")
    assert server.paths() == []


def test_a_private_picture_only_from_the_local_server_the_feed_is_on(server, monkeypatch) -> None:
    import socket

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # these names point at the test's server
        named = host in ("evil.example", "nas.local", "nas")
        return real("127.0.0.1" if named else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    serve(server, "/p.png", picture("PNG", (10, 10)))
    on = f":{server.port}"
    for host in ("nas.local", "nas"):  # names only a local network resolves
        url = f"http://{host}{on}/p.png"
        assert images.load_picture(url, BOX, origin=f"http://{host}{on}/feed").width == 10
    refused = [
        ("http://evil.example" + on, "http://evil.example" + on),  # its own DNS says private
        ("http://127.0.0.1:1", "http://127.0.0.1" + on),  # another server on that host
        ("http://nas.local" + on, "http://evil.example" + on),  # another host
    ]
    asked = len(server.paths())
    for feed, pictures in refused:
        with pytest.raises(ImageFailed, match="is on a private network"):
            images.load_picture(pictures + "/p.png", BOX, origin=feed + "/feed")
    assert len(server.paths()) == asked  # none of them asked


def test_pictures_on_private_hosts_only_for_articles_from_them(server) -> None:
    url = serve(server, "/lan.png", picture("PNG", (10, 10)))
    for origin in (None, "https://news.example/story"):
        with pytest.raises(ImageFailed, match="is on a private network"):
            images.load_picture(url, BOX, origin=origin)
    for address in ("http://169.254.169.254/latest/meta-data", "http://10.0.0.1/a.png",
                    "http://[::1]:9/a.png", "http://localhost:9/a.png"):  # fmt: skip
        with pytest.raises(ImageFailed, match="is on a private network"):
            images.load_picture(address, BOX, origin="https://news.example/story")
    assert len([p for p in server.paths() if p == "/lan.png"]) == 0  # never asked
    assert images.load_picture(url, BOX, origin=server.url("/feed")).width == 10
    assert images.load_picture(url, BOX, local_base=".").width == 10  # the user's own file's


def test_pictures_fetched_together_are_decoded_one_at_a_time(server, monkeypatch) -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    decode, lock = decoding.decode, threading.Lock()  # as tui_news.core.images calls it
    running, most = [0], [0]

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)  # long enough for the others to come
        try:
            return decode(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(images, "decode", counted)
    urls = [serve(server, f"/{n}.png", picture("PNG", (20, 10))) for n in range(4)]
    with ThreadPoolExecutor(4) as pool:  # as the article view's loaders fetch them
        assert [p.width for p in pool.map(lambda u: load_picture(u, BOX), urls)] == [20] * 4
    assert most == [1]  # a core left for the keys


def test_prepare_imports_what_decoding_a_common_picture_needs() -> None:
    """Paid before the first picture comes (from the loader's thread), not when it comes."""
    check = (
        "import sys; from tui_news.core.images import prepare; prepare(); "
        "wanted = ['PIL.Image', 'PIL.ImageOps', 'PIL.JpegImagePlugin', 'PIL.PngImagePlugin', "
        "'PIL.GifImagePlugin', 'PIL.BmpImagePlugin']; "
        "print([name for name in wanted if name not in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


BLOCKS_FREED = """
import os, sys
from pathlib import Path
from tui_news.core.images.memory import return_large_blocks

def rss_mb():
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

if sys.argv[1] == "fixed" and not return_large_blocks():
    sys.exit(3)  # no glibc mallopt
large = bytes(range(256)) * (16 * 4096)  # 16 MB freed: glibc raises its threshold to that
del large
before = rss_mb()
blocks = [bytes([n]) * 2**20 for n in range(64)]
held = rss_mb() - before
# A block taken after them, as the app goes on taking memory: from the heap's top, above
# them, so that glibc cannot hand them back by trimming the heap's top.
later = bytes(2 * 2**20)
del blocks
print(round(held), round(rss_mb() - before))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc")
@pytest.mark.parametrize("threshold", ["fixed", "glibc's"])
def test_blocks_the_size_of_a_picture_go_back_to_the_system_when_freed(threshold: str) -> None:
    """glibc raises its mapping threshold to the largest block freed (here 16 MB): blocks of
    1 MB then come from its heap and stay. Once fixed, they are unmapped when freed. In a
    process of its own: the test process's other threads free memory meanwhile."""
    done = subprocess.run(
        [sys.executable, "-c", BLOCKS_FREED, threshold], capture_output=True, text=True
    )
    if done.returncode == 3:
        pytest.skip("no glibc mallopt")
    assert done.returncode == 0, done.stderr
    held, left = map(int, done.stdout.split())
    assert held >= 60  # the 64 blocks were there
    assert (left < 8) is (threshold == "fixed")
