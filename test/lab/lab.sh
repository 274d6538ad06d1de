#!/usr/bin/env bash
# The cockpit-migrate lab: three libvirt hosts on one machine, loopback only.
#   A = this machine's libvirtd (qemu:///system), sshd on 127.0.0.1:22
#   B = 127.0.0.2 (hostname lab-b), C = 127.0.0.3 (lab-c): each its own libvirtd + virtlogd + sshd
#       in private mount/UTS/cgroup namespaces, with its own host_uuid, config and state.
# Usage: lab.sh up | down | status | uri HOST
#        | guest HOST NAME KIND [--start] [--dirty-mb N]   (KIND: see test/lab/guests.sh)
#        | clean-tests                                     (removes every lab-e2e-* guest on every host)
#        faults for the reliability tests:
#        | stop-libvirtd HOST | start-libvirtd HOST | restart-libvirtd-a | kill-qemu HOST NAME
#        | kill-ssh-to ADDR | cut-migration-to ADDR | close-ssh-master ADDR
#        | block-migration-ports HOST | unblock-migration-ports HOST   (HOST: b|c; its firewall drops 49152-49215)
#        | stop-sshd HOST | start-sshd HOST | forget-hostkey HOST | restore-hostkey
#        | password-only HOST PASSWORD | own-keys HOST | restore-access HOST   (b|c: root's own ~/.ssh, see lib.sh)
#        | clone-up | clone-down   (host D = 127.0.0.4, lab-d: a cloned installation of B, same host_uuid)
#        | remove-guest NAME          (from every lab host, with its images)
#        | small-fs HOST DIR SIZE | small-fs-undo HOST DIR   (a tmpfs at DIR in b's or c's namespace only)
#        | cut-copy-to ADDR           (kills a cold move's copy ssh to ADDR)
set -euo pipefail

# Daemons started here must not inherit the caller's descriptors (a `flock` lock file, a pipe a
# test runner waits on): close everything above stderr first.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    case "$fd" in *[!0-9]*) continue ;; esac
    [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
done

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=/var/lib/cockpit-migrate-lab
# shellcheck source=test/lab/lib.sh
. "$LAB_DIR/lib.sh"
# shellcheck source=test/lab/guests.sh
. "$LAB_DIR/guests.sh"

cmd_up() {
    local t0=$SECONDS
    require_root
    mkdir -p -m 755 "$STATE" "$STATE/boot"
    setup_host_a
    lab_key
    for h in b c; do start_host "$h"; done
    ssh_client_config
    write_hosts_json
    for h in b c; do define_pool "$h"; done
    ensure_default_guests
    echo "lab up: $((SECONDS - t0)) s"
}

cmd_down() {
    local t0=$SECONDS
    require_root
    remove_lab_guests_a
    for h in b c; do unblock_migration_ports "$h"; done
    for h in b c d; do stop_host "$h"; done
    stop_host_a
    ssh_client_unconfig
    # the known hosts `npm start -- --demo` added (and only those): the page would list hosts that are gone
    if command -v node >/dev/null 2>&1; then node "$LAB_DIR/../../scripts/lab-control.mjs" forget-known-hosts || true; fi
    rm -f "$STATE/hosts.json"
    echo "lab down: $((SECONDS - t0)) s"
}

cmd_status() {
    local ok=0 h uri
    for h in a b c; do
        uri=$(host_uri "$h")
        if virsh -c "$uri" version >/dev/null 2>&1; then
            echo "lab-$h $(host_addr "$h") $uri: up"
            virsh -c "$uri" list --all | sed -n '3,$p' | sed '/^$/d; s/^/    /'
        else
            echo "lab-$h $(host_addr "$h") $uri: DOWN"; ok=1
        fi
    done
    return $ok
}

main() {
    local sub=${1:-}
    shift || true
    case "$sub" in
        up) cmd_up ;;
        down) cmd_down ;;
        status) cmd_status ;;
        guest) require_root; cmd_guest "$@" ;;
        stop-libvirtd) require_root; stop_libvirtd "$1" ;;
        start-libvirtd) require_root; start_libvirtd "$1" ;;
        uri) host_uri "$1"; echo ;;
        clean-tests) require_root; remove_test_guests ;;
        clone-up) require_root; lab_key_known_hosts; ssh_client_config; start_host d; define_pool d; echo "lab-d 127.0.0.4 qemu+tcp://127.0.0.4/system: up (a clone of lab-b: same host UUID)" ;;
        clone-down) require_root; stop_host d ;;
        restart-libvirtd-a) require_root; restart_libvirtd_a ;;
        kill-qemu) require_root; kill_qemu "$1" "$2" ;;
        kill-ssh-to) require_root; kill_ssh_to "$1" ;;
        cut-migration-to) require_root; cut_migration_to "$1" ;;
        block-migration-ports) require_root; block_migration_ports "$1" ;;
        unblock-migration-ports) require_root; unblock_migration_ports "$1" ;;
        forget-hostkey) require_root; forget_hostkey "$1" ;;
        restore-hostkey) require_root; restore_hostkey ;;
        close-ssh-master) require_root; close_ssh_master "$1" ;;
        stop-sshd) require_root; stop_sshd "$1" ;;
        remove-guest) require_root; remove_guest_everywhere "$1" ;;
        small-fs) require_root; small_fs "$1" "$2" "$3" ;;
        small-fs-undo) require_root; small_fs_undo "$1" "$2" ;;
        cut-copy-to) require_root; cut_copy_to "$1" ;;
        start-sshd) require_root; start_sshd "$1" ;;
        password-only) require_root; private_root_ssh "$1" password "$2" ;;
        own-keys) require_root; private_root_ssh "$1" own-keys ;;
        restore-access) require_root; restore_access "$1" ;;
        *) sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
    esac
}

main "$@"
