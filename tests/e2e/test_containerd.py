"""Real containers: `skiff server --no-agent` plus one `skiff agent` whose runtime is a private
containerd (CRI runtime.v1 over its socket; see containerd_harness.py). containerd wires each
sandbox itself through CNI, with skiff's bridge plugin as a standard CNI binary; the agent
reads the pod IP from PodSandboxStatus. Images are busybox-static, built at test time.
Needs root and Debian's containerd, runc, busybox-static and containernetworking-plugins."""

import fcntl
import ipaddress
import json
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time
import unittest
import urllib.request

import containerd_harness
from containerd_harness import APP_IMAGE, Containerd
from harness import REPO, SKIFF, AgentProcess, Server, free_port, sh

PLUGIN_DIR = os.environ.get("SKIFF_PLUGIN_DIR",
                            os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(SKIFF))),
                                         "plugins"))
CNI_BIN = os.path.join(PLUGIN_DIR, "cni", "skiff-bridge")
SUBNET = "10.204.0.0/16"
BRIDGE = "skc%d" % (os.getpid() % 10000)
NODE = "node-c"


class ContainerdAgent(AgentProcess):
    """A `skiff agent` whose runtime is containerd; no network block, since containerd's CRI
    wires each sandbox through CNI itself and reports the IP in PodSandboxStatus."""

    def __init__(self, server, name, workdir, endpoint):
        agent_dir = os.path.join(workdir, name)
        super().__init__(server, name, agent_dir, f"""nodeName: {name}
rootDir: {agent_dir}/root
address: 127.0.0.1
kubeletPort: {free_port()}
heartbeatSeconds: 2
plegPeriodMillis: 300
crashLoopBackOff: {{initialSeconds: 1, maxSeconds: 4}}
plugins:
  runtime: {{name: containerd, endpoint: '{endpoint}'}}
  storage: {{name: hostpath, library: 'builtin:hostpath', config: {{root: {workdir}/volumes}}}}
  callTimeoutSeconds: 30
""")


def skip_reason():
    why = containerd_harness.missing_prerequisites()
    if why is None and not os.path.exists(CNI_BIN):
        why = f"{CNI_BIN} not built (ninja skiff-bridge)"
    return why


def http_get(url, timeout=2):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


@unittest.skipIf(skip_reason(), skip_reason())
class ContainerdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="skiff-cd-e2e-")
        cls.containerd = Containerd(os.path.join(cls.work, "containerd"), CNI_BIN, BRIDGE,
                                    SUBNET, ipam_dir=os.path.join(cls.work, "ipam"))
        cls.server = None
        cls.agent = None
        try:
            cls.containerd.start()
            cls.server = Server(extra_args=["--no-agent"]).start()
            cls.agent = ContainerdAgent(cls.server, NODE, cls.work,
                                        cls.containerd.endpoint).start()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.agent:
            cls.agent.stop()
        cls.containerd.stop()
        if cls.server:
            cls.server.stop()
            cls.server.cleanup()
        subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
        cls.containerd.cleanup()
        shutil.rmtree(cls.work, ignore_errors=True)

    # ---- helpers ----
    def kubectl(self, *args, **kw):
        return self.server.kubectl(*args, **kw)[0]

    def apply(self, obj):
        self.kubectl("apply", "-f", "-", input=json.dumps(obj))

    def create_pod(self, name, container, policy="Always", grace=3, volumes=None):
        container = {"name": "main", "image": APP_IMAGE, **container}
        self.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                    "spec": {"nodeName": NODE, "restartPolicy": policy,
                             "terminationGracePeriodSeconds": grace,
                             "containers": [container], "volumes": volumes or []}})

    def pod(self, name):
        out, _ = self.server.kubectl("get", "pod", name, "-o", "json", check=False)
        return json.loads(out) if out else None

    def wait_pod(self, name, pred, timeout=60):
        deadline, p = time.time() + timeout, None
        while time.time() < deadline:
            p = self.pod(name)
            if p and pred(p):
                return p
            time.sleep(0.25)
        self.fail(f"pod {name} never matched: {json.dumps(p)[:3000]}\n{self.agent.log()}\n"
                  f"{self.containerd.log()}")

    def wait_gone(self, name, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.pod(name) is None:
                return time.time()
            time.sleep(0.1)
        self.fail(f"pod {name} was not deleted\n{self.agent.log()}")

    def wait_for(self, what, pred, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = pred()
            if value:
                return value
            time.sleep(0.25)
        self.fail(f"timed out waiting for {what}")

    def runtime_objects_of(self, uid):
        """containerd containers (sandboxes included) labelled with the pod's UID."""
        out = self.containerd.ctr("containers", "ls", "-q",
                                  f'labels."io.kubernetes.pod.uid"=={uid}')
        return out.split()

    @staticmethod
    def running(p):
        return p.get("status", {}).get("phase") == "Running"

    @staticmethod
    def phase(p):
        return p.get("status", {}).get("phase")

    # ---- tests ----
    def test_httpd_serves_configmap_then_delete_leaves_nothing(self):
        page = "hello from a skiff pod on containerd\n"
        self.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "site"},
                    "data": {"index.html": page}})
        self.create_pod("web", {"command": ["httpd", "-f", "-p", "80", "-h", "/www"],
                                "volumeMounts": [{"name": "site", "mountPath": "/www"}]},
                        volumes=[{"name": "site", "configMap": {"name": "site"}}])
        p = self.wait_pod("web", self.running)
        ip, uid = p["status"]["podIP"], p["metadata"]["uid"]
        self.assertIn(ipaddress.ip_address(ip), ipaddress.ip_network(SUBNET))
        cs = p["status"]["containerStatuses"][0]
        self.assertTrue(cs["containerID"].startswith("containerd://"), cs)
        self.assertIn("running", cs["state"])

        def serves():
            try:
                return http_get(f"http://{ip}/index.html")
            except OSError:
                return None
        self.assertEqual(self.wait_for(f"http://{ip}/", serves), page)
        self.assertTrue(self.runtime_objects_of(uid))
        # kubectl exec (WebSocket v5.channel.k8s.io through the API server to the agent).
        self.assertEqual(self.kubectl("exec", "web", "--", "cat", "/etc/hostname").strip(), "web")
        self.assertEqual(self.kubectl("exec", "web", "--", "cat", "/www/index.html"), page)
        r = subprocess.run(["kubectl", "--kubeconfig", self.server.kubeconfig, "exec", "web", "--",
                            "sh", "-c", "echo out; echo err >&2; exit 3"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout, r.stderr.splitlines()[0]), (3, "out\n", "err"),
                         r.stderr)
        # The pod's host-side veth hangs on the bridge.
        self.assertTrue(sh("ip", "-o", "link", "show", "master", BRIDGE).strip())

        # StopContainer: SIGTERM, then SIGKILL once the grace period (3 s) is over.
        t0 = time.time()
        self.kubectl("delete", "pod", "web", "--wait=false")
        gone = self.wait_gone("web")
        self.assertLess(gone - t0, 3 + 10, "deletion took far longer than the grace period")
        self.assertEqual(self.runtime_objects_of(uid), [])
        self.assertFalse([t for t in self.containerd.tasks() if t in self.runtime_objects_of(uid)])
        held = [f for _, _, files in os.walk(os.path.join(self.work, "ipam")) for f in files]
        self.assertNotIn(ip, held, "IPAM still holds " + ip)

        def no_veth():
            return not sh("ip", "-o", "link", "show", "master", BRIDGE, check=False).strip()
        self.wait_for("the pod's veth to go", no_veth)
        with open("/proc/mounts") as mounts:
            self.assertNotIn(uid, mounts.read())

    def test_command_args_env_workdir_and_logs(self):
        self.create_pod("echo", {"command": ["sh", "-c"],
                                 "args": ["echo greeting=$GREETING; echo expanded=$(GREETING); "
                                          "echo cwd=$(pwd); echo host=$(hostname); "
                                          "echo to-stderr >&2"],
                                 "env": [{"name": "GREETING", "value": "hi there"}],
                                 "workingDir": "/tmp"}, policy="Never")
        p = self.wait_pod("echo", lambda p: self.phase(p) == "Succeeded")
        term = p["status"]["containerStatuses"][0]["state"]["terminated"]
        self.assertEqual(term["exitCode"], 0)
        logs = self.kubectl("logs", "echo")
        self.assertIn("greeting=hi there\n", logs)
        self.assertIn("expanded=hi there\n", logs)
        self.assertIn("cwd=/tmp\n", logs)
        self.assertIn("host=echo\n", logs)
        self.assertIn("to-stderr\n", logs)
        self.assertEqual(self.kubectl("logs", "-f", "echo"), logs)  # ends: the container exited
        self.kubectl("delete", "pod", "echo", "--wait=false")
        self.wait_gone("echo")

    def test_exited_container_restarts_by_policy(self):
        self.create_pod("flaky", {"command": ["sh", "-c", "echo attempt; exit 3"]},
                        policy="OnFailure")
        self.create_pod("done", {"command": ["sh", "-c", "exit 0"]}, policy="OnFailure")

        def restarted_twice(p):
            cs = (p.get("status", {}).get("containerStatuses") or [{}])[0]
            return cs.get("restartCount", 0) >= 2 and "terminated" in cs.get("lastState", {})
        p = self.wait_pod("flaky", restarted_twice)
        last = p["status"]["containerStatuses"][0]["lastState"]["terminated"]
        self.assertEqual(last["exitCode"], 3)
        self.assertIn("attempt", self.kubectl("logs", "flaky", "--previous"))
        p = self.wait_pod("done", lambda p: self.phase(p) == "Succeeded")
        self.assertEqual(p["status"]["containerStatuses"][0]["restartCount"], 0)
        for name in ("flaky", "done"):
            self.kubectl("delete", "pod", name, "--wait=false")
        for name in ("flaky", "done"):
            self.wait_gone(name)

    def test_limits_reach_the_cgroup_and_secret_volume_is_mounted(self):
        self.apply({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
                    "stringData": {"token": "s3cret"}})
        self.create_pod("limited", {"command": ["sleep", "600"],
                                    "resources": {"limits": {"cpu": "500m", "memory": "64Mi"}},
                                    "volumeMounts": [{"name": "creds",
                                                      "mountPath": "/etc/creds"}]},
                        volumes=[{"name": "creds", "secret": {"secretName": "creds"}}], grace=1)
        self.wait_pod("limited", self.running)

        def exec_(*cmd):
            return self.kubectl("exec", "limited", "--", *cmd).strip()
        self.assertEqual(exec_("cat", "/etc/creds/token"), "s3cret")
        self.assertEqual(exec_("cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"),
                         str(64 * 1024 * 1024))
        self.assertEqual(exec_("cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), "50000")
        self.kubectl("delete", "pod", "limited", "--wait=false")
        self.wait_gone("limited")

    def test_web_manifest_deployment_serves_its_configmap(self):
        self.kubectl("apply", "-f", os.path.join(REPO, "examples", "manifests", "web.yaml"))
        try:
            def replicasets():
                out = self.kubectl("get", "replicasets", "-l", "app=web-cd", "-o", "name")
                return out.strip()
            deadline = time.time() + 20
            while time.time() < deadline and not replicasets():
                time.sleep(0.5)
            if not replicasets():
                self.skipTest("no Deployment controller in this build (nothing made a ReplicaSet)")

            def two_running():
                out = self.kubectl("get", "pods", "-l", "app=web-cd", "-o", "json")
                pods = [p for p in json.loads(out)["items"] if self.running(p)
                        and p["status"].get("podIP")]
                return pods if len(pods) == 2 else None
            pods = self.wait_for("2 web-cd pods Running", two_running, timeout=90)
            for p in pods:
                ip = p["status"]["podIP"]
                self.assertIn(ipaddress.ip_address(ip), ipaddress.ip_network(SUBNET))

                def serves():
                    try:
                        return http_get(f"http://{ip}/")
                    except OSError:
                        return None
                self.assertEqual(self.wait_for(f"http://{ip}/", serves), "hello from skiff\n")
        finally:
            self.kubectl("delete", "-f", os.path.join(REPO, "examples", "manifests", "web.yaml"),
                         "--wait=false", check=False)
            self.wait_for("web-cd pods gone", lambda: not self.kubectl(
                "get", "pods", "-l", "app=web-cd", "-o", "name").strip(), timeout=90)

    def ready(self, p):
        for c in p.get("status", {}).get("conditions", []):
            if c["type"] == "Ready":
                return c["status"] == "True"
        return False

    def events_of(self, name):
        out = self.kubectl("get", "events", "-o", "json")
        return [e for e in json.loads(out)["items"] if e["involvedObject"]["name"] == name]

    def test_interactive_exec_with_stdin_and_tty(self):
        self.create_pod("shell", {"command": ["sleep", "600"]}, grace=1)
        self.wait_pod("shell", self.running)
        kubectl = ["kubectl", "--kubeconfig", self.server.kubeconfig, "exec"]
        # -i: stdin through CRI Exec and containerd's streaming server.
        r = subprocess.run(kubectl + ["-i", "shell", "--", "sh", "-c", "read l; echo got:$l"],
                           input="hello\n", capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout), (0, "got:hello\n"), r.stderr)
        # Without -i the output streams too: the first line arrives while the command runs.
        p = subprocess.Popen(kubectl + ["shell", "--", "sh", "-c", "echo first; sleep 60"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            ready, _, _ = select.select([p.stdout], [], [], 20)
            self.assertTrue(ready, "no output while the command runs")
            self.assertEqual(p.stdout.readline(), b"first\n")
            self.assertIsNone(p.poll())
        finally:
            p.kill()
            p.communicate()
        # -i with a failing command: its exit code comes back.
        r = subprocess.run(kubectl + ["-i", "shell", "--", "sh", "-c", "read l; exit 5"],
                           input="x\n", capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 5, r.stderr)
        # -it: a shell on a terminal (kubectl sees a pty and sends resizes).
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 33, 101, 0, 0))
            os.execvp("kubectl", kubectl + ["-it", "shell", "--", "sh"])
        try:
            out = b""

            def read_until(needle, timeout=30):
                nonlocal out
                deadline = time.time() + timeout
                while needle not in out and time.time() < deadline:
                    ready, _, _ = select.select([fd], [], [], 0.2)
                    if ready:
                        try:
                            out += os.read(fd, 4096)
                        except OSError:
                            break
                return needle in out

            self.assertTrue(read_until(b"# "), out)  # the root prompt
            os.write(fd, b"echo $((40+2))\n")
            self.assertTrue(read_until(b"42"), out)
            # The terminal's size reached the container (resize channel), then a new one.
            os.write(fd, b"stty size\n")
            self.assertTrue(read_until(b"33 101"), out)
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 44, 120, 0, 0))
            deadline = time.time() + 20
            while b"44 120" not in out and time.time() < deadline:
                os.write(fd, b"stty size\n")
                read_until(b"44 120", timeout=1)
            self.assertIn(b"44 120", out)
            os.write(fd, b"exit\n")
            deadline = time.time() + 30
            while time.time() < deadline:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                read_until(b"\0", timeout=0.2)  # keep the pty drained
            else:
                self.fail(f"kubectl exec -it did not end after exit: {out!r}")
            pid = None
            self.assertTrue(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, (status, out))
        finally:
            if pid:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            os.close(fd)
        self.kubectl("delete", "pod", "shell", "--wait=false")
        self.wait_gone("shell")

    def test_liveness_exec_probe_restarts_the_container(self):
        self.create_pod("live", {"command": ["sh", "-c",
                                             "touch /tmp/healthy; sleep 2; rm /tmp/healthy; "
                                             "exec sleep 600"],
                                 "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]},
                                                   "periodSeconds": 1, "failureThreshold": 2}},
                        grace=1)

        def restarted(p):
            cs = (p.get("status", {}).get("containerStatuses") or [{}])[0]
            return cs.get("restartCount", 0) >= 1
        self.wait_pod("live", restarted, timeout=60)
        messages = [e["message"] for e in self.events_of("live") if e["reason"] == "Unhealthy"]
        self.assertTrue(any(m.startswith("Liveness probe failed") for m in messages), messages)
        self.kubectl("delete", "pod", "live", "--wait=false")
        self.wait_gone("live")

    def test_readiness_http_and_tcp_probes_decide_ready(self):
        # Ready while /www/ready.html exists, then no longer.
        self.create_pod("flip", {"command": ["sh", "-c",
                                             "echo ok > /www/ready.html; httpd -p 80 -h /www; "
                                             "sleep 8; rm /www/ready.html; exec sleep 600"],
                                 "readinessProbe": {"httpGet": {"path": "/ready.html",
                                                                "port": 80},
                                                    "periodSeconds": 1, "failureThreshold": 1}},
                        grace=1)
        self.create_pod("tcp-up", {"command": ["httpd", "-f", "-p", "8080"],
                                   "ports": [{"name": "web", "containerPort": 8080}],
                                   "readinessProbe": {"tcpSocket": {"port": "web"},
                                                      "periodSeconds": 1}}, grace=1)
        self.create_pod("tcp-down", {"command": ["httpd", "-f", "-p", "8080"],
                                     "readinessProbe": {"tcpSocket": {"port": 8081},
                                                        "periodSeconds": 1}}, grace=1)
        self.wait_pod("flip", lambda p: self.running(p) and self.ready(p))
        p = self.wait_pod("flip", lambda p: self.running(p) and not self.ready(p))
        self.assertFalse(p["status"]["containerStatuses"][0]["ready"])
        self.assertEqual(p["status"]["containerStatuses"][0]["restartCount"], 0)
        self.wait_pod("tcp-up", lambda p: self.running(p) and self.ready(p))

        def refused():
            return any(e["reason"] == "Unhealthy" and "refused" in e["message"]
                       for e in self.events_of("tcp-down"))
        self.wait_for("a failed tcpSocket readiness probe", refused)
        self.assertFalse(self.ready(self.pod("tcp-down")))
        self.assertTrue(self.running(self.pod("tcp-down")))
        for name in ("flip", "tcp-up", "tcp-down"):
            self.kubectl("delete", "pod", name, "--wait=false")
        for name in ("flip", "tcp-up", "tcp-down"):
            self.wait_gone(name)


if __name__ == "__main__":
    unittest.main()
