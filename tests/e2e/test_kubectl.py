"""The real kubectl against a real skiff server: the foundation issue's walk-through."""

import json
import os
import subprocess
import time
import unittest

import yaml

from harness import MANIFESTS, ServerTestCase


class KubectlTest(ServerTestCase):

    def test_namespace_create_and_list(self):
        out, err = self.kubectl("create", "namespace", "team-a")
        self.assertIn("namespace/team-a created", out)
        self.assertNoWarnings(err)
        out, err = self.kubectl("get", "namespaces")
        self.assertNoWarnings(err)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "STATUS", "AGE"])
        names = {l.split()[0]: l.split()[1] for l in lines[1:]}
        self.assertEqual(names.get("team-a"), "Active")
        self.assertIn("default", names)
        self.assertIn("kube-system", names)

    def test_create_configmap_and_secret(self):
        self.kubectl("create", "namespace", "typed")
        out, err = self.kubectl("create", "configmap", "cfg", "-n", "typed", "--from-literal=a=b")
        self.assertIn("configmap/cfg created", out)
        self.assertNoWarnings(err)
        out, err = self.kubectl("create", "secret", "generic", "s", "-n", "typed", "--from-literal=pw=hunter2")
        self.assertIn("secret/s created", out)
        out, _ = self.kubectl("get", "configmap", "cfg", "-n", "typed", "-o", "jsonpath={.data.a}")
        self.assertEqual(out, "b")
        out, _ = self.kubectl("get", "secret", "s", "-n", "typed", "-o", "jsonpath={.data.pw}")
        self.assertEqual(out, "aHVudGVyMg==")

    def test_create_deployment_and_service(self):
        # kubectl's typed create commands send protobuf bodies with every Go field encoded.
        self.kubectl("create", "namespace", "typed-apps")
        out, err = self.kubectl("create", "deployment", "web", "-n", "typed-apps",
                                "--image=nginx:1.25", "--port=80")
        self.assertIn("deployment.apps/web created", out)
        self.assertNoWarnings(err)
        out, _ = self.kubectl("create", "deployment", "idle", "-n", "typed-apps",
                              "--image=busybox", "--replicas=0", "--", "sleep", "3600")
        self.assertIn("deployment.apps/idle created", out)
        out, _ = self.kubectl("get", "deployment", "web", "-n", "typed-apps", "-o", "json")
        web = json.loads(out)
        self.assertEqual(web["spec"]["replicas"], 1)
        self.assertEqual(web["spec"]["selector"], {"matchLabels": {"app": "web"}})
        self.assertEqual(web["spec"]["strategy"]["type"], "RollingUpdate")  # defaulted
        container = web["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(container["image"], "nginx:1.25")
        self.assertEqual(container["ports"], [{"containerPort": 80, "protocol": "TCP"}])
        self.assertEqual(web["spec"]["template"]["spec"]["restartPolicy"], "Always")
        self.assertNotIn("creationTimestamp", web["spec"]["template"]["metadata"])
        out, _ = self.kubectl("get", "deployment", "idle", "-n", "typed-apps", "-o", "json")
        idle = json.loads(out)
        self.assertEqual(idle["spec"]["replicas"], 0)  # a pointer field: zero was set
        self.assertEqual(idle["spec"]["template"]["spec"]["containers"][0]["command"],
                         ["sleep", "3600"])

        out, err = self.kubectl("create", "service", "clusterip", "web", "-n", "typed-apps",
                                "--tcp=80:8080")
        self.assertIn("service/web created", out)
        self.assertNoWarnings(err)
        out, _ = self.kubectl("create", "service", "nodeport", "np", "-n", "typed-apps",
                              "--tcp=5678:http", "--node-port=30080")
        self.assertIn("service/np created", out)
        out, _ = self.kubectl("get", "service", "web", "-n", "typed-apps", "-o", "json")
        web = json.loads(out)
        self.assertEqual(web["spec"]["type"], "ClusterIP")
        self.assertEqual(web["spec"]["ports"],
                         [{"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}])
        self.assertEqual(web["spec"]["selector"], {"app": "web"})
        out, _ = self.kubectl("get", "service", "np", "-n", "typed-apps", "-o", "json")
        port = json.loads(out)["spec"]["ports"][0]
        self.assertEqual((port["nodePort"], port["targetPort"]), (30080, "http"))

    def test_apply_pod_update_and_get(self):
        self.kubectl("create", "namespace", "apply-pod")
        path = os.path.join(MANIFESTS, "pod.yaml")
        out, err = self.kubectl("apply", "-n", "apply-pod", "-f", path)
        self.assertIn("pod/hello created", out)
        self.assertNoWarnings(err)

        # Change the manifest (the image may change on a pod) and apply again.
        with open(path) as f:
            pod = yaml.safe_load(f)
        pod["spec"]["containers"][0]["image"] = "busybox:1.37"
        pod["metadata"]["labels"]["tier"] = "front"
        out, err = self.kubectl("apply", "-n", "apply-pod", "-f", "-", input=yaml.safe_dump(pod))
        self.assertIn("pod/hello configured", out)
        self.assertNoWarnings(err)
        out, _ = self.kubectl("get", "pod", "hello", "-n", "apply-pod", "-o", "json")
        got = json.loads(out)
        self.assertEqual(got["spec"]["containers"][0]["image"], "busybox:1.37")
        self.assertEqual(got["metadata"]["labels"], {"app": "hello", "tier": "front"})
        self.assertEqual(got["spec"]["restartPolicy"], "Always")
        self.assertEqual(got["spec"]["containers"][0]["imagePullPolicy"], "IfNotPresent")
        self.assertEqual(got["status"]["phase"], "Pending")
        self.assertTrue(got["metadata"]["uid"])

        # Applying the same manifest again changes nothing.
        rv = got["metadata"]["resourceVersion"]
        out, _ = self.kubectl("apply", "-n", "apply-pod", "-f", "-", input=yaml.safe_dump(pod))
        self.assertIn("pod/hello unchanged", out)
        out, _ = self.kubectl("get", "pod", "hello", "-n", "apply-pod", "-o", "yaml")
        self.assertEqual(yaml.safe_load(out)["metadata"]["resourceVersion"], rv)

        out, err = self.kubectl("get", "pods", "-n", "apply-pod", "-o", "wide")
        self.assertNoWarnings(err)
        header = out.splitlines()[0].split()
        self.assertEqual(header[:5], ["NAME", "READY", "STATUS", "RESTARTS", "AGE"])
        self.assertIn("IP", header)
        self.assertIn("NODE", header)
        row = out.splitlines()[1].split()
        self.assertEqual(row[:4], ["hello", "0/1", "Pending", "0"])

    def test_apply_deployment_update(self):
        self.kubectl("create", "namespace", "apply-deploy")
        path = os.path.join(MANIFESTS, "deployment.yaml")
        out, err = self.kubectl("apply", "-n", "apply-deploy", "-f", path)
        self.assertIn("deployment.apps/web created", out)
        self.assertNoWarnings(err)
        with open(path) as f:
            dep = yaml.safe_load(f)
        dep["spec"]["replicas"] = 3
        c = dep["spec"]["template"]["spec"]["containers"][0]
        c["image"] = "busybox:1.37"
        c["env"].append({"name": "COLOR", "value": "blue"})
        out, err = self.kubectl("apply", "-n", "apply-deploy", "-f", "-", input=yaml.safe_dump(dep))
        self.assertIn("deployment.apps/web configured", out)
        self.assertNoWarnings(err)
        out, _ = self.kubectl("get", "deploy", "web", "-n", "apply-deploy", "-o", "json")
        got = json.loads(out)
        self.assertEqual(got["spec"]["replicas"], 3)
        self.assertEqual(got["metadata"]["generation"], 2)
        gc = got["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual(gc["image"], "busybox:1.37")
        self.assertEqual([e["name"] for e in gc["env"]], ["GREETING", "COLOR"])
        self.assertEqual(got["spec"]["strategy"]["type"], "RollingUpdate")

        # Removing the env var from the manifest removes it from the object.
        c["env"] = [{"name": "GREETING", "value": "hello"}]
        self.kubectl("apply", "-n", "apply-deploy", "-f", "-", input=yaml.safe_dump(dep))
        out, _ = self.kubectl("get", "deploy", "web", "-n", "apply-deploy", "-o", "json")
        gc = json.loads(out)["spec"]["template"]["spec"]["containers"][0]
        self.assertEqual([e["name"] for e in gc["env"]], ["GREETING"])

        out, err = self.kubectl("get", "deployments", "-n", "apply-deploy")
        self.assertNoWarnings(err)
        self.assertEqual(out.splitlines()[0].split(), ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"])

        out, err = self.kubectl("scale", "deployment", "web", "-n", "apply-deploy", "--replicas=5")
        self.assertIn("scaled", out)
        out, _ = self.kubectl("get", "deploy", "web", "-n", "apply-deploy", "-o", "jsonpath={.spec.replicas}")
        self.assertEqual(out, "5")

    def test_label_annotate_and_selectors(self):
        self.kubectl("create", "namespace", "labels")
        for name in ("a", "b", "c"):
            self.kubectl("run", name, "-n", "labels", "--image=busybox:1.36", "--restart=Never")
        out, err = self.kubectl("label", "pod", "a", "b", "-n", "labels", "env=prod")
        self.assertIn("pod/a labeled", out)
        self.assertNoWarnings(err)
        out, err = self.kubectl("annotate", "pod", "c", "-n", "labels", "owner=me")
        self.assertIn("pod/c annotated", out)
        out, _ = self.kubectl("get", "pods", "-n", "labels", "-l", "env=prod", "-o", "name")
        self.assertEqual(sorted(out.split()), ["pod/a", "pod/b"])
        out, _ = self.kubectl("get", "pods", "-n", "labels", "-l", "env notin (prod)", "-o", "name")
        self.assertEqual(out.split(), ["pod/c"])
        out, _ = self.kubectl("get", "pods", "-n", "labels", "--field-selector", "metadata.name=b", "-o", "name")
        self.assertEqual(out.split(), ["pod/b"])
        out, _ = self.kubectl("get", "pod", "c", "-n", "labels", "-o", "jsonpath={.metadata.annotations.owner}")
        self.assertEqual(out, "me")
        out, _ = self.kubectl("label", "pod", "a", "-n", "labels", "env-")
        out, _ = self.kubectl("get", "pods", "-n", "labels", "-l", "env", "-o", "name")
        self.assertEqual(out.split(), ["pod/b"])

    def test_get_watch_prints_each_change(self):
        self.kubectl("create", "namespace", "watching")
        watcher = subprocess.Popen(
            ["kubectl", "--kubeconfig", self.server.kubeconfig, "get", "pods", "-n", "watching", "-w",
             "--output-watch-events"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1.0)
            self.kubectl("run", "w1", "-n", "watching", "--image=busybox:1.36", "--restart=Never")
            self.kubectl("label", "pod", "w1", "-n", "watching", "step=two")
            self.kubectl("delete", "pod", "w1", "-n", "watching")
            time.sleep(1.0)
        finally:
            watcher.terminate()
            out, err = watcher.communicate(timeout=10)
        events = [l.split()[0] for l in out.splitlines() if l.split() and l.split()[0] in ("ADDED", "MODIFIED", "DELETED")]
        self.assertEqual(events, ["ADDED", "MODIFIED", "DELETED"], out + err)

    def test_api_resources(self):
        out, err = self.kubectl("api-resources")
        self.assertNoWarnings(err)
        rows = {l.split()[0]: l for l in out.splitlines()[1:]}
        for name in ("pods", "deployments", "namespaces", "nodes", "services", "configmaps", "secrets",
                     "events", "leases", "storageclasses", "statefulsets", "daemonsets", "replicasets",
                     "persistentvolumes", "persistentvolumeclaims", "endpoints", "replicationcontrollers"):
            self.assertIn(name, rows)
        self.assertIn("po", rows["pods"].split())
        self.assertIn("apps/v1", rows["deployments"])

    def test_delete(self):
        self.kubectl("create", "namespace", "deleting")
        self.kubectl("apply", "-n", "deleting", "-f", os.path.join(MANIFESTS, "pod.yaml"))
        out, err = self.kubectl("delete", "pod", "hello", "-n", "deleting")
        self.assertIn('pod "hello" deleted', out)
        self.assertNoWarnings(err)
        out, err = self.kubectl("get", "pod", "hello", "-n", "deleting", check=False)
        self.assertIn('pods "hello" not found', err)
        out, err = self.kubectl("get", "pods", "-n", "deleting")
        self.assertIn("No resources found", err)

    def test_delete_namespace_deletes_its_content(self):
        self.kubectl("create", "namespace", "doomed")
        self.kubectl("apply", "-n", "doomed", "-f", os.path.join(MANIFESTS, "pod.yaml"))
        self.kubectl("create", "configmap", "cfg", "-n", "doomed", "--from-literal=a=b")
        out, err = self.kubectl("delete", "namespace", "doomed", timeout=60)
        self.assertIn('namespace "doomed" deleted', out)
        out, err = self.kubectl("get", "namespace", "doomed", check=False)
        self.assertIn('namespaces "doomed" not found', err)
        status, body = self.server.request("GET", "/api/v1/namespaces/doomed/configmaps")
        self.assertEqual(body["items"], [])


if __name__ == "__main__":
    unittest.main()
