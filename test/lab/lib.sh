# Lab hosts: daemons, namespaces, SSH. Sourced by lab.sh.

CGROUP_CONTROLLERS=(cpu cpuacct cpuset memory devices freezer blkio pids systemd)

require_root() { [ "$(id -u)" = 0 ] || { echo "the lab needs root" >&2; exit 1; }; }

host_addr() { case "$1" in a) echo 127.0.0.1 ;; b) echo 127.0.0.2 ;; c) echo 127.0.0.3 ;; d) echo 127.0.0.4 ;; *) echo "no lab host $1" >&2; return 1 ;; esac; }
host_uri() { if [ "$1" = a ]; then echo qemu:///system; else echo "qemu+tcp://$(host_addr "$1")/system"; fi; }
host_root() { echo "$STATE/hosts/$1"; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { [ -f "$1" ] && cat "$1" 2>/dev/null || true; }

# Stops a process by the PID in a pid file (only processes the lab started have these files).
stop_pidfile() {
    local f=$1 pid i
    pid=$(pid_of "$f")
    if pid_alive "$pid"; then
        kill "$pid" 2>/dev/null || true
        for i in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
        pid_alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

wait_for() { # wait_for SECONDS command...
    local n=$(( $1 * 10 )) i; shift
    for i in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

socket_answers() { virsh -c "$1" version >/dev/null 2>&1; }

# ---------- host A: the main-namespace libvirtd ----------
setup_host_a() {
    local kvm_gid
    if [ -e /dev/kvm ] && kvm_gid=$(getent group kvm | cut -d: -f3); then
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
    fi
    sysctl -qw vm.unprivileged_userfaultfd=1 || true
    mkdir -p /run/sshd
    if ! socket_answers qemu:///system; then
        if [ -d /run/systemd/system ]; then
            systemctl start virtlogd.socket libvirtd.service
        else
            [ -S /run/libvirt/virtlogd-sock ] && pid_alive "$(pid_of /run/virtlogd.pid)" || { virtlogd -d -p "$STATE/a-virtlogd.pid"; }
            libvirtd -d -p "$STATE/a-libvirtd.pid"
        fi
        wait_for 20 socket_answers qemu:///system || { echo "libvirtd on A did not start" >&2; exit 1; }
    fi
}

stop_host_a() {
    close_ssh_master 127.0.0.1
    stop_pidfile "$STATE/a-sshd.pid"
    stop_pidfile "$STATE/a-libvirtd.pid"
    stop_pidfile "$STATE/a-virtlogd.pid"
}

lab_key() {
    [ -f "$STATE/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C cockpit-migrate-lab -f "$STATE/id_ed25519"
    install -m 600 "$STATE/id_ed25519.pub" "$STATE/authorized_keys"
    lab_key_known_hosts
    sshd_config a > "$STATE/sshd_config.a"
    if ! pid_alive "$(pid_of "$STATE/a-sshd.pid")"; then
        if ss -Hltn 'sport = :22' | grep -q '127.0.0.1:22\|0.0.0.0:22\|\*:22'; then
            echo "note: something already listens on port 22 of 127.0.0.1; host A's SSH is not the lab's" >&2
        else
            /usr/sbin/sshd -f "$STATE/sshd_config.a"
        fi
    fi
}

lab_key_known_hosts() {
    : > "$STATE/known_hosts.new"
    local h
    for h in a b c d; do
        local keydir="$STATE/hostkeys/$h"
        mkdir -p -m 700 "$keydir"
        [ -f "$keydir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$keydir/ssh_host_ed25519_key"
        printf '%s lab-%s %s\n' "$(host_addr "$h")" "$h" "$(cut -d' ' -f1,2 "$keydir/ssh_host_ed25519_key.pub")" | awk '{print $1","$2" "$3" "$4}' >> "$STATE/known_hosts.new"
    done
    mv -f "$STATE/known_hosts.new" "$STATE/known_hosts"
}

sshd_config() { # sshd_config HOST
    cat <<EOF
ListenAddress $(host_addr "$1"):22
HostKey $STATE/hostkeys/$1/ssh_host_ed25519_key
PidFile $STATE/$1-sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
StrictModes yes
Subsystem sftp internal-sftp
EOF
}

ssh_client_config() {
    cat > "$STATE/ssh_config" <<EOF
Host 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 lab-a lab-b lab-c lab-d
    IdentityFile $STATE/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $STATE/known_hosts ~/.ssh/known_hosts
    StrictHostKeyChecking yes
    CheckHostIP no
EOF
    mkdir -p -m 700 /root/.ssh
    local line="Include $STATE/ssh_config"
    if ! grep -qxF "$line" /root/.ssh/config 2>/dev/null; then
        local tmp
        tmp=$(mktemp /root/.ssh/config.XXXXXX)
        { echo "$line"; cat /root/.ssh/config 2>/dev/null || true; } > "$tmp"
        chmod 600 "$tmp"
        mv -f "$tmp" /root/.ssh/config
    fi
}

# For the "unknown host key" tests: drop / restore a lab host's key from the lab known_hosts.
# Close the plugin's shared SSH connection to a lab address, if one is open (pkg/lib/ssh.ts, SSH_MUX_SCRIPT):
# a test that takes a host's key or sshd away must not be answered over a connection made before.
close_ssh_master() {
    [ -d /run/cockpit-migrate/ssh ] || return 0
    ssh -o ControlPath=/run/cockpit-migrate/ssh/%C -O exit -l root -- "$1" >/dev/null 2>&1 || true
}

forget_hostkey() {
    local addr; addr=$(host_addr "$1")
    close_ssh_master "$addr"
    grep -v "^$addr," "$STATE/known_hosts" > "$STATE/known_hosts.new" || true
    mv -f "$STATE/known_hosts.new" "$STATE/known_hosts"
}
restore_hostkey() { lab_key_known_hosts; }

# ---------- access: a lab host whose root has its own ~/.ssh (issue 20's onboarding tests) ----------
# password-only HOST PASSWORD: root on HOST has no authorized key (an empty ~/.ssh of its own) but a password (a
# private /etc/shadow in HOST's mount namespace; A's stays as it is); HOST's sshd reads ~/.ssh/authorized_keys and
# takes root's password. own-keys HOST: HOST's root has its own ~/.ssh with only the lab key authorized, no key of
# its own and no known_hosts (so it reaches no other host: no trust from it). restore-access HOST undoes either
# (and `down` too: the namespace ends with its daemons). Only B and C; A's sshd and password are never touched.
access_dir() { echo "$(host_root "$1")/access"; }

private_root_ssh() { # HOST password|own-keys [PASSWORD]
    local h=$1 mode=$2 pid dir
    case "$h" in b|c) ;; *) echo "only lab-b or lab-c" >&2; return 2 ;; esac
    pid=$(host_ns_pid "$h"); pid_alive "$pid" || { echo "lab-$h is not up" >&2; return 1; }
    restore_access "$h"
    dir=$(access_dir "$h")
    mkdir -p -m 700 "$dir" "$dir/root-ssh"
    [ "$mode" = own-keys ] && install -m 600 "$STATE/id_ed25519.pub" "$dir/root-ssh/authorized_keys"
    {
        sshd_config "$h" | grep -v '^\(AuthorizedKeysFile\|PermitRootLogin\|PasswordAuthentication\) '
        echo "AuthorizedKeysFile .ssh/authorized_keys"
        if [ "$mode" = password ]; then printf 'PermitRootLogin yes\nPasswordAuthentication yes\n'
        else printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\n'; fi
    } > "$dir/sshd_config"
    if [ "$mode" = password ]; then
        local hash
        hash=$(printf '%s\n' "$3" | openssl passwd -6 -stdin)
        awk -v h="$hash" 'BEGIN { FS = OFS = ":" } $1 == "root" { $2 = h } { print }' /etc/shadow > "$dir/shadow"
        chown --reference=/etc/shadow "$dir/shadow"; chmod --reference=/etc/shadow "$dir/shadow"
    fi
    stop_sshd "$h"
    close_ssh_master "$(host_addr "$h")"
    nsenter -t "$pid" -m -u -C bash -c 'mount --bind "$1/root-ssh" /root/.ssh
        if [ -f "$1/shadow" ]; then mount --bind "$1/shadow" /etc/shadow; fi
        /usr/sbin/sshd -f "$1/sshd_config"' lab-host "$dir"
}

restore_access() {
    local h=$1 pid dir
    dir=$(access_dir "$h")
    [ -d "$dir" ] || return 0
    pid=$(host_ns_pid "$h")
    if pid_alive "$pid"; then
        stop_sshd "$h"
        close_ssh_master "$(host_addr "$h")"
        nsenter -t "$pid" -m -u -C bash -c 'for m in /etc/shadow /root/.ssh; do
            if grep -q " $m " /proc/self/mountinfo; then umount "$m"; fi; done' lab-host
        start_sshd "$h"
    fi
    rm -rf "$dir"
}

ssh_client_unconfig() {
    local line="Include $STATE/ssh_config"
    [ -f /root/.ssh/config ] || return 0
    if grep -qxF "$line" /root/.ssh/config; then
        local tmp
        tmp=$(mktemp /root/.ssh/config.XXXXXX)
        grep -vxF "$line" /root/.ssh/config > "$tmp" || true
        chmod 600 "$tmp"
        if [ -s "$tmp" ]; then mv -f "$tmp" /root/.ssh/config; else rm -f "$tmp" /root/.ssh/config; fi
    fi
}

# ---------- hosts B and C: namespaced libvirtd ----------
host_uuid() { # stable per lab host, distinct from each other and from A; D is a clone of B (same UUID)
    [ "$1" = d ] && { host_uuid b; return; }
    local f="$STATE/hosts/$1.uuid"
    [ -f "$f" ] || cat /proc/sys/kernel/random/uuid > "$f"
    cat "$f"
}

prepare_host_root() {
    local h=$1 root addr d
    root=$(host_root "$h"); addr=$(host_addr "$h")
    mkdir -p "$root"
    if [ ! -d "$root/etc-libvirt" ]; then
        cp -a /etc/libvirt "$root/etc-libvirt"
        rm -rf "$root/etc-libvirt/qemu" "$root/etc-libvirt/storage" "$root/etc-libvirt/secrets"/* 2>/dev/null || true
        mkdir -p "$root/etc-libvirt/qemu" "$root/etc-libvirt/storage"
    fi
    for d in var-lib-libvirt var-cache-libvirt var-log-libvirt run-libvirt; do mkdir -p "$root/$d"; done
    for d in /var/lib/libvirt/*/ /var/cache/libvirt/*/ /var/log/libvirt/*/; do
        local base sub
        base=$(echo "$d" | cut -d/ -f2-4 | tr / -); sub=$(basename "$d")
        mkdir -p "$root/$base/$sub"
        chown --reference="$d" "$root/$base/$sub"; chmod --reference="$d" "$root/$base/$sub"
    done
    chown --reference=/var/lib/libvirt "$root/var-lib-libvirt"
    {
        grep -v '^\s*\(listen_tcp\|listen_tls\|listen_addr\|auth_tcp\|host_uuid\)\s*=' /etc/libvirt/libvirtd.conf || true
        printf 'listen_tls = 0\nlisten_tcp = 1\nlisten_addr = "%s"\nauth_tcp = "none"\nhost_uuid = "%s"\n' "$addr" "$(host_uuid "$h")"
    } > "$root/etc-libvirt/libvirtd.conf"
    {
        grep -v '^\s*\(migration_address\|migration_host\|security_driver\)\s*=' /etc/libvirt/qemu.conf || true
        printf 'migration_address = "%s"\nmigration_host = "%s"\nsecurity_driver = "none"\n' "$addr" "$addr"
    } > "$root/etc-libvirt/qemu.conf"
    { cat /etc/hosts; printf '127.0.0.1 lab-a\n127.0.0.2 lab-b\n127.0.0.3 lab-c\n127.0.0.4 lab-d\n'; } > "$root/hosts"
    sshd_config "$h" > "$root/sshd_config"
}

# Runs inside the new namespaces (see start_host): hostname, bind mounts, daemons.
host_init() {
    local h=$1 root
    root=$(host_root "$h")
    hostname "lab-$h"
    mount --bind "$root/etc-libvirt" /etc/libvirt
    mount --bind "$root/run-libvirt" /run/libvirt
    mount --bind "$root/var-lib-libvirt" /var/lib/libvirt
    mount --bind "$root/var-cache-libvirt" /var/cache/libvirt
    mount --bind "$root/var-log-libvirt" /var/log/libvirt
    mount --bind "$root/hosts" /etc/hosts
    remount_cgroups "$h"
    start_daemons_in_ns "$h"
}

start_daemons_in_ns() {
    local h=$1
    pid_alive "$(pid_of /run/libvirt/virtlogd.pid)" || virtlogd -d -p /run/libvirt/virtlogd.pid
    libvirtd -d -l -p /run/libvirt/libvirtd.pid
    pid_alive "$(pid_of "$STATE/$h-sshd.pid")" || /usr/sbin/sshd -f "$(host_root "$h")/sshd_config"
}

enter_cgroups() { # moves the calling shell into the lab host's cgroup in every v1 controller
    local h=$1 c
    for c in "${CGROUP_CONTROLLERS[@]}"; do
        [ -d "/sys/fs/cgroup/$c" ] || continue
        mkdir -p "/sys/fs/cgroup/$c/cockpit-migrate-lab-$h"
        if [ "$c" = cpuset ]; then
            cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset/cockpit-migrate-lab-$h/cpuset.cpus"
            cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset/cockpit-migrate-lab-$h/cpuset.mems"
        fi
        echo "$BASHPID" > "/sys/fs/cgroup/$c/cockpit-migrate-lab-$h/cgroup.procs"
    done
}

remove_cgroups() {
    local h=$1 c d
    for c in "${CGROUP_CONTROLLERS[@]}"; do
        d="/sys/fs/cgroup/$c/cockpit-migrate-lab-$h"
        [ -d "$d" ] || continue
        find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
        rmdir "$d" 2>/dev/null || true
    done
}

# In the new mount namespace, put this host's cgroup subtree where the hierarchies are mounted:
# libvirt then creates machine/qemu-N-NAME under it, apart from the other hosts' domains.
remount_cgroups() {
    local h=$1 c
    for c in "${CGROUP_CONTROLLERS[@]}"; do
        [ -d "/sys/fs/cgroup/$c/cockpit-migrate-lab-$h" ] || continue
        mount --bind "/sys/fs/cgroup/$c/cockpit-migrate-lab-$h" "/sys/fs/cgroup/$c"
    done
}

host_ns_pid() { pid_of "$(host_root "$1")/run-libvirt/virtlogd.pid"; }

start_host() {
    local h=$1 root uri
    root=$(host_root "$h"); uri=$(host_uri "$h")
    if socket_answers "$uri"; then return 0; fi
    prepare_host_root "$h"
    if pid_alive "$(host_ns_pid "$h")"; then
        start_libvirtd "$h"
    else
        ( enter_cgroups "$h"
          exec unshare --mount --uts --cgroup --fork --propagation private \
              bash -c '. "$1/lib.sh"; STATE=$2; host_init "$3"' lab-host "$LAB_DIR" "$STATE" "$h" )
    fi
    wait_for 30 socket_answers "$uri" || { echo "libvirtd on lab-$h did not start; see $root/var-log-libvirt" >&2; exit 1; }
}

start_libvirtd() { # restarts libvirtd (and sshd) inside the host's existing namespaces
    local h=$1 pid
    pid=$(host_ns_pid "$h")
    pid_alive "$pid" || { echo "lab-$h is not up" >&2; return 1; }
    nsenter -t "$pid" -m -u -C bash -c '. "$1/lib.sh"; STATE=$2; start_daemons_in_ns "$3"' lab-host "$LAB_DIR" "$STATE" "$h"
    wait_for 30 socket_answers "$(host_uri "$h")"
}

# sshd of a lab host: the listener only (sessions already open, like a shared connection's, go on)
stop_sshd() { stop_pidfile "$STATE/$1-sshd.pid"; }
start_sshd() {
    local h=$1 pid
    pid=$(host_ns_pid "$h")
    pid_alive "$pid" || { echo "lab-$h is not up" >&2; return 1; }
    nsenter -t "$pid" -m -u -C /usr/sbin/sshd -f "$(host_root "$h")/sshd_config"
}

stop_libvirtd() {
    stop_pidfile "$(host_root "$1")/run-libvirt/libvirtd.pid"
}

stop_host() {
    local h=$1 root uri d f
    root=$(host_root "$h"); uri=$(host_uri "$h")
    [ -d "$root" ] || return 0
    if socket_answers "$uri"; then
        for d in $(virsh -c "$uri" list --name 2>/dev/null); do virsh -c "$uri" destroy --domain "$d" >/dev/null 2>&1 || true; done
    fi
    for f in "$root"/run-libvirt/qemu/*.pid; do [ -f "$f" ] && stop_pidfile "$f"; done
    close_ssh_master "$(host_addr "$h")"
    stop_pidfile "$STATE/$h-sshd.pid"
    stop_pidfile "$root/run-libvirt/libvirtd.pid"
    stop_pidfile "$root/run-libvirt/virtlogd.pid"
    rm -rf "$(access_dir "$h")" # its private ~/.ssh and /etc/shadow ended with the namespace
    sleep 0.2
    remove_cgroups "$h"
}

write_hosts_json() {
    local a_uuid
    a_uuid=$(virsh -c qemu:///system capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -1)
    cat > "$STATE/hosts.json.new" <<EOF
[
  {"name": "lab-a", "address": "127.0.0.1", "uri": "qemu:///system", "tcpUri": null, "sshUri": "qemu+ssh://root@127.0.0.1/system", "hostUuid": "$a_uuid", "hostname": "$(hostname)"},
  {"name": "lab-b", "address": "127.0.0.2", "uri": "qemu+tcp://127.0.0.2/system", "tcpUri": "qemu+tcp://127.0.0.2/system", "sshUri": "qemu+ssh://root@127.0.0.2/system", "hostUuid": "$(host_uuid b)", "hostname": "lab-b"},
  {"name": "lab-c", "address": "127.0.0.3", "uri": "qemu+tcp://127.0.0.3/system", "tcpUri": "qemu+tcp://127.0.0.3/system", "sshUri": "qemu+ssh://root@127.0.0.3/system", "hostUuid": "$(host_uuid c)", "hostname": "lab-c"}
]
EOF
    mv -f "$STATE/hosts.json.new" "$STATE/hosts.json"
}

# A "default" dir pool over the images directory, so copy-storage migrations can pre-create images.
define_pool() {
    local uri
    uri=$(host_uri "$1")
    virsh -c "$uri" pool-info default >/dev/null 2>&1 && return 0
    virsh -c "$uri" pool-define-as default dir --target /var/lib/libvirt/images >/dev/null
    virsh -c "$uri" pool-start default >/dev/null
    virsh -c "$uri" pool-autostart default >/dev/null
}

# ---------- faults injected by the reliability tests ----------
# A's libvirtd: the one in this mount namespace (B's and C's run in their own).
host_a_libvirtd_pid() {
    local p me
    me=$(readlink /proc/self/ns/mnt)
    for p in $(pgrep -x libvirtd); do
        [ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$me" ] && { echo "$p"; return 0; }
    done
    return 1
}

restart_libvirtd_a() {
    local pid i
    pid=$(host_a_libvirtd_pid) || true
    if [ -n "$pid" ]; then
        kill "$pid"
        for i in $(seq 100); do pid_alive "$pid" || break; sleep 0.1; done
    fi
    libvirtd -d -p "$STATE/a-libvirtd.pid"
    wait_for 30 socket_answers qemu:///system
}

# kill -9 the QEMU process of a domain on a lab host (a crash of the destination's QEMU)
kill_qemu() {
    local h=$1 name=$2 f
    if [ "$h" = a ]; then f=/run/libvirt/qemu/$name.pid; else f=$(host_root "$h")/run-libvirt/qemu/$name.pid; fi
    [ -f "$f" ] || { echo "no QEMU pid file for $name on lab-$h" >&2; return 1; }
    kill -9 "$(cat "$f")"
}

# cut the SSH connections that libvirt or virsh opened to a lab address (the network failing mid-way)
# Breaks the migration stream to ADDR: resets every TCP connection to its migration ports (QEMU's
# 49152-49215), as a network failure would; nothing stays blocked, so a resume can connect again.
# A host's firewall dropping QEMU's migration ports for its own address (one marked iptables rule in
# INPUT; the lab hosts share this machine's network stack, so it matches 127.0.0.N and the port range
# only, never :22, libvirtd's ports or cockpit-ws). Undone by unblock-migration-ports and by `down`.
LAB_FW_RULE=(-p tcp --dport 49152:49215 -m comment --comment cockpit-migrate-lab -j DROP)
block_migration_ports() {
    local addr; addr=$(host_addr "$1")
    iptables -C INPUT -d "$addr" "${LAB_FW_RULE[@]}" 2>/dev/null || iptables -I INPUT -d "$addr" "${LAB_FW_RULE[@]}"
    echo "lab-$1's firewall drops TCP 49152-49215 to $addr"
}
unblock_migration_ports() {
    local addr; addr=$(host_addr "$1")
    command -v iptables >/dev/null || return 0
    while iptables -D INPUT -d "$addr" "${LAB_FW_RULE[@]}" 2>/dev/null; do :; done
    # what the page's "Open" added for it (cockpit-migrate's own rule), should a test have stopped before closing
    while iptables -D INPUT -p tcp --dport 49152:49215 -m comment --comment cockpit-migrate -j ACCEPT 2>/dev/null; do :; done
}

cut_migration_to() {
    local addr=$1
    ss -K dst "$addr" dport ge 49152 dport le 49215 >/dev/null 2>&1
    echo "reset the migration connections to $addr"
}

kill_ssh_to() {
    local addr=$1 p comm parent n=0
    for p in $(pgrep -x ssh); do
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qw -- "$addr" || continue
        parent=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || continue
        comm=$(cat "/proc/$parent/comm" 2>/dev/null || true)
        case "$comm" in libvirtd|virsh|rpc-*) kill -9 "$p" && n=$((n + 1)) ;; esac
    done
    echo "cut $n SSH connection(s) to $addr"
    [ "$n" -gt 0 ]
}

# A small file system (tmpfs of SIZE) at DIR inside lab host b's or c's mount namespace only: a destination
# without enough space. DIR must be a lab-e2e-* directory of the images directory. The namespace ends with the
# host (`down`); small_fs_undo unmounts it at once and removes the directory.
small_fs() {
    local h=$1 dir=$2 size=$3 pid
    case "$h" in b | c) ;; *) echo "small-fs: host b or c" >&2; return 2 ;; esac
    case "$dir" in /var/lib/libvirt/images/lab-e2e-*) ;; *) echo "small-fs: DIR is /var/lib/libvirt/images/lab-e2e-*" >&2; return 2 ;; esac
    pid=$(host_ns_pid "$h")
    nsenter -t "$pid" -m mkdir -p -- "$dir"
    nsenter -t "$pid" -m mount -t tmpfs -o "size=$size,mode=755" lab-small-fs "$dir"
    echo "a $size file system at $dir on lab-$h"
}
small_fs_undo() {
    local h=$1 dir=$2 pid
    pid=$(host_ns_pid "$h")
    nsenter -t "$pid" -m sh -c 'while mountpoint -q "$1"; do umount -- "$1" || exit 1; done; rm -rf -- "$1"' small-fs "$dir"
}

# cut the SSH connections a cold move's copy opened to ADDR (ssh running tar on the other end)
cut_copy_to() {
    local addr=$1 p n=0
    for p in $(pgrep -x ssh); do
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -qw -- "$addr" || continue
        tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- "tar -x --sparse" || continue
        kill -9 "$p" && n=$((n + 1))
    done
    echo "cut $n copy connection(s) to $addr"
    [ "$n" -gt 0 ]
}
