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
