"""DaemonSet and StatefulSet controllers for real: `skiff server` with its scheduler and embedded
agent (mock runtime, no network), extra hollow nodes from `skiff agent --simulate`, driven by
kubectl. PVC binding is another controller's job: claims are checked by name, not as Bound."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import SKIFF, Server, free_port

IMAGE = "busybox:1.36"


class SetsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="skiff-sets-e2e-")
        cls.agent_config = os.path.join(cls.work, "agent.yaml")
        with open(cls.agent_config, "w") as f:
            f.write(f"""nodeName: sets-main
rootDir: {cls.work}/agent
address: 127.0.0.1
kubeletPort: {free_port()}
heartbeatSeconds: 2
plugins:
  runtime: {{name: mock, library: 'builtin:mock'}}
""")
        cls.server = Server(extra_args=["--agent-config", cls.agent_config]).start()
        cls.extra = []
        deadline = time.time() + 30
        while "sets-main" not in cls.server.kubectl("get", "nodes", "-o", "name")[0]:
            if time.time() > deadline:
                raise RuntimeError(f"the embedded node did not register: {cls.server.log()}")
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        for proc, log in cls.extra:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.close()
        try:
            cls.server.stop()
        finally:
            cls.server.cleanup()
            shutil.rmtree(cls.work, ignore_errors=True)

    # ---- helpers ----
    def kubectl(self, *args, **kw):
        return self.server.kubectl(*args, **kw)[0]

    def get_json(self, *args):
        return json.loads(self.kubectl("get", *args, "-o", "json"))

    def node_names(self):
        return {n["metadata"]["name"] for n in self.get_json("nodes")["items"]}

    def pods(self, selector):
        return self.get_json("pods", "-l", selector)["items"]

    def wait(self, cond, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if cond():
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting until {what}\n{self.server.log()}")

    @staticmethod
    def ready(pod):
        return pod.get("status", {}).get("phase") == "Running" and any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in pod.get("status", {}).get("conditions", []))

    def controller_log(self, word):
        with open(self.server.log_path, errors="replace") as f:
            return "".join(line for line in f if word in line)[-6000:]

    def add_hollow_nodes(self, base, count):
        log = open(os.path.join(self.work, base + ".log"), "ab")
        proc = subprocess.Popen([SKIFF, "agent", "--kubeconfig", self.server.kubeconfig,
                                 "--simulate", str(count), "--node-name", base],
                                stdout=log, stderr=subprocess.STDOUT)
        type(self).extra.append((proc, log))

    # ---- tests ----
    def test_daemonset_lands_once_per_node_and_follows_a_new_node(self):
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "logs"},
              "spec": {"selector": {"matchLabels": {"app": "logs"}},
                       "template": {"metadata": {"labels": {"app": "logs"}},
                                    "spec": {"terminationGracePeriodSeconds": 1,
                                             "containers": [{"name": "c", "image": IMAGE}]}}}}
        self.kubectl("apply", "-f", "-", input=json.dumps(ds))

        def placed(nodes):
            pods = [p for p in self.pods("app=logs") if not p["metadata"].get("deletionTimestamp")]
            on = sorted(p["spec"].get("nodeName", "") for p in pods)
            return on == sorted(nodes) and all(self.ready(p) for p in pods)

        nodes = sorted(self.node_names())
        self.wait(lambda: placed(nodes), f"one ready logs pod on each of {nodes}")

        self.add_hollow_nodes("late", 2)
        self.wait(lambda: {"late-0000", "late-0001"} <= self.node_names(), "hollow nodes register")
        nodes = sorted(self.node_names())
        self.assertGreaterEqual(len(nodes), 3)
        self.wait(lambda: placed(nodes), f"one ready logs pod on each of {nodes}")
        # Each pod is pinned to its node by required node affinity on metadata.name.
        for p in self.pods("app=logs"):
            term = p["spec"]["affinity"]["nodeAffinity"][
                "requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"][0]
            self.assertEqual(term["matchFields"][0]["values"], [p["spec"]["nodeName"]])

        def status_done():
            s = self.get_json("ds", "logs").get("status", {})
            return (s.get("desiredNumberScheduled") == len(nodes)
                    and s.get("numberReady") == len(nodes)
                    and s.get("updatedNumberScheduled") == len(nodes))
        self.wait(status_done, "the DaemonSet status counts every node")
        out = self.kubectl("rollout", "status", "ds/logs", "--timeout=60s")
        self.assertIn("successfully rolled out", out)

        # RollingUpdate (maxUnavailable 1): every node ends with one pod of the new template.
        self.kubectl("set", "image", "ds/logs", "c=busybox:1.37")
        out = self.kubectl("rollout", "status", "ds/logs", "--timeout=120s", timeout=150)
        self.assertIn("successfully rolled out", out)
        self.wait(lambda: placed(nodes), f"one ready logs pod on each of {nodes}")
        images = [p["spec"]["containers"][0]["image"] for p in self.pods("app=logs")
                  if not p["metadata"].get("deletionTimestamp")]
        self.assertEqual(images, ["busybox:1.37"] * len(nodes))

    def test_statefulset_claim_retention_delete_removes_claims_with_pods_and_set(self):
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "tmp"},
               "spec": {"replicas": 2, "serviceName": "tmp", "podManagementPolicy": "Parallel",
                        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Delete",
                                                                 "whenScaled": "Delete"},
                        "selector": {"matchLabels": {"app": "tmp"}},
                        "template": {"metadata": {"labels": {"app": "tmp"}},
                                     "spec": {"terminationGracePeriodSeconds": 1,
                                              "containers": [{"name": "c", "image": IMAGE}]}},
                        "volumeClaimTemplates": [{
                            "metadata": {"name": "data"},
                            "spec": {"accessModes": ["ReadWriteOnce"],
                                     "resources": {"requests": {"storage": "1Mi"}}}}]}}
        self.kubectl("apply", "-f", "-", input=json.dumps(sts))

        def claims():
            return {c["metadata"]["name"]: c["metadata"].get("ownerReferences", [])
                    for c in self.get_json("pvc", "-l", "app=tmp")["items"]}
        set_uid = self.get_json("sts", "tmp")["metadata"]["uid"]
        self.wait(lambda: {n: [r["uid"] for r in refs] for n, refs in claims().items()}
                  == {"data-tmp-0": [set_uid], "data-tmp-1": [set_uid]},
                  "both claims are owned by the set")
        self.kubectl("scale", "sts", "tmp", "--replicas=1")
        self.wait(lambda: set(claims()) == {"data-tmp-0"}, "data-tmp-1 goes with tmp-1")
        self.kubectl("delete", "sts", "tmp", "--wait=false")
        self.wait(lambda: not claims() and not self.pods("app=tmp"), "the claims go with the set")

    def test_statefulset_creates_in_order_and_recreates_a_deleted_pod(self):
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
               "spec": {"replicas": 3, "serviceName": "web",
                        "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"terminationGracePeriodSeconds": 1,
                                              "containers": [{"name": "c", "image": IMAGE}]}}}}
        self.kubectl("apply", "-f", "-", input=json.dumps(sts))
        # In every snapshot, web-(i+1) exists only once web-i is Running and Ready.
        seen = []
        deadline = time.time() + 90
        while time.time() < deadline:
            by_name = {p["metadata"]["name"]: p for p in self.pods("app=web")}
            for name in by_name:
                if name not in seen:
                    seen.append(name)
            for i in (1, 2):
                if f"web-{i}" in by_name:
                    self.assertIn(f"web-{i - 1}", by_name)
                    self.assertTrue(self.ready(by_name[f"web-{i - 1}"]),
                                    f"web-{i} exists while web-{i - 1} is not ready")
            if len(by_name) == 3 and all(self.ready(p) for p in by_name.values()):
                break
            time.sleep(0.1)
        self.assertEqual(seen, ["web-0", "web-1", "web-2"])
        web1 = self.get_json("pod", "web-1")
        self.assertEqual(web1["spec"]["hostname"], "web-1")
        self.assertEqual(web1["spec"]["subdomain"], "web")
        self.assertEqual(web1["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"], "web-1")
        self.assertEqual(web1["metadata"]["labels"]["apps.kubernetes.io/pod-index"], "1")
        self.kubectl("rollout", "status", "sts/web", "--timeout=60s")

        self.kubectl("delete", "pod", "web-1", "--wait=false")

        def back():
            pods = {p["metadata"]["name"]: p for p in self.pods("app=web")}
            p = pods.get("web-1")
            return p and p["metadata"]["uid"] != web1["metadata"]["uid"] and self.ready(p)
        self.wait(back, "web-1 comes back, Running and Ready")
        self.wait(lambda: self.get_json("sts", "web").get("status", {}).get("readyReplicas") == 3,
                  "the StatefulSet counts 3 ready replicas")

        # RollingUpdate: from the highest ordinal down, to the new template everywhere.
        # Pods are replaced faster than kubectl can poll: watch them.
        rv = self.get_json("pods", "-l", "app=web")["metadata"]["resourceVersion"]
        watch = urllib.request.urlopen(
            f"{self.server.url}/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dweb"
            f"&resourceVersion={rv}", timeout=120)
        self.kubectl("set", "image", "sts/web", "c=busybox:1.37")
        updated = []
        with watch:
            for line in watch:
                event = json.loads(line)
                pod = event["object"]
                name = pod["metadata"]["name"]
                if (event["type"] == "ADDED" and name not in updated
                        and pod["spec"]["containers"][0]["image"] == "busybox:1.37"):
                    updated.append(name)
                if len(updated) == 3:
                    break
        self.assertEqual(updated, ["web-2", "web-1", "web-0"], self.controller_log("statefulset"))
        self.kubectl("rollout", "status", "sts/web", "--timeout=120s", timeout=150)

    def test_statefulset_claims_one_pvc_per_ordinal_kept_across_pod_deletion(self):
        sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
               "spec": {"replicas": 3, "serviceName": "db", "podManagementPolicy": "Parallel",
                        "selector": {"matchLabels": {"app": "db"}},
                        "template": {"metadata": {"labels": {"app": "db"}},
                                     "spec": {"terminationGracePeriodSeconds": 1,
                                              "containers": [{"name": "c", "image": IMAGE,
                                                              "volumeMounts": [{
                                                                  "name": "data",
                                                                  "mountPath": "/data"}]}]}},
                        "volumeClaimTemplates": [{
                            "metadata": {"name": "data"},
                            "spec": {"accessModes": ["ReadWriteOnce"],
                                     "resources": {"requests": {"storage": "1Mi"}}}}]}}
        self.kubectl("apply", "-f", "-", input=json.dumps(sts))
        want = {"data-db-0", "data-db-1", "data-db-2"}

        def claims():
            return {c["metadata"]["name"]: c["metadata"]["uid"]
                    for c in self.get_json("pvc", "-l", "app=db")["items"]}
        self.wait(lambda: set(claims()) == want, f"claims {want}")
        self.wait(lambda: len(self.pods("app=db")) == 3, "pods db-0..2")
        for p in self.pods("app=db"):
            name = p["metadata"]["name"]
            vols = {v["name"]: v for v in p["spec"]["volumes"]}
            self.assertEqual(vols["data"]["persistentVolumeClaim"]["claimName"], "data-" + name)
        before = claims()
        db1 = self.get_json("pod", "db-1")
        self.kubectl("delete", "pod", "db-1", "--wait=false")

        def back():
            pods = {p["metadata"]["name"]: p for p in self.pods("app=db")}
            p = pods.get("db-1")
            return p and p["metadata"]["uid"] != db1["metadata"]["uid"]
        self.wait(back, "db-1 comes back")
        db1 = self.get_json("pod", "db-1")
        vols = {v["name"]: v for v in db1["spec"]["volumes"]}
        self.assertEqual(vols["data"]["persistentVolumeClaim"]["claimName"], "data-db-1")
        self.assertEqual(claims(), before)  # the same claims, not new ones

        # Deleting the set removes its pods (garbage collector) and keeps the claims (Retain).
        self.kubectl("delete", "sts", "db", "--wait=false")
        self.wait(lambda: not self.pods("app=db"), "the db pods are gone")
        self.assertEqual(claims(), before)

    def test_rollout_history_and_undo_of_a_daemonset_and_a_statefulset(self):
        template = {"spec": {"terminationGracePeriodSeconds": 1,
                             "containers": [{"name": "c", "image": IMAGE}]}}
        sets = [("daemonset", "hist-ds", {"apiVersion": "apps/v1", "kind": "DaemonSet",
                                           "spec": {}}),
                ("statefulset", "hist-sts", {"apiVersion": "apps/v1", "kind": "StatefulSet",
                                             "spec": {"replicas": 2, "serviceName": "hist-sts",
                                                      "podManagementPolicy": "Parallel"}})]
        for kind, name, obj in sets:
            obj["metadata"] = {"name": name}
            obj["spec"]["selector"] = {"matchLabels": {"app": name}}
            obj["spec"]["template"] = dict(template, metadata={"labels": {"app": name}})
            self.kubectl("apply", "-f", "-", input=json.dumps(obj))
        resources = self.kubectl("api-resources", "--api-group=apps")
        self.assertIn("controllerrevisions", resources)

        def revisions(name):
            items = self.get_json("controllerrevisions", "-l", f"app={name}")["items"]
            return {r["metadata"]["name"]: r["revision"] for r in items}

        def history(kind, name):
            out = self.kubectl("rollout", "history", f"{kind}/{name}")
            lines = out.splitlines()
            header = next(i for i, line in enumerate(lines) if line.startswith("REVISION"))
            return [line.split()[0] for line in lines[header + 1:] if line.strip()]

        def images(name):
            pods = [p for p in self.pods(f"app={name}")
                    if not p["metadata"].get("deletionTimestamp")]
            return sorted({p["spec"]["containers"][0]["image"] for p in pods}), pods

        def rolled_out_to(name, image):
            found, pods = images(name)
            return found == [image] and all(self.ready(p) for p in pods)

        for kind, name, _ in sets:
            self.kubectl("rollout", "status", f"{kind}/{name}", "--timeout=120s", timeout=150)
            self.wait(lambda: list(revisions(name).values()) == [1], f"{name} has revision 1")
            self.kubectl("set", "image", f"{kind}/{name}", "c=busybox:1.37")
        for kind, name, _ in sets:
            self.wait(lambda: rolled_out_to(name, "busybox:1.37"), f"{name} runs busybox:1.37")
            self.kubectl("rollout", "status", f"{kind}/{name}", "--timeout=120s", timeout=150)
            self.wait(lambda: sorted(revisions(name).values()) == [1, 2], f"{name} revisions 1, 2")
            self.assertEqual(history(kind, name), ["1", "2"])
            self.assertIn(IMAGE, self.kubectl("rollout", "history", f"{kind}/{name}",
                                              "--revision=1"))
            self.assertIn("busybox:1.37", self.kubectl("rollout", "history", f"{kind}/{name}",
                                                       "--revision=2"))
            # Each revision is the set's: owned by it and printed with its controller.
            listing = self.kubectl("get", "controllerrevisions", "-l", f"app={name}")
            self.assertIn(f"{kind}.apps/{name}", listing)
            sts_or_ds = self.get_json(kind, name)
            for r in self.get_json("controllerrevisions", "-l", f"app={name}")["items"]:
                ref = r["metadata"]["ownerReferences"][0]
                self.assertEqual((ref["uid"], ref["controller"]),
                                 (sts_or_ds["metadata"]["uid"], True))

        sts_status = self.get_json("statefulset", "hist-sts")["status"]
        self.assertEqual(sts_status["currentRevision"], sts_status["updateRevision"])
        self.assertEqual(revisions("hist-sts")[sts_status["updateRevision"]], 2)

        for kind, name, _ in sets:
            out = self.kubectl("rollout", "undo", f"{kind}/{name}")
            self.assertIn("rolled back", out)
        for kind, name, _ in sets:
            self.wait(lambda: rolled_out_to(name, IMAGE), f"{name} runs {IMAGE} again")
            self.kubectl("rollout", "status", f"{kind}/{name}", "--timeout=120s", timeout=150)
            # The first revision came back as number 3; no third object.
            self.wait(lambda: sorted(revisions(name).values()) == [2, 3], f"{name} revisions 2, 3")
            self.assertEqual(history(kind, name), ["2", "3"])

        # Deleting a set deletes its revisions (garbage collector).
        self.kubectl("delete", "daemonset", "hist-ds", "--wait=false")
        self.wait(lambda: not revisions("hist-ds"), "the DaemonSet's revisions are gone")


if __name__ == "__main__":
    unittest.main()
