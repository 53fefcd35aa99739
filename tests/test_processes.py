"""Issue 11, processes and network: children die with their parent, nothing listens or calls out unasked.

* `kill -9` of a `compare` takes its pool or Dask workers and the resource tracker with it;
* stopping `circlesim dashboard` stops the server (it runs in the command's own process);
* the dashboard makes no outbound connection (no PyPI version check, no telemetry), refuses
  cross-origin websockets and foreign Host headers;
* the local Dask cluster serves no HTTP routes (no dashboard on :8787).

Waits poll for a state with a generous ceiling; nothing asserts on elapsed time.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from sim.cli import RESUMES
from tests.conftest import ROOT, SCENARIOS


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        found += kids
        todo += kids
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def finished_runs(runs) -> list:
    """Stored runs in a results store's runs/ folder, not a worker's half-written `.<seed>.json.<rand>.tmp`."""
    if not runs.exists():
        return []
    return [p for p in runs.rglob("*.json*") if not p.name.startswith(".") and not p.name.endswith(".tmp")]


def wait_for(condition, ceiling: float, what: str):
    deadline = time.monotonic() + ceiling
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what} (waited {ceiling:.0f} s)")


def _reap(pids):
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


# ------------------------------------------------------------------ 15: compare's workers
@pytest.mark.parametrize("engine", [["--workers", "2"], ["--dask-local", "2"]], ids=["pool", "dask"])
def test_kill_9_of_compare_takes_its_workers(tmp_path, engine):
    if engine[0] == "--dask-local":
        pytest.importorskip("distributed")
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "compare", str(SCENARIOS / "baseline.yaml"), "-r", "20",
                             *engine, "--quiet", "--set", "population.size=3000", "--days", "400",
                             "--out", str(tmp_path / "cmp")], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    kids = []
    try:
        # two workers plus multiprocessing's resource tracker, and the first runs under way
        wait_for(lambda: len(descendants(proc.pid)) >= 3 and list((tmp_path / "cmp").glob("store/manifest.json")),
                 180, "the workers did not start")
        kids = descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        wait_for(lambda: not any(alive(k) for k in kids), 60,
                 f"children {[k for k in kids if alive(k)]} outlived the killed compare")
    finally:
        _reap(kids)
        if proc.poll() is None:
            proc.kill()


# ------------------------------------------------------------------ 17: Dask serves nothing
def test_local_dask_cluster_serves_no_http_routes():
    pytest.importorskip("distributed")
    from sim.experiments.executors import make_executor

    with make_executor(dask_local=1) as ex:
        scheduler = ex._client.cluster.scheduler
        ports = [s.getsockname() for s in scheduler.http_server._sockets.values()]
        assert ports and all(host == "127.0.0.1" and port != 8787 for host, port, *_ in ports)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        for path in ("/status", "/health", "/info/main/workers.html", "/metrics"):
            with pytest.raises(urllib.error.HTTPError) as info:
                opener.open(f"http://127.0.0.1:{ports[0][1]}{path}", timeout=10)
            assert info.value.code == 404, path
        assert ex.submit(sum, [1, 2]).result() == 3


# ------------------------------------------------------------------ the dashboard server
class Listener:
    """A TCP listener standing in for the whole internet (as an HTTP(S) proxy): counts connections."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_dashboard(env_extra=None):
    port = _free_port()
    env = {**os.environ, **(env_extra or {})}
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def up():
        if proc.poll() is not None:
            pytest.fail(f"dashboard exited: {proc.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            return False

    wait_for(up, 120, "the dashboard did not start")
    return proc, port


@pytest.fixture(scope="module")
def offline_dashboard():
    internet = Listener()
    proxy = f"http://127.0.0.1:{internet.port}"
    proc, port = _start_dashboard({"HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy,
                                   "http_proxy": proxy, "ALL_PROXY": proxy, "NO_PROXY": "", "no_proxy": ""})
    yield port, internet
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def test_dashboard_makes_no_outbound_connection(offline_dashboard):
    port, internet = offline_dashboard
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    page = opener.open(f"http://127.0.0.1:{port}/", timeout=60).read().decode()
    assert "solara" in page.lower()
    assert internet.connections == 0, "the dashboard tried to reach the network (version check or telemetry)"


def test_dashboard_refuses_cross_origin_websockets_and_foreign_hosts(offline_dashboard):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    port, _ = offline_dashboard
    url = f"ws://127.0.0.1:{port}/jupyter/api/kernels/k1/channels?session_id=s1"
    for origin in ("http://evil.example", "http://127.0.0.1:1", None):
        with pytest.raises(InvalidStatus) as info:
            with connect(url, origin=origin, open_timeout=30, proxy=None):
                pass
        assert info.value.response.status_code == 403, origin
    with connect(url, origin=f"http://127.0.0.1:{port}", open_timeout=30, proxy=None):  # the page itself
        pass
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/", headers={"Host": f"rebound.example:{port}"})
    assert conn.getresponse().status == 403


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"])
def test_stopping_the_dashboard_stops_its_server(sig):
    """However the command is stopped (even kill -9, which no handler sees), no server child is left behind."""
    proc, port = _start_dashboard()
    kids = descendants(proc.pid)
    try:
        os.kill(proc.pid, sig)  # the command only, not its process group
        proc.wait(timeout=60)

        def closed():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return False
            except OSError:
                return True

        wait_for(closed, 60, "something still listens on the dashboard's port")
        wait_for(lambda: not any(alive(k) for k in kids), 60, "a child of the dashboard outlived it")
    finally:
        _reap(kids)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_dashboard_page_loads_set_a_lax_cookie_without_warnings():
    """Issue 12: loading the page (twice, as a reload does) prints no cookie warning; the cookie is SameSite=Lax."""
    proc, port = _start_dashboard()
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        cookies = []
        for _ in range(2):
            with opener.open(f"http://127.0.0.1:{port}/", timeout=60) as response:
                cookies += response.headers.get_all("Set-Cookie") or []
        assert cookies and all("samesite=lax" in c.lower() for c in cookies), cookies
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert "samesite" not in out.lower() and "Warning" not in out, out


# ------------------------------------------------------------------ 1: the page reads only its own scenarios
def test_dashboard_accepts_only_scenarios_from_its_list(tmp_path, monkeypatch):
    from sim.outputs import dashboard

    secret = tmp_path / "secret.yaml"
    secret.write_text("name: the-secret-value\n")
    for name in (str(secret), "../README.md", "/dev/zero", str(SCENARIOS / "baseline.yaml"), ["baseline.yaml"]):
        with pytest.raises(ValueError, match="unknown scenario"):
            dashboard.defaults_for(name)
        with pytest.raises(ValueError, match="unknown scenario"):
            dashboard.run_design(name, {}, seed=1)
    assert dashboard.defaults_for("baseline.yaml")["population.size"] == 5000
    # the scenario given on the command line is on the list, by its exact path
    monkeypatch.setenv("CIRCLESIM_DASHBOARD_SCENARIO", str(secret))
    assert str(secret.resolve()) in dashboard.scenario_files()
    with pytest.raises(ValueError, match="unknown levers"):
        dashboard.run_design("baseline.yaml", {"population.graph.file": "/etc/passwd"}, seed=1)


def test_dashboard_errors_show_one_line_and_never_a_traceback():
    from sim.outputs import dashboard, dashboard_server

    try:
        {}["missing"]
    except KeyError as exc:
        text = dashboard.page_error(exc)
    assert "Traceback" not in text and "server's log" in text and "\n" not in text
    dashboard_server._quiet_tracebacks()
    from solara.server import patch

    sent = []

    class Socket:
        def send_json(self, msg):
            sent.append(msg)

    fake = patch.FakeIPython.__new__(patch.FakeIPython)
    fake.context = type("Context", (), {"control_sockets": [Socket()]})()
    try:
        raise RuntimeError("secret detail in a traceback")
    except RuntimeError:
        fake.showtraceback()
    assert sent and all("secret detail" not in m["traceback"] and "Traceback" not in m["traceback"] for m in sent)


def test_ctrl_c_on_a_pool_stops_it_quietly(tmp_path):
    """Ctrl-C reaches the whole process group. The contract: the parent says 'interrupted' once,
    exits 130, prints no traceback and leaves no worker behind. (The workers now ignore SIGINT
    and the parent terminates them; a red team saw one traceback per worker on `fit --workers 2`,
    which this compare run did not reproduce before the change: it guards the contract.)"""
    out = tmp_path / "cmp"
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "compare", str(SCENARIOS / "baseline.yaml"),
                             str(SCENARIOS / "points.yaml"), "-r", "40", "--workers", "2", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        wait_for(lambda: bool(finished_runs(out / "store" / "runs")),
                 120, "no run finished")
        kids = descendants(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and err.count("interrupted") == 1, err[-2000:]
    assert f"interrupted; {RESUMES}" in err, err[-2000:]  # how to resume, as SIGTERM says it
    wait_for(lambda: not any(alive(k) for k in kids), 60, "a pool worker outlived Ctrl-C")


@pytest.mark.parametrize("whole_group", [False, True], ids=["parent", "process-group"])
def test_sigterm_stops_a_pool_like_ctrl_c_and_the_rerun_resumes(tmp_path, whole_group):
    """SIGTERM (`kill PID`; a batch scheduler's time limit, which signals the whole group) stops a
    compare as Ctrl-C does: one 'terminated' line naming how to resume, exit 143 (128 + 15), no
    traceback, no multiprocessing leak warning, no worker left; the runs that finished are reused.
    Before SIGTERM was handled the parent died at once: exit -15, nothing said, and the resource
    tracker warned of leaked semaphores."""
    out = tmp_path / "cmp"
    cmd = [sys.executable, "-m", "sim.cli", "compare", str(SCENARIOS / "baseline.yaml"),
           str(SCENARIOS / "points.yaml"), "-r", "40", "--workers", "2", "--days", "200", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    runs = out / "store" / "runs"
    try:
        wait_for(lambda: bool(finished_runs(runs)), 120, "no run finished")
        kids = descendants(proc.pid)
        if whole_group:
            os.killpg(proc.pid, signal.SIGTERM)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 143, err[-2000:]
    assert "Traceback" not in err and "leaked" not in err, err[-2000:]
    assert err.count("terminated (SIGTERM)") == 1 and "resumes" in err, err[-2000:]
    wait_for(lambda: not any(alive(k) for k in kids), 60, "a pool worker outlived SIGTERM")
    finished = len(finished_runs(runs))
    assert finished >= 1
    again = subprocess.run(cmd[:5] + ["-r", "2", "--workers", "1", "--days", "200", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    reused = [int(n) for n in re.findall(r"(\d+) reused", again.stderr)]
    assert reused and max(reused) >= 1, again.stderr[-2000:]


def test_an_interrupted_pool_does_not_wait_for_a_feeder_nobody_reads(monkeypatch):
    """With 64 workers starting, an interrupt hung the shutdown: the pool's feeder thread was blocked
    writing tasks to a pipe whose readers had just been stopped (a red team's find, 2026-12-06). The
    except path now stops the workers, releases the feeder from the join, then shuts down."""
    from sim.experiments import executors

    calls = []

    class Process:
        def terminate(self):
            calls.append("terminate")

    class Queue:
        def cancel_join_thread(self):
            calls.append("release feeder")

    class Pool:
        def __init__(self, **kw):
            self._processes = {1: Process(), 2: Process()}
            self._call_queue = Queue()

        def shutdown(self, wait=True, cancel_futures=False):
            calls.append(("shutdown", wait, cancel_futures))

    monkeypatch.setattr(executors, "_Pool", Pool)
    with pytest.raises(KeyboardInterrupt):
        with executors.make_executor(workers=2):
            raise KeyboardInterrupt
    assert calls == ["terminate", "terminate", "release feeder", ("shutdown", True, True)]


def test_workers_the_machine_will_not_start_are_one_error_not_a_multiprocessing_traceback(monkeypatch):
    """A pool whose workers cannot be started (too many open files or processes: EMFILE, EAGAIN)
    raised an OSError traceback from inside multiprocessing, at the first submit, or when the pool
    was made if no file handle was left for its pipes. Both are now one `WorkerStartError` naming
    the count, the reason and what to do. Workers still start only as runs need them."""
    import concurrent.futures
    import errno

    from sim.experiments import executors

    def no_files(*args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", no_files)
    with pytest.raises(executors.WorkerStartError, match="could not start a pool of 3 worker processes: Too many"):
        with executors.make_executor(workers=3) as pool:
            assert not pool._processes  # none started before a run asks for one
            pool.submit(abs, -1)
    monkeypatch.setattr(executors, "_Pool", no_files)
    with pytest.raises(executors.WorkerStartError, match="--serial to run in this process"):
        with executors.make_executor(workers=2):
            raise AssertionError("the body must not run")


def test_compare_with_too_few_file_handles_for_its_workers_says_so(tmp_path):
    """The real thing: a compare of 80 runs on up to 64 workers under a limit of 40 open files
    stops with one line (exit 1) and no traceback when the pool cannot start the workers the runs
    ask for (measured before the change: an OSError traceback from `os.pipe` in multiprocessing)."""
    import resource

    def few_files():
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    out = tmp_path / "cmp"
    proc = subprocess.run([sys.executable, "-m", "sim.cli", "compare", str(SCENARIOS / "baseline.yaml"),
                           str(SCENARIOS / "points.yaml"), "-r", "40", "--workers", "64", "--days", "30",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=few_files)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "could not start a pool of 64 worker processes" in proc.stderr and "--serial" in proc.stderr, proc.stderr
    assert "the same command again resumes" in proc.stderr, proc.stderr


def test_a_worker_starts_with_ctrl_c_held_back_until_it_ignores_it():
    """Ctrl-C while a pool's workers were still loading Python printed their tracebacks or 'Fatal
    Python error' (3 interrupts in 20 at random moments, 2026-12-07; none in 50 after). The pool now
    blocks SIGINT in the submitting thread while it spawns: a worker starts with SIGINT blocked
    (its initializer then ignores it), and the parent's own mask is restored after each submit."""
    from sim.experiments.executors import make_executor

    before = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    with make_executor(workers=1) as pool:
        in_worker = pool.submit(signal.pthread_sigmask, signal.SIG_BLOCK, []).result(timeout=60)
        assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == before
    assert signal.SIGINT in in_worker and signal.SIGINT not in before
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN  # the parent still takes Ctrl-C
