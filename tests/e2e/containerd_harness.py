"""A private containerd for tests and demos, from Debian's packages only (containerd, runc,
busybox-static): its own config, root, state and socket under one directory; OCI images built
here from /bin/busybox and imported; a CNI config that uses skiff's bridge plugin as a standard
CNI binary (`skiff-bridge`) next to Debian's `loopback`.

    cd = Containerd(workdir, cni_bin=".../build/plugins/cni/skiff-bridge",
                    bridge="sk1", subnet="10.204.0.0/16").start()
    cd.endpoint          # unix:///.../containerd.sock, for the agent's runtime block
    cd.ctr("containers", "ls", "-q")
    cd.stop(); cd.cleanup()

Run as a script to start one in the foreground (see --help)."""

import argparse
import hashlib
import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tarfile
import time

CONTAINERD = shutil.which("containerd") or "/usr/bin/containerd"
CTR = shutil.which("ctr") or "/usr/bin/ctr"
BUSYBOX = "/bin/busybox"
LOOPBACK = "/usr/lib/cni/loopback"
APP_IMAGE = "skiff.test/busybox:1.0"
PAUSE_IMAGE = "skiff.test/pause:1.0"
NAMESPACE = "k8s.io"


def missing_prerequisites():
    """Why a containerd test cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (containerd, runc, network namespaces)"
    for path, pkg in ((CONTAINERD, "containerd"), (CTR, "containerd"),
                      ("/usr/sbin/runc", "runc"), (BUSYBOX, "busybox-static"),
                      (LOOPBACK, "containernetworking-plugins")):
        if not os.path.exists(path) and not shutil.which(os.path.basename(path)):
            return f"{path} missing (apt-get install {pkg})"
    return None


def _oci_arch():
    m = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}.get(m, m)


def _add_dir(tar, name, mode=0o755):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    tar.addfile(info)


def busybox_layer():
    """An uncompressed layer: /bin/busybox, a symlink per applet, a minimal /etc."""
    buf = io.BytesIO()
    applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                             check=True).stdout.split()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for d in ("bin", "etc", "root", "proc", "sys", "dev", "var", "www"):
            _add_dir(tar, d)
        _add_dir(tar, "tmp", 0o1777)
        with open(BUSYBOX, "rb") as f:
            data = f.read()
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode = len(data), 0o755
        tar.addfile(info, io.BytesIO(data))
        for a in sorted(set(applets)):
            if a == "busybox":
                continue
            link = tarfile.TarInfo("bin/" + a)
            link.type, link.linkname, link.mode = tarfile.SYMTYPE, "busybox", 0o777
            tar.addfile(link)
        for name, text in (("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"),
                           ("etc/group", "root:x:0:\n")):
            raw = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(raw), 0o644
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def oci_image_tar(path, name, layer, entrypoint=None, cmd=None):
    """Writes an OCI image layout tarball of one layer, named for `ctr images import`."""
    def blob(data):
        return "sha256:" + hashlib.sha256(data).hexdigest(), data

    layer_digest, _ = blob(layer)
    config = {"architecture": _oci_arch(), "os": "linux",
              "config": {"Env": ["PATH=/bin"], "WorkingDir": "/"},
              "rootfs": {"type": "layers", "diff_ids": [layer_digest]}}
    if entrypoint:
        config["config"]["Entrypoint"] = entrypoint
    if cmd:
        config["config"]["Cmd"] = cmd
    config_digest, config_raw = blob(json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": config_digest, "size": len(config_raw)},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                            "digest": layer_digest, "size": len(layer)}]}
    manifest_digest, manifest_raw = blob(json.dumps(manifest).encode())
    index = {"schemaVersion": 2,
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": manifest_digest, "size": len(manifest_raw),
                            "annotations": {"io.containerd.image.name": name,
                                            "org.opencontainers.image.ref.name":
                                                name.rsplit(":", 1)[-1]}}]}
    with tarfile.open(path, "w") as tar:
        def add(arcname, data):
            info = tarfile.TarInfo(arcname)
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
        add("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        add("index.json", json.dumps(index).encode())
        for digest, data in ((layer_digest, layer), (config_digest, config_raw),
                             (manifest_digest, manifest_raw)):
            add("blobs/sha256/" + digest.split(":", 1)[1], data)


class Containerd:
    """One containerd process with everything under `workdir`."""

    def __init__(self, workdir, cni_bin, bridge, subnet, ipam_dir=None):
        self.dir = os.path.abspath(workdir)
        self.root = os.path.join(self.dir, "root")
        self.state = os.path.join(self.dir, "state")
        self.socket = os.path.join(self.dir, "containerd.sock")
        self.cni_bin_dir = os.path.join(self.dir, "cni", "bin")
        self.cni_conf_dir = os.path.join(self.dir, "cni", "net.d")
        self.ipam_dir = ipam_dir or os.path.join(self.dir, "ipam")
        self.config_path = os.path.join(self.dir, "config.toml")
        self.log_path = os.path.join(self.dir, "containerd.log")
        self.cni_bin, self.bridge, self.subnet = os.path.abspath(cni_bin), bridge, subnet
        self.proc = None

    @property
    def endpoint(self):
        return "unix://" + self.socket

    def write_config(self):
        for d in (self.root, self.state, self.cni_bin_dir, self.cni_conf_dir, self.ipam_dir):
            os.makedirs(d, exist_ok=True)
        for src in (self.cni_bin, LOOPBACK):
            dst = os.path.join(self.cni_bin_dir, os.path.basename(src))
            if not os.path.lexists(dst):
                os.symlink(src, dst)
        # skiff-bridge is a standard CNI plugin here; containerd brings up `lo` itself with
        # the loopback binary from the same bin_dir.
        conflist = {"cniVersion": "1.0.0", "name": "skiff",
                    "plugins": [{"type": "skiff-bridge", "bridge": self.bridge,
                                 "subnet": self.subnet, "dataDir": self.ipam_dir}]}
        with open(os.path.join(self.cni_conf_dir, "10-skiff.conflist"), "w") as f:
            json.dump(conflist, f, indent=1)
        cri = 'plugins."io.containerd.grpc.v1.cri"'
        with open(self.config_path, "w") as f:
            f.write(f"""version = 2
root = "{self.root}"
state = "{self.state}"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                    "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
                    "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "{self.socket}"
[ttrpc]
  address = "{self.socket}.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[{cri}]
  sandbox_image = "{PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
[{cri}.cni]
  bin_dir = "{self.cni_bin_dir}"
  conf_dir = "{self.cni_conf_dir}"
  max_conf_num = 1
[{cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"
[{cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
""")

    def start(self, timeout=30):
        self.write_config()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([CONTAINERD, "--config", self.config_path],
                                         stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"containerd exited: {self.log()}")
            r = subprocess.run([CTR, "--address", self.socket, "version"], capture_output=True)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"containerd did not start: {self.log()}")
        self.import_images()
        return self

    def import_images(self):
        layer = busybox_layer()
        images = os.path.join(self.dir, "images")
        os.makedirs(images, exist_ok=True)
        # The sandbox image blocks until killed (StopPodSandbox kills it).
        for name, file, kw in ((APP_IMAGE, "busybox.tar", {"cmd": ["sh"]}),
                               (PAUSE_IMAGE, "pause.tar",
                                {"entrypoint": ["/bin/sleep", "2147483647"]})):
            path = os.path.join(images, file)
            oci_image_tar(path, name, layer, **kw)
            self.ctr("images", "import", path)

    def ctr(self, *args, check=True):
        r = subprocess.run([CTR, "--address", self.socket, "-n", NAMESPACE, *args],
                           capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError(f"ctr {' '.join(args)}: {r.stderr}")
        return r.stdout

    def containers(self):
        """IDs of all containers (sandboxes included) in the CRI namespace."""
        return self.ctr("containers", "ls", "-q").split()

    def tasks(self):
        return [line.split()[0] for line in self.ctr("tasks", "ls").splitlines()[1:] if line]

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        """Kills what is still running in it, then containerd itself."""
        if self.proc and self.proc.poll() is None:
            for task in self.tasks():
                self.ctr("tasks", "kill", "-s", "SIGKILL", task, check=False)
            deadline = time.time() + 10
            while self.tasks() and time.time() < deadline:
                for task in self.tasks():
                    self.ctr("tasks", "delete", "-f", task, check=False)
                time.sleep(0.2)
            for c in self.containers():
                self.ctr("containers", "delete", c, check=False)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cleanup(self):
        """Unmounts what containerd left mounted under its directory, then removes it."""
        with open("/proc/self/mounts") as f:
            points = [line.split()[1] for line in f]
        for p in sorted((p for p in points if p.startswith(self.dir + "/")), key=len,
                        reverse=True):
            subprocess.run(["umount", "-l", p], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description="Run a private containerd for skiff (foreground).")
    p.add_argument("--dir", required=True, help="where config, root, state and socket go")
    p.add_argument("--cni-bin", required=True, help="path of the skiff-bridge CNI binary")
    p.add_argument("--bridge", default="skiff0")
    p.add_argument("--subnet", default="10.88.0.0/16")
    a = p.parse_args()
    why = missing_prerequisites()
    if why:
        sys.exit(why)
    cd = Containerd(a.dir, a.cni_bin, a.bridge, a.subnet).start()
    print(f"containerd ready: endpoint {cd.endpoint}; images {APP_IMAGE}, {PAUSE_IMAGE}",
          flush=True)
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop and cd.proc.poll() is None:
        time.sleep(0.5)
    cd.stop()


if __name__ == "__main__":
    main()
