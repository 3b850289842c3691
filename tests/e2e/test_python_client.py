"""The official Python client (python3-kubernetes) against a real skiff server."""

import threading
import unittest

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from harness import ServerTestCase


def pod(name, labels=None, image="busybox:1.36"):
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name, labels=labels or {}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image=image)]))


class PythonClientTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_client = config.new_client_from_config(config_file=cls.server.kubeconfig)
        cls.core = client.CoreV1Api(cls.api_client)
        cls.apps = client.AppsV1Api(cls.api_client)
        cls.batch = client.BatchV1Api(cls.api_client)
        cls.core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="py")))

    def test_create_and_list_with_selectors(self):
        self.core.create_namespaced_pod("py", pod("sel-a", {"app": "web", "tier": "front"}))
        self.core.create_namespaced_pod("py", pod("sel-b", {"app": "web", "tier": "back"}))
        self.core.create_namespaced_pod("py", pod("sel-c", {"app": "db"}))
        names = lambda l: sorted(p.metadata.name for p in l.items)
        self.assertEqual(names(self.core.list_namespaced_pod("py", label_selector="app=web")),
                         ["sel-a", "sel-b"])
        self.assertEqual(names(self.core.list_namespaced_pod("py", label_selector="app=web,tier!=front")),
                         ["sel-b"])
        self.assertEqual(names(self.core.list_namespaced_pod("py", label_selector="tier in (front,back)")),
                         ["sel-a", "sel-b"])
        self.assertEqual(names(self.core.list_namespaced_pod("py", label_selector="!tier,app")), ["sel-c"])
        self.assertEqual(names(self.core.list_namespaced_pod("py", field_selector="metadata.name=sel-c")),
                         ["sel-c"])
        self.assertIn("sel-a", names(self.core.list_pod_for_all_namespaces(field_selector="status.phase=Pending")))

    def test_paging(self):
        for i in range(7):
            self.core.create_namespaced_pod("py", pod(f"page-{i}", {"paged": "yes"}))
        seen, token, pages = [], None, 0
        while True:
            l = self.core.list_namespaced_pod("py", label_selector="paged=yes", limit=3, _continue=token)
            seen += [p.metadata.name for p in l.items]
            pages += 1
            token = l.metadata._continue
            if not token:
                break
        self.assertEqual(sorted(seen), [f"page-{i}" for i in range(7)])
        self.assertEqual(pages, 3)

    def test_watch_from_resource_version(self):
        created = self.core.create_namespaced_pod("py", pod("watched", {"w": "1"}))
        rv = created.metadata.resource_version
        self.core.patch_namespaced_pod("watched", "py", {"metadata": {"labels": {"w": "2"}}})
        self.core.delete_namespaced_pod("watched", "py")
        w = watch.Watch()
        events = []
        for ev in w.stream(self.core.list_namespaced_pod, "py", resource_version=rv,
                           field_selector="metadata.name=watched", timeout_seconds=5):
            events.append((ev["type"], ev["object"].metadata.labels.get("w")))
            if len(events) == 2:
                w.stop()
        self.assertEqual(events, [("MODIFIED", "2"), ("DELETED", "2")])

    def test_live_watch(self):
        w = watch.Watch()
        got = []

        def consume():
            for ev in w.stream(self.core.list_namespaced_config_map, "py", timeout_seconds=10,
                               label_selector="live=yes"):
                got.append((ev["type"], ev["object"].metadata.name))
                if len(got) == 2:
                    w.stop()

        t = threading.Thread(target=consume)
        t.start()
        import time
        time.sleep(0.5)
        self.core.create_namespaced_config_map(
            "py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="live-cm", labels={"live": "yes"}),
                                     data={"k": "v"}))
        self.core.patch_namespaced_config_map("live-cm", "py", {"data": {"k": "v2"}})
        t.join(15)
        self.assertEqual(got, [("ADDED", "live-cm"), ("MODIFIED", "live-cm")])

    def test_replace_with_stale_resource_version_conflicts(self):
        created = self.core.create_namespaced_config_map(
            "py", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="stale"), data={"a": "1"}))
        fresh = self.core.read_namespaced_config_map("stale", "py")
        fresh.data = {"a": "2"}
        self.core.replace_namespaced_config_map("stale", "py", fresh)
        created.data = {"a": "3"}
        with self.assertRaises(ApiException) as cm:
            self.core.replace_namespaced_config_map("stale", "py", created)
        self.assertEqual(cm.exception.status, 409)
        import json
        status = json.loads(cm.exception.body)
        self.assertEqual(status["kind"], "Status")
        self.assertEqual(status["reason"], "Conflict")
        self.assertEqual(status["details"]["name"], "stale")
        self.assertEqual(self.core.read_namespaced_config_map("stale", "py").data, {"a": "2"})

    def test_error_status_fields(self):
        import json
        with self.assertRaises(ApiException) as cm:
            self.core.read_namespaced_pod("nope", "py")
        self.assertEqual(cm.exception.status, 404)
        status = json.loads(cm.exception.body)
        self.assertEqual((status["reason"], status["code"]), ("NotFound", 404))
        self.assertEqual(status["message"], 'pods "nope" not found')
        self.assertEqual(status["details"], {"name": "nope", "kind": "pods"})

        self.core.create_namespaced_pod("py", pod("dup"))
        with self.assertRaises(ApiException) as cm:
            self.core.create_namespaced_pod("py", pod("dup"))
        self.assertEqual(cm.exception.status, 409)
        self.assertEqual(json.loads(cm.exception.body)["reason"], "AlreadyExists")

        with self.assertRaises(ApiException) as cm:
            self.core.create_namespaced_pod("py", pod("Bad_Name"))
        self.assertEqual(cm.exception.status, 422)
        status = json.loads(cm.exception.body)
        self.assertEqual(status["reason"], "Invalid")
        self.assertEqual(status["details"]["causes"][0]["field"], "metadata.name")

    def test_deployment_scale_subresource(self):
        dep = client.V1Deployment(
            metadata=client.V1ObjectMeta(name="scaled"),
            spec=client.V1DeploymentSpec(
                replicas=1,
                selector=client.V1LabelSelector(match_labels={"app": "scaled"}),
                template=client.V1PodTemplateSpec(
                    metadata=client.V1ObjectMeta(labels={"app": "scaled"}),
                    spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox")]))))
        self.apps.create_namespaced_deployment("py", dep)
        scale = self.apps.read_namespaced_deployment_scale("scaled", "py")
        self.assertEqual(scale.spec.replicas, 1)
        self.assertEqual(scale.status.selector, "app=scaled")
        self.apps.patch_namespaced_deployment_scale("scaled", "py", {"spec": {"replicas": 4}})
        self.assertEqual(self.apps.read_namespaced_deployment("scaled", "py").spec.replicas, 4)

    def test_job_defaults_selector_and_validation(self):
        def job(name, restart_policy):
            return client.V1Job(
                metadata=client.V1ObjectMeta(name=name),
                spec=client.V1JobSpec(template=client.V1PodTemplateSpec(
                    spec=client.V1PodSpec(restart_policy=restart_policy,
                                          containers=[client.V1Container(name="c",
                                                                         image="busybox")]))))
        created = self.batch.create_namespaced_job("py", job("once", "Never"))
        self.assertEqual((created.spec.completions, created.spec.parallelism,
                          created.spec.backoff_limit), (1, 1, 6))
        uid = created.metadata.uid
        self.assertEqual(created.spec.selector.match_labels,
                         {"batch.kubernetes.io/controller-uid": uid})
        self.assertEqual(created.spec.template.metadata.labels["job-name"], "once")
        listed = self.batch.list_namespaced_job("py", label_selector="")
        self.assertIn("once", [j.metadata.name for j in listed.items])
        with self.assertRaises(ApiException) as e:
            self.batch.create_namespaced_job("py", job("always", "Always"))
        self.assertEqual(e.exception.status, 422)
        self.assertIn("spec.template.spec.restartPolicy", e.exception.body)


if __name__ == "__main__":
    unittest.main()
