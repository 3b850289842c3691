#!/usr/bin/python3
"""Pod startup latency on containerd: create -> Running for N pods on one node, and how much of
it is containerd's own RunPodSandbox + CreateContainer + StartContainer (from its log, same
run). Two modes: `sequential` (one pod at a time: pure latency) and `burst` (all created at
once). Needs root, a build of skiff and skiff-bridge, and Debian's containerd/runc/busybox-static.
The agent runs with --log-level debug, so each pod's start is also broken down step by step
(its PodStartTrace line), printed as p50/p99 per step after the JSON.

    sudo /usr/bin/python3 bench/containerd/pod_startup.py --skiff build/core/cmd/skiff --pods 50
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "e2e"))


def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def parse_time(stamp):
    # containerd: time="2026-11-23T12:00:00.123456789Z"
    stamp = stamp.rstrip("Z")
    base, _, frac = stamp.partition(".")
    t = datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc).timestamp()
    return t + float("0." + (frac or "0"))


def containerd_cri_seconds(log_path):
    """Per pod name: seconds containerd spent in RunPodSandbox, CreateContainer and
    StartContainer (request logged -> result logged), from its info-level log."""
    return {pod: sum(calls.values()) for pod, calls in containerd_cri_calls(log_path).items()}


def containerd_cri_calls(log_path):
    """Per pod name: {"run_sandbox"|"create"|"start": seconds containerd spent in that call}."""
    line_re = re.compile(r'time="([^"]+)".*msg="(.*)"')
    start, total = {}, {}

    def add(pod, call, seconds):
        calls = total.setdefault(pod, {})
        calls[call] = calls.get(call, 0) + seconds

    sandbox_pod, container_pod = {}, {}
    with open(log_path, errors="replace") as f:
        for line in f:
            m = line_re.search(line)
            if not m:
                continue
            t, msg = parse_time(m.group(1)), m.group(2).replace('\\"', '"')
            if msg.startswith("RunPodSandbox for &PodSandboxMetadata{Name:"):
                pod = msg.split("Name:", 1)[1].split(",", 1)[0]
                m2 = re.search(r'returns sandbox id "([0-9a-f]+)"', msg)
                if m2:
                    sandbox_pod[m2.group(1)] = pod
                    add(pod, "run_sandbox", t - start.pop(("sb", pod), t))
                else:
                    start[("sb", pod)] = t
            elif msg.startswith("CreateContainer within sandbox"):
                sb = re.search(r'sandbox "([0-9a-f]+)"', msg).group(1)
                pod = sandbox_pod.get(sb)
                m2 = re.search(r'returns container id "([0-9a-f]+)"', msg)
                if pod is None:
                    continue
                if m2:
                    container_pod[m2.group(1)] = pod
                    add(pod, "create", t - start.pop(("cc", sb), t))
                else:
                    start[("cc", sb)] = t
            elif msg.startswith("StartContainer for"):
                cid = re.search(r'StartContainer for "([0-9a-f]+)"', msg).group(1)
                pod = container_pod.get(cid)
                if pod is None:
                    continue
                if "returns successfully" in msg:
                    add(pod, "start", t - start.pop(("sc", cid), t))
                else:
                    start[("sc", cid)] = t
    return total


def agent_start_traces(log_path):
    """Per pod name: (wall-clock time of its first watch event at the agent, [(step, seconds)])
    from the agent's debug lines `pod NS/NAME start trace: event=T phase=P step=MS ...`."""
    out = {}
    line_re = re.compile(r"pod [^/ ]+/(\S+) start trace: event=([0-9.]+) phase=(\S+)(.*)")
    with open(log_path, errors="replace") as f:
        for line in f:
            m = line_re.search(line)
            if not m:
                continue
            steps = []
            for field in m.group(4).split():
                k, _, v = field.partition("=")
                steps.append((k, float(v) / 1000))
            out[m.group(1)] = (float(m.group(2)), steps)
    return out


# The steps of a pod start in path order: from the create request to the agent's watch event,
# the agent's own steps (PodStartTrace), and from its status write to the driver's watch event.
STEPS = ["api_to_agent", "queue", "volumes", "list_sandbox", "run_sandbox", "sandbox_status",
         "network", "list_containers", "image_status", "pull", "config", "create", "start",
         "status_read", "build_status", "patch", "agent_to_driver"]
CONTAINERD_CALLS = ["run_sandbox", "create", "start"]


def breakdown(names, created, running_at, traces, cri_calls):
    """Per step: [p50 ms, p99 ms] over the pods that have a trace. For run_sandbox, create and
    start also containerd's own time and what is left of the call (gRPC, encoding, waiting)."""
    per_step = {}
    for n in names:
        if n not in traces:
            continue
        event, steps = traces[n]
        sums = {"api_to_agent": event - created[n]}
        for k, v in steps:
            sums[k] = sums.get(k, 0) + v
        sums["agent_to_driver"] = running_at[n] - event - sum(v for _, v in steps)
        for call in CONTAINERD_CALLS:
            if call in sums and call in cri_calls.get(n, {}):
                sums[call + " (containerd)"] = cri_calls[n][call]
                sums[call + " (rest)"] = sums[call] - cri_calls[n][call]
        for k, v in sums.items():
            per_step.setdefault(k, []).append(v)
    order = []
    for k in STEPS + sorted(per_step):
        for key in (k, k + " (containerd)", k + " (rest)"):
            if key in per_step and key not in order:
                order.append(key)
    return {k: [round(percentile(per_step[k], 50) * 1000, 3),
                round(percentile(per_step[k], 99) * 1000, 3)] for k in order}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skiff", default=os.path.join(REPO, "build", "core", "cmd", "skiff"))
    ap.add_argument("--pods", type=int, default=50)
    ap.add_argument("--mode", choices=["sequential", "burst", "both"], default="both")
    ap.add_argument("--agent-log-level", default="debug",
                    help="debug (default) logs each pod's PodStartTrace, so the steps are shown; "
                         "info is how the agent runs by default (no per-step breakdown)")
    a = ap.parse_args()
    os.environ["SKIFF_BIN"] = os.path.abspath(a.skiff)
    os.environ.setdefault("SKIFF_PLUGIN_DIR",
                          os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
                              os.path.abspath(a.skiff)))), "plugins"))
    import containerd_harness
    from harness import Server
    import test_containerd as tc
    from kubernetes import client, config

    why = containerd_harness.missing_prerequisites()
    if why:
        sys.exit(why)
    work = tempfile.mkdtemp(prefix="skiff-cd-bench-")
    cd = containerd_harness.Containerd(os.path.join(work, "containerd"), tc.CNI_BIN, tc.BRIDGE,
                                       tc.SUBNET, ipam_dir=os.path.join(work, "ipam"))
    server = agent = None
    try:
        cd.start()
        server = Server(extra_args=["--no-agent"]).start()
        agent = tc.ContainerdAgent(server, tc.NODE, work, cd.endpoint)
        agent.global_args = ["--log-level", a.agent_log_level]  # debug: PodStartTrace lines
        agent.start()
        config.load_kube_config(server.kubeconfig)
        v1 = client.CoreV1Api()
        running_at, lock = {}, threading.Lock()
        stop = threading.Event()

        def watcher():
            # A plain HTTP watch, stamped as each event's line arrives: the kubernetes client
            # would first build a V1Pod model of every event (milliseconds of Python per event)
            # and that is the driver's time, not skiff's.
            url = urllib.parse.urlparse(server.url)
            rv = ""  # resumes where the previous watch ended
            while not stop.is_set():
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
                conn.request("GET", "/api/v1/namespaces/default/pods?watch=true"
                             f"&timeoutSeconds=60&resourceVersion={rv}")
                resp = conn.getresponse()
                while not stop.is_set():
                    line = resp.readline()
                    seen = time.time()
                    if not line:
                        break
                    ev = json.loads(line)
                    p = ev["object"]
                    if ev["type"] == "ERROR":
                        rv = ""
                        break
                    rv = p["metadata"].get("resourceVersion", rv)
                    if p.get("status", {}).get("phase") == "Running":
                        with lock:
                            running_at.setdefault(p["metadata"]["name"], seen)
                conn.close()
        th = threading.Thread(target=watcher, daemon=True)
        th.start()
        time.sleep(0.5)

        def pod(name):
            return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                    "spec": {"nodeName": tc.NODE, "terminationGracePeriodSeconds": 0,
                             "containers": [{"name": "main", "image": containerd_harness.APP_IMAGE,
                                             "command": ["sleep", "3600"]}]}}

        def wait_running(names, timeout=300):
            deadline = time.time() + timeout
            while time.time() < deadline:
                with lock:
                    if all(n in running_at for n in names):
                        return
                time.sleep(0.01)
            raise RuntimeError("pods not Running: " + agent.log())

        results = {}
        modes = ["sequential", "burst"] if a.mode == "both" else [a.mode]
        for mode in modes:
            load_start = os.getloadavg()[0]
            created = {}
            names = [f"{mode[:3]}-{i}" for i in range(a.pods)]
            if mode == "sequential":
                for n in names:
                    created[n] = time.time()
                    v1.create_namespaced_pod("default", pod(n))
                    wait_running([n])
            else:
                for n in names:
                    created[n] = time.time()
                    v1.create_namespaced_pod("default", pod(n))
                wait_running(names)
            lat = {n: running_at[n] - created[n] for n in names}
            cri_calls = containerd_cri_calls(cd.log_path)
            cri = {pod: sum(calls.values()) for pod, calls in cri_calls.items()}
            share = [lat[n] - cri[n] for n in names if n in cri]
            results[mode] = {
                "pods": a.pods,
                "p50_ms": percentile(lat.values(), 50) * 1000,
                "p99_ms": percentile(lat.values(), 99) * 1000,
                "mean_ms": statistics.mean(lat.values()) * 1000,
                "containerd_cri_p50_ms": percentile([cri[n] for n in names if n in cri], 50) * 1000,
                "skiff_share_p50_ms": percentile(share, 50) * 1000,
                "skiff_share_p99_ms": percentile(share, 99) * 1000,
                "wall_s": max(running_at[n] for n in names) - min(created.values()),
                # The machine's 1-minute load average when the mode started and ended.
                "load_start_end": [load_start, os.getloadavg()[0]],
                "steps_p50_p99_ms": breakdown(names, created, running_at,
                                              agent_start_traces(agent.log_path), cri_calls),
            }
            for n in names:
                v1.delete_namespaced_pod(n, "default", grace_period_seconds=0)
            deadline = time.time() + 300
            while time.time() < deadline and v1.list_namespaced_pod("default").items:
                time.sleep(0.2)
        stop.set()
        steps = {mode: r.pop("steps_p50_p99_ms") for mode, r in results.items()}
        print(json.dumps(results, indent=1))
        for mode, table in steps.items():
            print(f"\n{mode}: per step, ms (p50 / p99)")
            for k, (p50, p99) in table.items():
                print(f"  {k:28s} {p50:9.3f} {p99:9.3f}")
    finally:
        if agent:
            agent.stop()
        cd.stop()
        if server:
            server.stop()
            server.cleanup()
        os.system(f"ip link del {tc.BRIDGE} 2>/dev/null")
        cd.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
