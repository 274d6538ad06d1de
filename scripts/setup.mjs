// Machine set-up shared by `npm start` and `npm test`: system packages, libvirt daemons, npm
// packages, the build, and a cockpit-ws serving this package. Node built-ins only: it runs
// before node_modules exists. Every command is an argv array.
import { spawnSync, spawn } from "node:child_process";
import {
    existsSync,
    mkdirSync,
    readFileSync,
    renameSync,
    rmSync,
    statSync,
    symlinkSync,
    chmodSync,
    chownSync,
    writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const PACKAGE = "cockpit-migrate";
export const isRoot = process.getuid?.() === 0;

/** Debian package names, and the Fedora/RHEL equivalents. */
const PACKAGES = {
    runtime: {
        deb: [
            "cockpit-ws",
            "cockpit-bridge",
            "cockpit-system",
            "libvirt-daemon-system",
            "libvirt-clients",
            "qemu-system-x86",
            "qemu-utils",
            "openssh-client",
        ],
        rpm: [
            "cockpit-ws",
            "cockpit-bridge",
            "cockpit-system",
            "libvirt-daemon-kvm",
            "libvirt-client",
            "qemu-kvm",
            "qemu-img",
            "openssh-clients",
        ],
    },
    // ovmf, swtpm: the lab's UEFI guest (NVRAM from OVMF's template, an emulated TPM)
    // sudo: the browser tests log in as a non-root admin (PAM) who turns on administrative access through sudo
    // iptables: a lab host whose firewall drops the migration ports (lab.sh block-migration-ports)
    lab: {
        deb: [
            "openssh-server",
            "busybox-static",
            "linux-image-amd64",
            "cpio",
            "util-linux",
            "iproute2",
            "procps",
            "sudo",
            "ovmf",
            "swtpm",
            "swtpm-tools",
            "iptables",
        ],
        rpm: [
            "openssh-server",
            "busybox",
            "kernel-core",
            "cpio",
            "util-linux",
            "iproute",
            "procps-ng",
            "sudo",
            "edk2-ovmf",
            "swtpm",
            "swtpm-tools",
            "iptables",
        ],
    },
    // packaging tests: make install, the release tarball, a .deb and an .rpm built from it
    build: { deb: ["make", "xz-utils", "debhelper", "rpm"], rpm: ["make", "xz", "rpm-build"] },
    // NFS flow tests: exportfs and mount.nfs for real, NFS-Ganesha + libnfs (nfs-cat) as user-space server and client
    test: {
        deb: ["chromium", "nfs-kernel-server", "nfs-common", "nfs-ganesha", "nfs-ganesha-vfs", "libnfs-utils"],
        rpm: ["chromium", "nfs-utils", "nfs-ganesha", "nfs-ganesha-vfs", "libnfs-utils"],
    },
    // npm run bench: the incumbent to compare with, and the system-bus service it needs
    bench: { deb: ["cockpit-machines", "libvirt-dbus"], rpm: ["cockpit-machines", "libvirt-dbus"] },
};

export function log(msg) {
    process.stdout.write(`[${PACKAGE}] ${msg}\n`);
}

export function run(argv, opts = {}) {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: "inherit", ...opts });
    if (r.status !== 0 && !opts.allowFail)
        throw new Error(`${argv.join(" ")} failed (${r.status ?? r.signal ?? r.error})`);
    return r;
}

export function output(argv) {
    const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
    return r.status === 0 ? r.stdout : null;
}

function have(cmd) {
    return spawnSync("sh", ["-c", 'command -v "$1"', "sh", cmd]).status === 0;
}

function missingDeb(pkgs) {
    return pkgs.filter((p) => !/install ok installed/.test(output(["dpkg-query", "-W", "-f=${Status}", p]) ?? ""));
}

/** Installs missing system packages as root; otherwise says exactly what to install. */
export function ensurePackages(groups) {
    const debian = have("apt-get") && have("dpkg-query");
    const fedora = !debian && have("dnf");
    const wanted = groups.flatMap((g) => PACKAGES[g][debian ? "deb" : "rpm"]);
    let missing;
    if (debian) missing = missingDeb(wanted);
    else if (fedora) missing = wanted.filter((p) => spawnSync("rpm", ["-q", p]).status !== 0);
    else {
        log("Neither apt-get nor dnf found: install Cockpit, libvirt and QEMU with your package manager.");
        return;
    }
    if (missing.length === 0) return;
    if (!isRoot) {
        log(`Missing system packages: ${missing.join(" ")}`);
        log(`Install them with: sudo ${debian ? "apt-get install -y" : "dnf install -y"} ${missing.join(" ")}`);
        process.exit(1);
    }
    log(`Installing ${missing.join(" ")}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (debian) {
        run(["apt-get", "update", "-qq"], { env });
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing], { env });
    } else {
        run(["dnf", "install", "-y", ...missing]);
    }
}

function socketAnswers(path) {
    return new Promise((res) => {
        const s = net.connect(path, () => {
            s.destroy();
            res(true);
        });
        s.on("error", () => res(false));
    });
}

const hasServiceManager = () => existsSync("/run/systemd/system");

/** libvirtd and virtlogd for qemu:///system; /dev/kvm usable by libvirt as Debian's udev rule makes it. */
export async function ensureLibvirt() {
    if (!isRoot) return;
    try {
        const kvmGid = Number((output(["getent", "group", "kvm"]) ?? "").split(":")[2]);
        if (
            existsSync("/dev/kvm") &&
            Number.isInteger(kvmGid) &&
            (statSync("/dev/kvm").gid !== kvmGid || (statSync("/dev/kvm").mode & 0o060) !== 0o060)
        ) {
            chownSync("/dev/kvm", 0, kvmGid);
            chmodSync("/dev/kvm", 0o660);
        }
    } catch (e) {
        log(`Could not adjust /dev/kvm: ${e.message}`);
    }
    if (await socketAnswers("/run/libvirt/libvirt-sock")) return;
    if (hasServiceManager()) {
        run(["systemctl", "start", "virtlogd.socket", "libvirtd.service"], { allowFail: true });
    } else {
        if (!(await socketAnswers("/run/libvirt/virtlogd-sock"))) run(["virtlogd", "-d"]);
        run(["libvirtd", "-d"]);
    }
    for (let i = 0; i < 50 && !(await socketAnswers("/run/libvirt/libvirt-sock")); i++)
        await new Promise((r) => setTimeout(r, 200));
    if (!(await socketAnswers("/run/libvirt/libvirt-sock")))
        throw new Error("libvirtd did not start: see /var/log/libvirt/ or run 'libvirtd' in a terminal");
}

/** npm packages, when node_modules is missing or older than the lock file. */
export function ensureNpm() {
    const lock = join(ROOT, "package-lock.json");
    const stamp = join(ROOT, "node_modules", ".package-lock.json");
    if (existsSync(stamp) && (!existsSync(lock) || statSync(stamp).mtimeMs >= statSync(lock).mtimeMs)) return;
    log("Installing npm packages");
    run(["npm", existsSync(lock) ? "ci" : "install", "--no-audit", "--no-fund"], { cwd: ROOT });
}

export function build() {
    log("Building");
    // production React and PatternFly, whatever NODE_ENV the caller has (vitest sets "test")
    run(["npx", "vite", "build", "--logLevel", "warn"], { cwd: ROOT, env: { ...process.env, NODE_ENV: "production" } });
}

/** A private XDG data dir in which cockpit/<package> points at dist/: nothing installed system-wide. */
export function packageDataDir() {
    const dir = join(ROOT, ".cache", "xdg");
    const link = join(dir, "cockpit", PACKAGE);
    mkdirSync(dirname(link), { recursive: true });
    rmSync(link, { force: true, recursive: true });
    symlinkSync(join(ROOT, "dist"), link);
    return dir;
}

export const COCKPIT_WS = "/usr/lib/cockpit/cockpit-ws";

/** Starts cockpit-ws without login on 127.0.0.1:port; returns the child process. */
export function startCockpitWs(port, { stdio = "inherit" } = {}) {
    if (!existsSync(COCKPIT_WS))
        throw new Error(
            "cockpit-ws is not installed (Debian: apt-get install cockpit-ws cockpit-bridge cockpit-system)",
        );
    const env = { ...process.env, XDG_DATA_DIRS: `${packageDataDir()}:/usr/local/share:/usr/share` };
    return spawn(
        COCKPIT_WS,
        ["--no-tls", "--local-session=cockpit-bridge", "--port", String(port), "--address", "127.0.0.1"],
        { env, stdio },
    );
}

export function writeJsonAtomic(path, value) {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n");
    renameSync(tmp, path);
}

export function readJson(path, fallback) {
    try {
        return JSON.parse(readFileSync(path, "utf8"));
    } catch {
        return fallback;
    }
}
