"""Process-level tests of the example programs: real processes, a real TCP server."""
import os
import socket
import subprocess
import threading

BIN = os.environ.get("WEIR_EXAMPLES_DIR", os.path.join(os.path.dirname(__file__), "../../build/release/examples"))


def run(args, **kw):
    return subprocess.run([os.path.join(BIN, args[0])] + args[1:], capture_output=True, text=True, timeout=120, **kw)


def test_word_count_streaming_emits_rolling_counts():
    out = run(["word_count"]).stdout.splitlines()
    assert "(to,1)" in out and "(to,13)" in out


def test_word_count_batch_and_parallel_emit_final_counts_once():
    r = run(["word_count", "-p", "2", "-D", "execution.runtime-mode=BATCH"])
    assert r.returncode == 0, r.stderr
    lines = [l.split("> ", 1)[1] for l in r.stdout.splitlines()]
    assert "(to,13)" in lines and "(to,1)" not in lines
    assert len(lines) == len(set(lines))


def test_batch_word_count_reads_a_file(tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("a b a\nb a\n")
    r = run(["batch_word_count", "--input", str(f)])
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == ["(a,3)", "(b,2)"]


def test_socket_word_count_reads_from_a_real_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def serve():
        conn, _ = server.accept()
        conn.sendall(b"hello world\nhello weir\n")
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    r = run(["socket_word_count", "--host", "127.0.0.1", "--port", str(port)])
    t.join()
    server.close()
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["(hello,1)", "(world,1)", "(hello,2)", "(weir,1)"]


def test_bad_input_path_fails_with_a_clear_message():
    r = run(["batch_word_count", "--input", "/nonexistent/file.txt"])
    assert r.returncode == 1
    assert "/nonexistent/file.txt" in r.stderr


def lines(args):
    r = run(args)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_website_visitors_per_region_per_hour():
    assert lines(["website_visitors"]) == [
        "RegionCount{region=eu, windowStart=0, windowEnd=3600000, visits=3}",
        "RegionCount{region=us, windowStart=0, windowEnd=3600000, visits=2}",
        "RegionCount{region=eu, windowStart=3600000, windowEnd=7200000, visits=1}",
        "RegionCount{region=us, windowStart=3600000, windowEnd=7200000, visits=1}",
        "RegionCount{region=eu, windowStart=7200000, windowEnd=10800000, visits=1}",
    ]


def test_sensor_sums_tumbling_and_sliding():
    out = sorted(lines(["sensor_sums"]))
    assert out == sorted([
        "tumbling s1 [0s, 60s) sum=4.0", "tumbling s2 [0s, 60s) sum=10.0",
        "tumbling s1 [60s, 120s) sum=12.0", "tumbling s2 [60s, 120s) sum=20.0",
        "tumbling s2 [120s, 180s) sum=30.0",
        "sliding s1 [-30s, 30s) sum=1.5", "sliding s2 [-30s, 30s) sum=10.0",
        "sliding s1 [0s, 60s) sum=4.0", "sliding s2 [0s, 60s) sum=10.0",
        "sliding s1 [30s, 90s) sum=6.5", "sliding s2 [30s, 90s) sum=20.0",
        "sliding s1 [60s, 120s) sum=12.0", "sliding s2 [60s, 120s) sum=20.0",
        "sliding s1 [90s, 150s) sum=8.0", "sliding s2 [90s, 150s) sum=30.0",
        "sliding s2 [120s, 180s) sum=30.0",
    ])


def test_session_windows():
    assert sorted(lines(["session_windows"])) == sorted([
        "ann session 0min-65min clicks=3 pages=home,cart,pay",
        "ann session 100min-130min clicks=1 pages=home",
        "bob session 5min-35min clicks=1 pages=home",
        "bob session 40min-70min clicks=1 pages=help",
    ])


WALKTHROUGH = [
    "window [0s, 5s) fired at watermark 4.999s with 1.0s,3.0s",
    "window [5s, 10s) fired at watermark 9.999s with 7.0s,6.0s",
    "window [10s, 15s) fired at the end of input with 12.0s,14.0s",
]


def test_watermark_walkthrough_drops_late_events():
    assert lines(["watermark_walkthrough"]) == WALKTHROUGH


def test_watermark_walkthrough_sends_late_events_to_a_side_output():
    out = lines(["watermark_walkthrough", "--side-output"])
    assert [l for l in out if l.startswith("window")] == WALKTHROUGH
    assert [l for l in out if l.startswith("late")] == ["late event at 4.0s", "late event at 9.0s"]
