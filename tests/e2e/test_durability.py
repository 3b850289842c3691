"""Restarts and kill -9: nothing acknowledged is lost, revisions continue."""

import concurrent.futures
import json
import threading
import unittest
import urllib.request

from harness import Server


def create_cm(url, name):
    body = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
                       "data": {"v": name}}).encode()
    req = urllib.request.Request(url + "/api/v1/namespaces/default/configmaps", data=body,
                                 method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 201
        return json.loads(r.read())["metadata"]["resourceVersion"]


class DurabilityTest(unittest.TestCase):

    def setUp(self):
        self.server = Server()

    def tearDown(self):
        self.server.stop()
        self.server.cleanup()

    def test_restart_keeps_objects_and_revisions_continue(self):
        self.server.start()
        self.server.kubectl("create", "namespace", "persist")
        self.server.kubectl("create", "configmap", "cfg", "-n", "persist", "--from-literal=a=b")
        out, _ = self.server.kubectl("get", "configmap", "cfg", "-n", "persist", "-o", "json")
        before = json.loads(out)
        self.server.stop()
        self.server.start()
        out, _ = self.server.kubectl("get", "configmap", "cfg", "-n", "persist", "-o", "json")
        after = json.loads(out)
        self.assertEqual(after, before)
        self.server.kubectl("create", "configmap", "cfg2", "-n", "persist", "--from-literal=c=d")
        out, _ = self.server.kubectl("get", "configmap", "cfg2", "-n", "persist", "-o", "json")
        self.assertGreater(int(json.loads(out)["metadata"]["resourceVersion"]),
                           int(before["metadata"]["resourceVersion"]))

    def test_kill_9_during_concurrent_creates_loses_no_acknowledged_write(self):
        self.server.start()
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def writer(w):
            i = 0
            while not stop.is_set():
                name = f"burst-{w}-{i}"
                try:
                    create_cm(self.server.url, name)
                except Exception:
                    return
                with lock:
                    acked.append(name)
                i += 1

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(writer, w) for w in range(16)]
            while True:
                with lock:
                    if len(acked) >= 300:
                        break
                threading.Event().wait(0.01)
            self.server.kill9()
            stop.set()
            for f in futures:
                f.result()
        self.server.start()
        out, _ = self.server.kubectl("get", "configmaps", "-n", "default", "-o", "json")
        present = {i["metadata"]["name"] for i in json.loads(out)["items"]}
        missing = [n for n in acked if n not in present]
        self.assertEqual(missing, [])
        self.assertGreaterEqual(len(acked), 300)


if __name__ == "__main__":
    unittest.main()
