"""Workload controllers end to end: `skiff server` with its scheduler and embedded agent (one
node, the mock runtime), driven by the real kubectl. A Deployment becomes Running pods, scales,
rolls out a new image (`kubectl rollout status`), rolls back (`kubectl rollout undo`), restarts
(`kubectl rollout restart`), and its ReplicaSets and pods are garbage-collected when it is
deleted. A Job runs its pods to completion (`kubectl wait --for=condition=complete`); a
CronJob's Jobs are its own (`kubectl create job --from=cronjob/...`)."""

import json
import re
import time
import unittest

from harness import Server

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate",
                     "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"terminationGracePeriodSeconds": 1,
                     "containers": [{"name": "web", "image": "nginx:1.25"}]},
        },
    },
}


JOB = {
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "batch"},
    "spec": {
        "completions": 3, "parallelism": 2,
        "template": {"spec": {
            "restartPolicy": "Never",
            # The mock runtime's container exits 0 after 200 ms.
            "containers": [{"name": "work", "image": "busybox",
                            "env": [{"name": "MOCK_EXIT_CODE", "value": "0"},
                                    {"name": "MOCK_EXIT_AFTER_MS", "value": "200"}]}]}},
    },
}


class WorkloadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=[]).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.cleanup()

    def kubectl(self, *args, **kw):
        return self.server.kubectl(*args, **kw)[0]

    def items(self, kind, selector="app=web"):
        return json.loads(self.kubectl("get", kind, "-l", selector, "-o", "json"))["items"]

    def running(self, image=None):
        """The live pods of the deployment, Running (and of image, if given)."""
        out = []
        for p in self.items("pods"):
            if p["metadata"].get("deletionTimestamp"):
                continue
            if p.get("status", {}).get("phase") != "Running":
                continue
            if image and p["spec"]["containers"][0]["image"] != image:
                continue
            out.append(p)
        return out

    @staticmethod
    def ready(pod):
        return any(c["type"] == "Ready" and c["status"] == "True"
                   for c in pod.get("status", {}).get("conditions", []))

    def wait(self, what, pred, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.2)
        self.fail(f"timed out waiting for {what}\n"
                  f"{self.kubectl('get', 'deploy,rs,pods', '-o', 'wide', check=False)}\n"
                  f"{self.server.log()}")

    def rollout_status(self):
        r = self.server.kubectl("rollout", "status", "deployment/web", "--timeout=90s",
                                check=False, timeout=120)
        return r

    def test_deployment_lifecycle(self):
        self.kubectl("apply", "-f", "-", input=json.dumps(DEPLOYMENT))
        self.wait("3 running pods", lambda: len(self.running("nginx:1.25")) == 3)
        out, err = self.rollout_status()
        self.assertIn("successfully rolled out", out, err)
        rs = self.items("rs")
        self.assertEqual(len(rs), 1)
        hash_ = rs[0]["metadata"]["labels"]["pod-template-hash"]
        self.assertEqual(rs[0]["metadata"]["name"], "web-" + hash_)
        for p in self.running():
            self.assertTrue(p["metadata"]["name"].startswith("web-" + hash_ + "-"))
            self.assertTrue(p["spec"].get("nodeName"))

        # Scale.
        self.kubectl("scale", "deployment/web", "--replicas=5")
        self.wait("5 running pods", lambda: len(self.running("nginx:1.25")) == 5)
        # The controllers' Events, as `kubectl describe` shows them (written asynchronously).
        rs_name = rs[0]["metadata"]["name"]
        self.wait("ScalingReplicaSet in describe deployment", lambda: re.search(
            r"ScalingReplicaSet\s.*Scaled up replica set " + rs_name + " from 3 to 5",
            self.kubectl("describe", "deployment", "web")))
        self.wait("SuccessfulCreate in describe rs", lambda: re.search(
            r"SuccessfulCreate\s.*Created pod: " + rs_name + "-",
            self.kubectl("describe", "rs", rs_name)))

        # A new image rolls out.
        self.kubectl("set", "image", "deployment/web", "web=nginx:1.26")
        # Throughout the rollout, at most maxUnavailable (1) of the 5 pods is not ready.
        deadline, fewest = time.time() + 90, 5
        while time.time() < deadline:
            fewest = min(fewest, len([p for p in self.running() if self.ready(p)]))
            if len(self.running("nginx:1.26")) == 5 and len(self.running()) == 5:
                break
            time.sleep(0.1)
        self.assertGreaterEqual(fewest, 4)
        out, err = self.rollout_status()
        self.assertIn("successfully rolled out", out, err)
        self.wait("5 new pods and no old ones",
                  lambda: len(self.running("nginx:1.26")) == 5 and len(self.running()) == 5)
        history = self.kubectl("rollout", "history", "deployment/web")
        self.assertRegex(history, r"(?m)^1\s")
        self.assertRegex(history, r"(?m)^2\s")
        deploy = json.loads(self.kubectl("get", "deployment", "web", "-o", "json"))
        self.assertEqual(deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
                         "2")
        self.assertEqual(deploy["status"]["updatedReplicas"], 5)
        self.assertEqual(deploy["status"]["availableReplicas"], 5)

        # Back to the old image.
        self.kubectl("rollout", "undo", "deployment/web")
        out, err = self.rollout_status()
        self.assertIn("successfully rolled out", out, err)
        self.wait("5 pods of the old image again",
                  lambda: len(self.running("nginx:1.25")) == 5 and len(self.running()) == 5)
        self.assertEqual(len(self.items("rs")), 2)  # the old ReplicaSet came back

        # A restart replaces every pod (a new template annotation, a new ReplicaSet).
        before = {p["metadata"]["name"] for p in self.running()}
        self.kubectl("rollout", "restart", "deployment/web")
        out, err = self.rollout_status()
        self.assertIn("successfully rolled out", out, err)
        self.wait("5 restarted pods", lambda: len(self.running()) == 5 and not (
            {p["metadata"]["name"] for p in self.running()} & before))
        for p in self.running():
            self.assertIn("kubectl.kubernetes.io/restartedAt", p["metadata"]["annotations"])

        # Deleting the deployment removes its ReplicaSets and pods.
        self.kubectl("delete", "deployment", "web", timeout=120)
        self.wait("no ReplicaSets and no pods",
                  lambda: not self.items("rs") and not self.items("pods"))

    def test_cascade_orphan_and_foreground(self):
        rs = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "keep"},
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "keep"}},
                       "template": {"metadata": {"labels": {"app": "keep"}},
                                    "spec": {"terminationGracePeriodSeconds": 1,
                                             "containers": [{"name": "c", "image": "busybox"}]}}}}
        self.kubectl("apply", "-f", "-", input=json.dumps(rs))
        self.wait("2 pods", lambda: len(self.items("pods", "app=keep")) == 2)
        # Orphan: the ReplicaSet goes, its pods stay without an owner.
        self.kubectl("delete", "rs", "keep", "--cascade=orphan", timeout=120)
        self.assertEqual(self.items("rs", "app=keep"), [])
        pods = self.items("pods", "app=keep")
        self.assertEqual(len(pods), 2)
        for p in pods:
            self.assertFalse(p["metadata"].get("ownerReferences"))
        # A new ReplicaSet adopts them instead of creating pods; foreground deletion then
        # removes the pods before the ReplicaSet.
        self.kubectl("apply", "-f", "-", input=json.dumps(rs))
        self.wait("the orphans adopted", lambda: all(
            p["metadata"].get("ownerReferences") for p in self.items("pods", "app=keep")))
        self.assertEqual({p["metadata"]["name"] for p in self.items("pods", "app=keep")},
                         {p["metadata"]["name"] for p in pods})
        self.kubectl("delete", "rs", "keep", "--cascade=foreground", timeout=120)
        self.wait("no pods and no ReplicaSet", lambda: not self.items("pods", "app=keep")
                  and not self.items("rs", "app=keep"))


    def test_job_runs_to_completion(self):
        self.kubectl("apply", "-f", "-", input=json.dumps(JOB))
        r = self.server.kubectl("wait", "--for=condition=complete", "job/batch", "--timeout=60s",
                                check=False, timeout=90)
        self.assertEqual(r[0].strip(), "job.batch/batch condition met", r[1] + self.server.log())
        job = json.loads(self.kubectl("get", "job", "batch", "-o", "json"))
        self.assertEqual(job["status"]["succeeded"], 3)
        self.assertIn("completionTime", job["status"])
        pods = self.items("pods", "job-name=batch")
        self.assertEqual(len(pods), 3)
        self.assertTrue(all(p["status"]["phase"] == "Succeeded" for p in pods))
        # Applying the same manifest again leaves the (immutable) template as it is.
        self.assertIn("job.batch/batch unchanged",
                      self.kubectl("apply", "-f", "-", input=json.dumps(JOB)))
        table = self.kubectl("get", "jobs", "batch").splitlines()
        self.assertEqual(table[0].split(), ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"])
        self.assertEqual(table[1].split()[:3], ["batch", "Complete", "3/3"])
        # kubectl create job sends protobuf; its pod runs (the mock's sleep does not end).
        out = self.kubectl("create", "job", "hello", "--image=busybox", "--", "sleep", "3600")
        self.assertIn("job.batch/hello created", out)
        self.wait("the job's pod to run",
                  lambda: [p for p in self.items("pods", "job-name=hello")
                           if p.get("status", {}).get("phase") == "Running"])
        self.kubectl("delete", "job", "hello", "batch")
        self.wait("the jobs' pods to go", lambda: not self.items("pods", "batch.kubernetes.io/job-name"))


    def test_cronjob(self):
        out = self.kubectl("create", "cronjob", "yearly", "--image=busybox",
                           "--schedule=0 0 1 1 *", "--", "sleep", "3600")
        self.assertIn("cronjob.batch/yearly created", out)
        table = self.kubectl("get", "cronjobs").splitlines()
        self.assertEqual(table[0].split(), ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE",
                                            "LAST", "SCHEDULE", "AGE"])
        self.assertEqual(table[1].split()[:6], ["yearly", "0", "0", "1", "1", "*"])
        # A Job from its template, now (as `kubectl create job --from` makes it: protobuf).
        self.assertIn("job.batch/now created",
                      self.kubectl("create", "job", "now", "--from=cronjob/yearly"))
        def active():
            cj = json.loads(self.kubectl("get", "cronjob", "yearly", "-o", "json"))
            return [a["name"] for a in cj.get("status", {}).get("active", [])]
        self.wait("the CronJob to list its running Job", lambda: active() == ["now"])
        r = self.server.kubectl("create", "cronjob", "bad", "--image=busybox",
                                "--schedule=61 * * * *", check=False)
        self.assertIn('spec.schedule: Invalid value: "61 * * * *"', r[1])
        self.kubectl("delete", "cronjob", "yearly")
        self.wait("its Job to go", lambda: not self.items("jobs", "job-name=now") and
                  "now" not in self.kubectl("get", "jobs", "-o", "name"))


if __name__ == "__main__":
    unittest.main()
