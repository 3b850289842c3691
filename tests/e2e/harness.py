"""Starts a real `skiff server` for a test and drives it with the real kubectl."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

SKIFF = os.environ.get("SKIFF_BIN", "skiff")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MANIFESTS = os.path.join(REPO, "examples", "manifests")


def sh(*cmd, check=True):
    """Runs cmd; its stdout, or AssertionError with its stderr when it fails and check."""
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}: {r.stderr}")
    return r.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One skiff server process on a free port with its own data dir."""

    # These suites check the API itself; the scheduler's and the embedded agent's writes (events,
    # bindings, the node's Lease) would add revisions they do not expect. Both have their own tests.
    def __init__(self, data_dir=None, extra_args=("--no-scheduler", "--no-agent")):
        self.owns_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="skiff-e2e-")
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def kubeconfig(self):
        return os.path.join(self.data_dir, "kubeconfig")

    def start(self, timeout=30):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [SKIFF, "server", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}"]
            + self.extra_args,
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"skiff server exited: {self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as r:
                    if r.status == 200 and os.path.exists(self.kubeconfig):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"skiff server did not become ready: {self.log()}")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.returncode not in (0, -9, None):
            raise RuntimeError(f"skiff server exited with {self.proc.returncode}: {self.log()}")

    def cleanup(self):
        if self.owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def kubectl(self, *args, input=None, check=True, timeout=60):
        """Runs kubectl; returns (stdout, stderr). Fails on a non-zero exit when check."""
        r = subprocess.run(["kubectl", "--kubeconfig", self.kubeconfig, *args],
                           input=input, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
        return r.stdout, r.stderr

    def request(self, method, path, body=None, content_type="application/json", headers=None):
        """A raw HTTP request; returns (status, parsed JSON body or text)."""
        data = body if isinstance(body, (bytes, type(None))) else body.encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")


class AgentProcess:
    """One `skiff agent` process for `server`, with its config (YAML text) and log in `agent_dir`.
    The config's `nodeName` must be `name`; start() returns once that Node is Ready."""

    def __init__(self, server, name, agent_dir, config_text):
        self.server, self.name, self.dir = server, name, agent_dir
        os.makedirs(self.dir, exist_ok=True)
        self.config = os.path.join(self.dir, "agent.yaml")
        self.log_path = os.path.join(self.dir, "agent.log")
        with open(self.config, "w") as f:
            f.write(config_text)
        self.proc = None
        self.global_args = []  # before the subcommand, e.g. ["--log-level", "debug"]

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([SKIFF, *self.global_args, "agent",
                                          "--kubeconfig", self.server.kubeconfig,
                                          "--config", self.config], stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"agent {self.name} exited: {self.log()}")
            out, _ = self.server.kubectl("get", "node", self.name, "-o", "json", check=False)
            if out:
                node = json.loads(out)
                for c in node.get("status", {}).get("conditions", []):
                    if c["type"] == "Ready" and c["status"] == "True":
                        return self
            time.sleep(0.2)
        raise RuntimeError(f"agent {self.name} not ready: {self.log()}")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a test may have stopped it
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""


class ServerTestCase(unittest.TestCase):
    """A fresh server per test class."""

    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server().start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()

    def kubectl(self, *args, **kw):
        out, err = self.server.kubectl(*args, **kw)
        return out, err

    def assertNoWarnings(self, stderr):
        self.assertNotIn("warning", stderr.lower(), stderr)
        self.assertNotIn("error", stderr.lower(), stderr)
