"""The cluster-level controllers for real: `skiff server --no-agent` (with its scheduler, a short
node grace period) plus two `skiff agent` processes with the mock runtime, the bridge network in
a private subnet and hostpath storage rooted where the server provisions. Covers dynamic
provisioning through the default StorageClass, Endpoints of a Service, and a stopped agent's
node turning Unknown, tainted, and losing its pods. Needs root."""

import json
import os
import signal
import subprocess
import time
import unittest

from harness import AgentProcess, Server, free_port

SUBNET = "10.204.0.0/16"
BRIDGE = "skc%d" % (os.getpid() % 100000)
GRACE_SECONDS = 6


def agent(server, name):
    """A `skiff agent` whose hostpath root is where the server provisions (data dir/volumes)."""
    work = server.data_dir
    agent_dir = os.path.join(work, name)
    return AgentProcess(server, name, agent_dir, f"""nodeName: {name}
rootDir: {agent_dir}/root
address: 127.0.0.1
kubeletPort: {free_port()}
heartbeatSeconds: 1
plegPeriodMillis: 300
plugins:
  runtime: {{name: mock, library: 'builtin:mock', config: {{netns: true}}}}
  network: {{name: bridge, library: 'builtin:bridge',
             config: {{bridge: {BRIDGE}, subnet: {SUBNET}, dataDir: {work}/ipam}}}}
  storage: {{name: hostpath, library: 'builtin:hostpath', config: {{root: {work}/volumes}}}}
  callTimeoutSeconds: 5
""")


def condition(obj, kind, field="status"):
    for c in obj.get("status", {}).get("conditions", []):
        if c["type"] == kind:
            return c.get(field)
    return None


def ready(obj, field="status"):
    return condition(obj, "Ready", field)


@unittest.skipUnless(os.geteuid() == 0, "needs root for network namespaces, bridge and mounts")
class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--no-agent",
                                        "--node-monitor-grace-period", f"{GRACE_SECONDS}s"]).start()
        cls.agents = []
        try:
            cls.a = agent(cls.server, "node-a").start()
            cls.agents.append(cls.a)
            cls.b = agent(cls.server, "node-b").start()
            cls.agents.append(cls.b)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for agent in cls.agents:
            agent.stop()
        cls.server.stop()
        subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True)
        # Volumes may still be bind-mounted under the agents' pod directories.
        with open("/proc/mounts") as f:
            mounts = f.read().splitlines()
        for line in mounts:
            target = line.split()[1]
            if target.startswith(cls.server.data_dir):
                subprocess.run(["umount", "-l", target], capture_output=True)
        cls.server.cleanup()

    # ---- helpers ----
    def kubectl(self, *args, **kw):
        return self.server.kubectl(*args, **kw)[0]

    def apply(self, obj):
        self.kubectl("apply", "-f", "-", input=json.dumps(obj))

    def get(self, *what):
        out, _ = self.server.kubectl("get", *what, "-o", "json", check=False)
        return json.loads(out) if out else None

    def wait_for(self, what, pred, timeout=30):
        deadline, obj = time.time() + timeout, None
        while time.time() < deadline:
            obj = self.get(*what)
            if obj is not None and pred(obj):
                return obj
            time.sleep(0.25)
        self.fail(f"{' '.join(what)} never matched: {json.dumps(obj)[:2000]}\n"
                  f"server: {self.server.log()}\nnode-a: {self.a.log()}\nnode-b: {self.b.log()}")

    def pod(self, name, labels=None, node=None, volumes=None, mounts=None, tolerations=None):
        spec = {"terminationGracePeriodSeconds": 2,
                "containers": [{"name": "main", "image": "busybox:1.36",
                                "ports": [{"name": "web", "containerPort": 8080}],
                                "volumeMounts": mounts or []}],
                "volumes": volumes or []}
        if node:
            spec["nodeSelector"] = {"kubernetes.io/hostname": node}
        if tolerations is not None:
            spec["tolerations"] = tolerations
        self.apply({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": name, "labels": labels or {}}, "spec": spec})

    @staticmethod
    def running_and_ready(p):
        return p.get("status", {}).get("phase") == "Running" and ready(p) == "True"

    # ---- tests, in order ----
    def test_1_claim_without_class_is_provisioned_and_mounted(self):
        self.apply({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"],
                             "resources": {"requests": {"storage": "16Mi"}}}})
        sc = self.get("storageclass", "standard")
        self.assertEqual(sc["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"],
                         "true")
        claim = self.wait_for(("pvc", "data"), lambda c: c["status"].get("phase") == "Bound")
        self.assertEqual(claim["spec"]["storageClassName"], "standard")
        self.assertEqual(claim["status"]["capacity"]["storage"], "16Mi")
        pv = self.get("pv", claim["spec"]["volumeName"])
        self.assertEqual(pv["spec"]["csi"]["driver"], sc["provisioner"])
        self.assertEqual(pv["spec"]["persistentVolumeReclaimPolicy"], "Delete")
        self.assertEqual(pv["status"]["phase"], "Bound")
        handle = pv["spec"]["csi"]["volumeHandle"]
        source = os.path.join(self.server.data_dir, "volumes", "volumes", handle)
        self.assertTrue(os.path.isdir(source), source)

        self.pod("writer", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}],
                 mounts=[{"name": "d", "mountPath": "/data"}])
        p = self.wait_for(("pod", "writer"), self.running_and_ready, timeout=60)
        agent = self.a if p["spec"]["nodeName"] == "node-a" else self.b
        target = os.path.join(agent.dir, "root", "pods", p["metadata"]["uid"], "volumes", "csi", "d")
        # A bind mount from the same filesystem: os.path.ismount cannot tell, mountinfo can.
        with open("/proc/self/mountinfo") as f:
            mounted = [line.split()[4] for line in f]
        self.assertIn(target, mounted, agent.log())
        # The mount is the provisioned directory: a file written there shows in the volume.
        with open(os.path.join(target, "hello"), "w") as f:
            f.write("hi")
        self.assertTrue(os.path.exists(os.path.join(source, "hello")))

        self.kubectl("delete", "pod", "writer", "--wait=true", timeout=90)
        self.kubectl("delete", "pvc", "data")
        deadline = time.time() + 60
        while time.time() < deadline and self.get("pv", pv["metadata"]["name"]) is not None:
            time.sleep(0.25)
        self.assertIsNone(self.get("pv", pv["metadata"]["name"]), self.server.log())
        self.assertFalse(os.path.exists(source))

    def test_2_endpoints_list_ready_pods(self):
        self.apply({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                    "spec": {"selector": {"app": "web"},
                             "ports": [{"name": "http", "port": 80, "targetPort": "web"}]}})
        for name, node in (("web-a", "node-a"), ("web-b", "node-b")):
            self.pod(name, labels={"app": "web"}, node=node)
        self.pod("other", labels={"app": "db"}, node="node-a")
        ips = set()
        for name in ("web-a", "web-b"):
            p = self.wait_for(("pod", name), self.running_and_ready, timeout=60)
            ips.add(p["status"]["podIP"])

        def listed(ep):
            addrs = [a for s in ep.get("subsets") or [] for a in s.get("addresses", [])]
            return {a["ip"] for a in addrs} == ips
        ep = self.wait_for(("endpoints", "web"), listed)
        subset = ep["subsets"][0]
        self.assertEqual(subset["ports"], [{"name": "http", "port": 8080, "protocol": "TCP"}])
        by_name = {a["targetRef"]["name"]: a for a in subset["addresses"]}
        self.assertEqual(by_name["web-a"]["nodeName"], "node-a")
        self.assertEqual(by_name["web-b"]["nodeName"], "node-b")

        self.kubectl("delete", "pod", "web-a", "--wait=false")
        self.wait_for(("endpoints", "web"),
                      lambda e: [a["targetRef"]["name"] for s in e.get("subsets") or []
                                 for a in s.get("addresses", [])] == ["web-b"])
        self.kubectl("delete", "service", "web")
        deadline = time.time() + 30
        while time.time() < deadline and self.get("endpoints", "web") is not None:
            time.sleep(0.25)
        self.assertIsNone(self.get("endpoints", "web"))

    def test_3_stopped_agent_node_turns_unknown_and_its_pods_are_evicted(self):
        short = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                  "effect": "NoExecute", "tolerationSeconds": 2}]
        self.pod("victim", node="node-b", tolerations=short)
        self.pod("patient", node="node-b")  # the default 300 s tolerations
        for name in ("victim", "patient"):
            self.wait_for(("pod", name), self.running_and_ready, timeout=60)
        patient = self.get("pod", "patient")
        self.assertIn({"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                       "effect": "NoExecute", "tolerationSeconds": 300},
                      patient["spec"]["tolerations"])

        self.b.proc.send_signal(signal.SIGSTOP)
        stopped = time.time()
        try:
            node = self.wait_for(("node", "node-b"), lambda n: ready(n) == "Unknown",
                                 timeout=GRACE_SECONDS + 15)
            self.assertGreaterEqual(time.time() - stopped, GRACE_SECONDS - 1.5)
            self.assertEqual(ready(node, "reason"), "NodeStatusUnknown")
            self.wait_for(("node", "node-b"), lambda n: {
                (t["key"], t["effect"]) for t in n["spec"].get("taints", [])} == {
                ("node.kubernetes.io/unreachable", "NoExecute")})
            self.assertEqual(ready(self.get("node", "node-a")), "True")
            self.wait_for(("pod", "patient"), lambda p: ready(p) == "False")
            self.wait_for(("pod", "victim"),
                          lambda p: p["metadata"].get("deletionTimestamp") is not None, timeout=20)
            self.assertIsNone(self.get("pod", "patient")["metadata"].get("deletionTimestamp"))
        finally:
            self.b.proc.send_signal(signal.SIGCONT)
        # Back: the agent posts Ready again, the taint goes, the evicted pod finishes.
        self.wait_for(("node", "node-b"),
                      lambda n: ready(n) == "True" and not n["spec"].get("taints"), timeout=30)
        deadline = time.time() + 30
        while time.time() < deadline and self.get("pod", "victim") is not None:
            time.sleep(0.25)
        self.assertIsNone(self.get("pod", "victim"), self.b.log())
        self.wait_for(("pod", "patient"), self.running_and_ready)


if __name__ == "__main__":
    unittest.main()
