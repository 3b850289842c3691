"""The shipped agent configs (examples/configs/) open every plugin they name.

Each config is used as shipped, with only its machine paths moved into a scratch directory:
`build/release/` becomes this test's build directory, `/var/lib/skiff` and `/run/skiff` a
temporary directory. `skiff plugin list` opens each plugin the way the agent does (library,
spawned sidecar, or an endpoint someone else runs) and asks it for its status.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

BUILD = os.environ["SKIFF_BUILD_DIR"]
SOURCE = os.environ["SKIFF_SOURCE_DIR"]
SKIFF = os.path.join(BUILD, "core", "cmd", "skiff")
CONFIGS = os.path.join(SOURCE, "examples", "configs")


class ExampleConfigsTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="skiff-configs-")
        self.sidecars = []

    def tearDown(self):
        for p in self.sidecars:
            p.terminate()
            p.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def localize(self, name):
        with open(os.path.join(CONFIGS, name)) as f:
            text = f.read()
        text = (text.replace("build/release/", BUILD + "/")
                .replace("examples/configs/", CONFIGS + "/")
                .replace("/var/lib/skiff", self.tmp + "/lib")
                .replace("/run/skiff", self.tmp + "/run"))
        os.makedirs(self.tmp + "/run", exist_ok=True)
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def plugin_list(self, config):
        return subprocess.run([SKIFF, "plugin", "list", "--config", config],
                              capture_output=True, text=True, timeout=60)

    def assertAllHealthy(self, config, modes):
        out = self.plugin_list(config)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        rows = [line.split() for line in out.stdout.splitlines()[1:]]
        self.assertEqual([(r[0], r[2], r[3]) for r in rows],
                         [(slot, mode, "healthy") for slot, mode in modes], out.stdout)

    def test_single_node_loads_libraries(self):
        self.assertAllHealthy(self.localize("single-node.yaml"),
                              [("runtime", "library"), ("network", "library"),
                               ("storage", "library")])

    def test_mock_sidecar_is_spawned(self):
        self.assertAllHealthy(self.localize("mock-sidecar.yaml"),
                              [("runtime", "sidecar"), ("network", "library"),
                               ("storage", "library")])

    def test_mock_endpoint_connects_to_a_running_sidecar(self):
        socket = self.tmp + "/run/mock.sock"
        os.makedirs(os.path.dirname(socket), exist_ok=True)
        self.sidecars.append(subprocess.Popen(
            [os.path.join(BUILD, "plugins", "skiff-mock-runtime"), "--socket", socket,
             "--config", "{}"]))
        deadline = time.monotonic() + 30
        while not os.path.exists(socket) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertAllHealthy(self.localize("mock-endpoint.yaml"),
                              [("runtime", "endpoint"), ("network", "library"),
                               ("storage", "library")])

    def test_debian_cni_runs_through_the_exec_host(self):
        self.assertAllHealthy(self.localize("debian-cni.yaml"),
                              [("runtime", "library"), ("network", "cni"),
                               ("storage", "library")])

    def test_a_missing_library_is_named(self):
        config = self.localize("single-node.yaml")
        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text.replace("libskiff-mock-runtime.so", "libnot-there.so"))
        out = self.plugin_list(config)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        runtime = out.stdout.splitlines()[1]
        self.assertIn("FAILING", runtime)
        self.assertIn("libnot-there.so", runtime)
        self.assertEqual(out.stdout.count("healthy"), 2, out.stdout)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
