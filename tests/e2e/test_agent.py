"""The node agent for real: `skiff server --no-agent` plus two `skiff agent` processes with the
mock runtime (a real network namespace per pod), the bridge network in a private subnet and
hostpath storage. node-a spawns its runtime as a sidecar; node-b connects to a runtime sidecar
this test runs, so the agent can be killed without losing its containers. Needs root."""

import ipaddress
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from harness import SKIFF, AgentProcess, Server, free_port, sh

PLUGIN_DIR = os.environ.get("SKIFF_PLUGIN_DIR",
                            os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(SKIFF))),
                                         "plugins"))
SUBNET = "10.203.0.0/16"
BRIDGE = "sk%d" % (os.getpid() % 100000)


def icmp_ping(ip, timeout=2.0):
    """One ICMP echo from the host (root; the machine may have no ping binary)."""
    def checksum(data):
        data += b"\0" * (len(data) % 2)
        total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
        total = (total >> 16) + (total & 0xFFFF)
        total += total >> 16
        return ~total & 0xFFFF
    ident = os.getpid() & 0xFFFF
    payload = b"skiff-agent-e2e"
    header = struct.pack("!BBHHH", 8, 0, 0, ident, 1)
    packet = struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, 1) + payload
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        s.settimeout(timeout)
        s.sendto(packet, (ip, 0))
        deadline = time.time() + timeout
        while time.time() < deadline:
            data, addr = s.recvfrom(2048)
            icmp = data[(data[0] & 0x0F) * 4:]
            if addr[0] == ip and icmp[0] == 0 and struct.unpack("!H", icmp[4:6])[0] == ident:
                return True
    return False


class Agent(AgentProcess):
    def __init__(self, server, name, workdir, runtime_block):
        agent_dir = os.path.join(workdir, name)
        super().__init__(server, name, agent_dir, f"""nodeName: {name}
rootDir: {agent_dir}/root
address: 127.0.0.1
kubeletPort: {free_port()}
heartbeatSeconds: 2
plegPeriodMillis: 300
crashLoopBackOff: {{initialSeconds: 1, maxSeconds: 4}}
plugins:
  runtime: {runtime_block}
  network: {{name: bridge, library: 'builtin:bridge',
             config: {{bridge: {BRIDGE}, subnet: {SUBNET}, dataDir: {workdir}/ipam}}}}
  storage: {{name: hostpath, library: 'builtin:hostpath', config: {{root: {workdir}/volumes}}}}
  callTimeoutSeconds: 5
""")


@unittest.skipUnless(os.geteuid() == 0, "needs root for network namespaces and the bridge")
class AgentTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="skiff-agent-e2e-")
        cls.server = Server(extra_args=["--no-agent"]).start()
        cls.sidecar_sock = os.path.join(cls.work, "mock-b.sock")
        cls.sidecar_log = open(os.path.join(cls.work, "mock-b.log"), "ab")
        cls.sidecar = subprocess.Popen(
            [os.path.join(PLUGIN_DIR, "skiff-mock-runtime"), "--socket", cls.sidecar_sock,
             "--config", '{"netns": true}'], stdout=cls.sidecar_log, stderr=subprocess.STDOUT)
        sock_a = os.path.join(cls.work, "mock-a.sock")
        cls.a = Agent(cls.server, "node-a", cls.work,
                      "{name: mock, command: [%s, --socket, %s, --config, '{\"netns\": true}'], "
                      "socket: %s}" % (os.path.join(PLUGIN_DIR, "skiff-mock-runtime"), sock_a,
                                       sock_a)).start()
        cls.b = Agent(cls.server, "node-b", cls.work,
                      "{name: mock, endpoint: 'unix://%s'}" % cls.sidecar_sock).start()

    @classmethod
    def tearDownClass(cls):
        for agent in (cls.a, cls.b):
            agent.stop()
        cls.sidecar.terminate()
        cls.sidecar.wait()
        cls.server.stop()
        cls.server.cleanup()
        subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
        shutil.rmtree(cls.work, ignore_errors=True)

    # ---- helpers ----
    def kubectl(self, *args, **kw):
        return self.server.kubectl(*args, **kw)[0]

    def create_pod(self, name, node, env=None, policy="Always", volumes=None, mounts=None,
                   image="busybox:1.36"):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
               "spec": {"nodeName": node, "restartPolicy": policy,
                        "terminationGracePeriodSeconds": 2,
                        "containers": [{"name": "main", "image": image,
                                        "env": [{"name": k, "value": v}
                                                for k, v in (env or {}).items()],
                                        "volumeMounts": mounts or []}],
                        "volumes": volumes or []},
               "status": {}}
        self.kubectl("apply", "-f", "-", input=json.dumps(pod))

    def pod(self, name):
        out, _ = self.server.kubectl("get", "pod", name, "-o", "json", check=False)
        return json.loads(out) if out else None

    def wait_pod(self, name, pred, timeout=30):
        deadline, p = time.time() + timeout, None
        while time.time() < deadline:
            p = self.pod(name)
            if p and pred(p):
                return p
            time.sleep(0.25)
        self.fail(f"pod {name} never matched: {json.dumps(p)[:2000]}\n{self.a.log()}\n{self.b.log()}")

    def wait_gone(self, name, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.pod(name) is None:
                return
            time.sleep(0.25)
        self.fail(f"pod {name} was not deleted")

    @staticmethod
    def running(p):
        return p.get("status", {}).get("phase") == "Running"

    def netns_with_ip(self, ip):
        for line in sh("ip", "netns", "list").splitlines():
            ns = line.split()[0]
            if not ns.startswith("skiff-"):
                continue
            out = sh("ip", "netns", "exec", ns, "ip", "-4", "-o", "addr", "show", "dev", "eth0",
                     check=False)
            if f" {ip}/" in out:
                return ns
        return None

    # ---- tests ----
    def test_pod_runs_with_network_volumes_and_logs_then_tears_down(self):
        host_dir = os.path.join(self.work, "host-data")
        self.create_pod("web", "node-a", env={"MOCK_LOG": "hello from web\nsecond line"},
                        volumes=[{"name": "data", "hostPath": {"path": host_dir,
                                                               "type": "DirectoryOrCreate"}},
                                 {"name": "scratch", "emptyDir": {}}],
                        mounts=[{"name": "data", "mountPath": "/data"},
                                {"name": "scratch", "mountPath": "/scratch"}])
        p = self.wait_pod("web", self.running)
        ip = p["status"]["podIP"]
        uid = p["metadata"]["uid"]
        self.assertIn(ipaddress.ip_address(ip), ipaddress.ip_network(SUBNET))
        self.assertEqual(p["status"]["podIPs"], [{"ip": ip}])
        ns = self.netns_with_ip(ip)
        self.assertIsNotNone(ns, f"no netns has {ip} on eth0")
        self.assertTrue(icmp_ping(ip), f"{ip} does not answer ping from the host")
        self.assertTrue(os.path.isdir(host_dir))
        scratch = os.path.join(self.a.dir, "root", "pods", uid, "volumes", "empty-dir", "scratch")
        self.assertTrue(os.path.isdir(scratch))
        logs = self.kubectl("logs", "web")
        self.assertIn("hello from web", logs)
        self.assertEqual(self.kubectl("logs", "web", "--tail", "1").strip(), "second line")
        events = self.kubectl("get", "events", "-o", "json")
        reasons = {e["reason"] for e in json.loads(events)["items"]
                   if e["involvedObject"]["name"] == "web"}
        self.assertTrue({"Pulled", "Created", "Started"} <= reasons, reasons)

        self.kubectl("delete", "pod", "web", "--wait=false")
        self.wait_gone("web")
        self.assertIsNone(self.netns_with_ip(ip))
        veths = sh("ip", "-o", "link", "show", "master", BRIDGE, check=False)
        self.assertNotIn("veth", veths)
        # One file per allocated address (the lock file only remembers the last one handed out).
        held = [f for _, _, files in os.walk(os.path.join(self.work, "ipam")) for f in files]
        self.assertNotIn(ip, held, "IPAM still holds " + ip)
        self.assertFalse(os.path.exists(os.path.join(self.a.dir, "root", "pods", uid)))
        with open("/proc/mounts") as mounts:
            self.assertNotIn(uid, mounts.read())

    def test_exec_runs_through_execsync_and_interactive_exec_fails_clearly(self):
        # An image of its own: the other tests expect node-a to pull busybox:1.36 themselves.
        self.create_pod("shell", "node-a", image="busybox:exec-test")
        self.wait_pod("shell", self.running)
        self.assertEqual(self.kubectl("exec", "shell", "--", "echo", "hi", "there"), "hi there\n")
        # The mock runtime has no streaming server: -i must fail at once, with the reason.
        t0 = time.time()
        r = subprocess.run(["kubectl", "--kubeconfig", self.server.kubeconfig, "exec", "-i",
                            "shell", "--", "sh"], input="echo hi\n", capture_output=True,
                           text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("interactive exec (stdin/tty) is not supported", r.stderr)
        self.assertLess(time.time() - t0, 20, "kubectl exec -i took too long to fail")
        self.kubectl("delete", "pod", "shell", "--wait=false")
        self.wait_gone("shell")

    def test_restart_policies(self):
        self.create_pod("crash", "node-a", env={"MOCK_EXIT_CODE": "1"}, policy="Always")
        self.create_pod("never", "node-b", env={"MOCK_EXIT_CODE": "1"}, policy="Never")
        self.create_pod("job", "node-b", env={"MOCK_EXIT_CODE": "0"}, policy="OnFailure")

        def crashlooping(p):
            cs = p.get("status", {}).get("containerStatuses") or [{}]
            return (cs[0].get("restartCount", 0) >= 2 and
                    cs[0].get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff")
        p = self.wait_pod("crash", crashlooping, timeout=40)
        self.assertEqual(p["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 1)
        p = self.wait_pod("never", lambda p: p.get("status", {}).get("phase") == "Failed")
        self.assertEqual(p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 1)
        self.wait_pod("job", lambda p: p.get("status", {}).get("phase") == "Succeeded")
        for name in ("crash", "never", "job"):
            self.kubectl("delete", "pod", name, "--wait=false")
        for name in ("crash", "never", "job"):
            self.wait_gone(name)

    def test_agent_kill9_keeps_running_pods_and_cleans_up_deleted_ones(self):
        self.create_pod("stay", "node-b")
        self.create_pod("leave", "node-b")
        stay = self.wait_pod("stay", self.running)
        leave = self.wait_pod("leave", self.running)
        cid = stay["status"]["containerStatuses"][0]["containerID"]
        leave_ip = leave["status"]["podIP"]
        self.b.kill9()
        self.kubectl("delete", "pod", "leave", "--wait=false")
        time.sleep(1)
        self.assertIsNotNone(self.pod("leave"))  # bound: waits for its node
        self.b.start()
        self.wait_gone("leave")
        self.assertIsNone(self.netns_with_ip(leave_ip))
        time.sleep(2)
        stay = self.pod("stay")
        self.assertEqual(stay["status"]["phase"], "Running")
        cs = stay["status"]["containerStatuses"][0]
        self.assertEqual(cs["containerID"], cid)
        self.assertEqual(cs["restartCount"], 0)
        self.kubectl("delete", "pod", "stay", "--wait=false")
        self.wait_gone("stay")

    def test_runtime_sidecar_killed_pods_come_back(self):
        self.create_pod("phoenix", "node-a")
        before = self.wait_pod("phoenix", self.running)
        sidecars = sh("pgrep", "-f", "mock-a.sock").split()
        self.assertTrue(sidecars)
        for pid in sidecars:
            os.kill(int(pid), signal.SIGKILL)

        def back(p):
            cs = (p.get("status", {}).get("containerStatuses") or [{}])[0]
            return (self.running(p) and cs.get("containerID") and
                    cs["containerID"] != before["status"]["containerStatuses"][0]["containerID"]
                    and "running" in cs.get("state", {}))
        self.wait_pod("phoenix", back, timeout=60)
        self.kubectl("delete", "pod", "phoenix", "--wait=false")
        self.wait_gone("phoenix")


if __name__ == "__main__":
    unittest.main()
