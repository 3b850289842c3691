"""Bad input gets the right Kubernetes Status and writes nothing."""

import json
import unittest

from harness import ServerTestCase

PODS = "/api/v1/namespaces/default/pods"


def pod_json(name="ok", **spec):
    return json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                       "spec": spec or {"containers": [{"name": "c", "image": "busybox"}]}})


class BadInputTest(ServerTestCase):

    def revision(self):
        status, body = self.server.request("GET", "/api/v1/namespaces")
        self.assertEqual(status, 200)
        return int(body["metadata"]["resourceVersion"])

    def assertStatus(self, status, body, code, reason):
        self.assertEqual(status, code, body)
        self.assertEqual(body["kind"], "Status", body)
        self.assertEqual(body["apiVersion"], "v1")
        self.assertEqual(body["status"], "Failure")
        self.assertEqual(body["code"], code)
        self.assertEqual(body["reason"], reason, body)

    def assertNothingWritten(self, before):
        self.assertEqual(self.revision(), before)

    def test_malformed_json(self):
        before = self.revision()
        s, b = self.server.request("POST", PODS, '{"apiVersion": "v1", "kind": "Pod", "metadata": {')
        self.assertStatus(s, b, 400, "BadRequest")
        self.assertNothingWritten(before)

    def test_malformed_yaml(self):
        before = self.revision()
        s, b = self.server.request("POST", PODS, "kind: Pod\nmetadata: [unclosed\n",
                                   content_type="application/yaml")
        self.assertStatus(s, b, 400, "BadRequest")
        self.assertNothingWritten(before)

    def test_yaml_body_is_accepted(self):
        s, b = self.server.request(
            "POST", PODS,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\nspec:\n  containers:\n"
            "  - name: c\n    image: busybox\n    ports:\n    - containerPort: 80\n",
            content_type="application/yaml")
        self.assertEqual(s, 201, b)
        self.assertEqual(b["spec"]["containers"][0]["ports"][0]["containerPort"], 80)

    def test_wrong_kind(self):
        before = self.revision()
        body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}})
        s, b = self.server.request("POST", PODS, body)
        self.assertStatus(s, b, 400, "BadRequest")
        self.assertNothingWritten(before)

    def test_bad_names(self):
        before = self.revision()
        for name in ("Upper", "under_score", "-dash", "a" * 254):
            s, b = self.server.request("POST", PODS, pod_json(name))
            self.assertStatus(s, b, 422, "Invalid")
            self.assertEqual(b["details"]["causes"][0]["field"], "metadata.name")
            self.assertEqual(b["details"]["kind"], "Pod")
        self.assertNothingWritten(before)

    def test_missing_required_fields(self):
        before = self.revision()
        s, b = self.server.request("POST", PODS, pod_json("noimage", containers=[{"name": "c"}]))
        self.assertStatus(s, b, 422, "Invalid")
        fields = [c["field"] for c in b["details"]["causes"]]
        self.assertIn("spec.containers[0].image", fields)
        self.assertNothingWritten(before)

    def test_oversize_body(self):
        before = self.revision()
        big = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                          "data": {"k": "x" * (4 * 1024 * 1024)}})
        s, b = self.server.request("POST", "/api/v1/namespaces/default/configmaps", big)
        self.assertStatus(s, b, 413, "RequestEntityTooLarge")
        self.assertNothingWritten(before)

    def test_unsupported_media_type(self):
        before = self.revision()
        s, b = self.server.request("POST", PODS, pod_json("plain"), content_type="text/plain")
        self.assertStatus(s, b, 415, "UnsupportedMediaType")
        # Protobuf is decoded for the kinds kubectl's typed commands send; a bad body is a 400.
        s, b = self.server.request("POST", PODS, "not protobuf",
                                   content_type="application/vnd.kubernetes.protobuf")
        self.assertStatus(s, b, 400, "BadRequest")
        s, b = self.server.request("PATCH", PODS + "/x", "{}", content_type="text/plain")
        self.assertStatus(s, b, 415, "UnsupportedMediaType")
        self.assertNothingWritten(before)

    def test_method_not_allowed(self):
        s, b = self.server.request("PUT", PODS, pod_json("x"))
        self.assertStatus(s, b, 405, "MethodNotAllowed")

    def test_unknown_resource(self):
        s, b = self.server.request("GET", "/api/v1/namespaces/default/widgets")
        self.assertStatus(s, b, 404, "NotFound")

    def test_namespace_must_exist(self):
        s, b = self.server.request("POST", "/api/v1/namespaces/missing/pods", pod_json("x"))
        self.assertStatus(s, b, 404, "NotFound")
        self.assertEqual(b["message"], 'namespaces "missing" not found')

    def test_immutable_field(self):
        s, b = self.server.request("POST", PODS, pod_json("immutable"))
        self.assertEqual(s, 201, b)
        before = self.revision()
        s, b = self.server.request(
            "PATCH", PODS + "/immutable", json.dumps({"spec": {"restartPolicy": "Never"}}),
            content_type="application/merge-patch+json")
        self.assertStatus(s, b, 422, "Invalid")
        self.assertNothingWritten(before)

    def test_bad_resource_version(self):
        s, b = self.server.request("GET", "/api/v1/namespaces/default/pods?watch=1&resourceVersion=abc")
        self.assertStatus(s, b, 400, "BadRequest")


class CompactionTest(ServerTestCase):
    """A server that compacts every half second: old watches get 410 Gone."""

    @classmethod
    def setUpClass(cls):
        from harness import Server
        cls.server = Server(
            extra_args=["--no-scheduler", "--no-agent", "--compaction-interval", "0.5"]).start()

    def test_watch_from_compacted_revision_is_gone(self):
        import time
        s, b = self.server.request("POST", PODS, pod_json("old"))
        self.assertEqual(s, 201, b)
        rv = b["metadata"]["resourceVersion"]
        for i in range(3):
            self.server.request("POST", PODS, pod_json(f"newer-{i}"))
        time.sleep(1.5)  # two compaction rounds
        s, b = self.server.request("GET", f"{PODS}?watch=1&resourceVersion={rv}")
        self.assertEqual(s, 410, b)
        self.assertEqual((b["kind"], b["reason"], b["code"]), ("Status", "Expired", 410))


if __name__ == "__main__":
    unittest.main()
