# Lab guests (TCG, <domain type='qemu'>). Sourced by lab.sh.
# Kinds: tiny (64 MiB, no disk), disk (64 MiB + qcow2), bigram (512 MiB, ~384 MiB of random data in RAM),
#        dirty (Linux kernel + busybox initramfs dirtying N MiB/s of its RAM),
#        secure (tiny + a VNC console password + an rbd disk with a ceph auth secret: what a real
#        fleet's definitions hold; libvirt leaves the password out of dumpxml without
#        --security-info. Shut-off use only: there is no ceph monitor to start it against),
#        uefi, uefi-local-template (UEFI + NVRAM + emulated TPM; see guest_xml)
#        cold, cold-big (two file disks in /var/lib/libvirt/images/NAME/: a sparse qcow2 and a raw image),
#        cold-uefi (cold's disks, UEFI + NVRAM + emulated TPM)
#        hostmodel (tiny with <cpu mode='host-model'/>, the default of many tools: running, its live
#        definition holds the expanded model the destination must run).

images_dir() { if [ "$1" = a ]; then echo /var/lib/libvirt/images; else echo "$(host_root "$1")/var-lib-libvirt/images"; fi; }

# Where a host's /var/lib/libvirt file is seen from this machine's namespace.
libvirt_state_path() { if [ "$1" = a ]; then echo "$2"; else echo "$(host_root "$1")/var-lib-libvirt${2#/var/lib/libvirt}"; fi; }

xml_escape() { printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e "s/'/\&apos;/g" -e 's/"/\&quot;/g'; }

domain_xml() { # domain_xml NAME MEMORY_MIB DEVICES_XML [OS_EXTRA] [QEMU_EXTRA]
    cat <<XML
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$(xml_escape "$1")</name>
  <memory unit='MiB'>$2</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>${4:-}</os>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    $3
    <serial type='pty'/><console type='pty'/>
    <memballoon model='none'/>
  </devices>${5:-}
</domain>
XML
}

# Random data that the bigram guest's QEMU loads into RAM (same path on every host).
bigram_blob() {
    local f="$STATE/boot/bigram.bin"
    [ -f "$f" ] || { head -c $((384 * 1024 * 1024)) /dev/urandom > "$f.tmp" && mv -f "$f.tmp" "$f"; }
    chmod 644 "$f"; echo "$f"
}

# Debian's kernel and a busybox initramfs whose /init dirties dirty_mb=N MiB per second.
dirty_boot() {
    local kernel initrd work
    kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
    [ -n "$kernel" ] || { echo "no kernel in /boot: install linux-image-amd64" >&2; return 1; }
    cp -f "$kernel" "$STATE/boot/vmlinuz"; chmod 644 "$STATE/boot/vmlinuz"
    initrd="$STATE/boot/dirty-initrd.cpio.gz"
    # rebuilt whenever the init script changes
    if [ ! -f "$initrd" ] || [ "$LAB_DIR/dirty-init.sh" -nt "$initrd" ]; then
        work=$(mktemp -d)
        mkdir -p "$work/bin" "$work/proc" "$work/dev" "$work/sys"
        cp /bin/busybox "$work/bin/busybox"
        cp "$LAB_DIR/dirty-init.sh" "$work/init"
        chmod 755 "$work/init"
        (cd "$work" && find . | cpio -o -H newc --quiet | gzip -1 > "$initrd.tmp") && mv -f "$initrd.tmp" "$initrd"
        rm -rf "$work"
    fi
    chmod 644 "$initrd"
}

guest_xml() { # guest_xml HOST NAME KIND DIRTY_MB
    local h=$1 name=$2 kind=$3 rate=${4:-8}
    case "$kind" in
        tiny) domain_xml "$name" 64 "" ;;
        disk)
            local img
            img="$(images_dir "$h")/$name.qcow2"
            rm -f "$img"; qemu-img create -q -f qcow2 "$img" 64M
            domain_xml "$name" 64 "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/$(xml_escape "$name").qcow2'/><target dev='vda' bus='virtio'/></disk>" ;;
        cold-uefi)
            # cold's disks in a UEFI VM with its variable store and an emulated TPM (uefi below)
            guest_xml "$h" "$name" cold | sed "s|<os><type arch='x86_64' machine='pc'>hvm</type></os>|<os><type arch='x86_64' machine='pc'>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/$(xml_escape "$name")_VARS.fd</nvram></os>|; s|<serial type='pty'/>|<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm><serial type='pty'/>|; s|<on_poweroff>|<features><acpi/></features><on_poweroff>|" ;;
        cold | cold-big)
            # for the cold move: in a directory of its own (a test can mount a small file system there on the
            # destination), a sparse qcow2 (4 GiB virtual, 6 MiB written) and a raw disk (32 MiB with 2 MiB of
            # random data; cold-big: 256 MiB of it, so that a copy lasts long enough to be cut)
            local dir img raw data=2
            [ "$kind" = cold-big ] && data=256
            dir="$(images_dir "$h")/$name"; mkdir -p "$dir"
            img="$dir/$name.qcow2"; raw="$dir/$name-data.raw"
            rm -f "$img" "$raw"
            qemu-img create -q -f qcow2 "$img" 4G
            qemu-io -f qcow2 -c 'write -P 0x5a 0 6M' "$img" > /dev/null
            truncate -s $((data + 30))M "$raw"
            dd if=/dev/urandom of="$raw" bs=1M count="$data" seek=8 conv=notrunc status=none
            local src="/var/lib/libvirt/images/$(xml_escape "$name")"
            domain_xml "$name" 64 "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$src/$(xml_escape "$name").qcow2'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$src/$(xml_escape "$name")-data.raw'/><target dev='vdb' bus='virtio'/></disk>" ;;
        bigram)
            local blob; blob=$(bigram_blob)
            domain_xml "$name" 512 "" "" "
  <qemu:commandline><qemu:arg value='-device'/><qemu:arg value='loader,file=$blob,addr=0x1000000,force-raw=on'/></qemu:commandline>" ;;
        dirty)
            dirty_boot
            # its console goes to a file on its host (/var/lib/libvirt/qemu/NAME.console.log): the guest prints what it
            # has dirtied each second, the truth a test compares libvirt's measurement with
            domain_xml "$name" 256 "" "<kernel>$STATE/boot/vmlinuz</kernel><initrd>$STATE/boot/dirty-initrd.cpio.gz</initrd><cmdline>console=ttyS0 quiet dirty_mb=$rate</cmdline>" \
                | sed "s|<serial type='pty'/><console type='pty'/>|<serial type='file'><source path='/var/lib/libvirt/qemu/$(xml_escape "$name").console.log'/></serial>|" ;;
        hostmodel)
            domain_xml "$name" 64 "" | sed "s|<vcpu>1</vcpu>|<vcpu>1</vcpu><cpu mode='host-model'/>|" ;;
        secure)
            domain_xml "$name" 64 "<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='rbd' name='lab/$(xml_escape "$name")'><host name='127.0.0.9' port='6789'/></source><auth username='lab'><secret type='ceph' uuid='0a81f5b2-8403-7b23-c8d6-21ccc2f80d6f'/></auth><target dev='vdb' bus='virtio'/></disk>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='s3cr3t!'/>" ;;
        uefi | uefi-local-template)
            # UEFI with a variable store and an emulated TPM (swtpm), as virt-manager defines a Windows 11
            # guest. uefi's NVRAM template is OVMF's (every host sees /usr/share); uefi-local-template's is a
            # copy in this host's own /var/lib/libvirt, as on a fleet whose hosts keep firmware in different
            # places: libvirt cannot create the NVRAM on a destination without it.
            local tpl=/usr/share/OVMF/OVMF_VARS_4M.fd
            if [ "$kind" = uefi-local-template ]; then
                tpl=/var/lib/libvirt/qemu/lab-vars-template.fd
                install -m 644 /usr/share/OVMF/OVMF_VARS_4M.fd "$(libvirt_state_path "$h" "$tpl")"
            fi
            domain_xml "$name" 128 "<tpm model='tpm-tis'><backend type='emulator' version='2.0'/></tpm>" \
                "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram template='$tpl'>/var/lib/libvirt/qemu/nvram/$(xml_escape "$name")_VARS.fd</nvram>" \
                | sed "s|<on_poweroff>|<features><acpi/></features><on_poweroff>|" ;;
        *) echo "unknown guest kind $kind" >&2; return 2 ;;
    esac
}

remove_guest_everywhere() {
    local name=$1 h uri
    for h in a b c; do
        uri=$(host_uri "$h")
        socket_answers "$uri" || continue
        virsh -c "$uri" destroy --domain "$name" >/dev/null 2>&1 || true
        virsh -c "$uri" undefine --nvram --domain "$name" >/dev/null 2>&1 || true
        # a migration with --undefinesource leaves the source's NVRAM file behind
        rm -f "$(libvirt_state_path "$h" "/var/lib/libvirt/qemu/nvram/${name}_VARS.fd")"
        # a dirty guest's console file (the guest kind writes it; libvirt leaves it when the guest goes)
        rm -f "$(libvirt_state_path "$h" "/var/lib/libvirt/qemu/$name.console.log")"
        # a cold guest's directory (its name is a lab-e2e-* guest's: nothing else lives there)
        case "$name" in lab-e2e-*) [ -d "$(images_dir "$h")/$name" ] && rm -rf -- "$(images_dir "$h")/$name" ;; esac
        if [ -f "$(images_dir "$h")/$name.qcow2" ]; then
            rm -f "$(images_dir "$h")/$name.qcow2"
            virsh -c "$uri" pool-refresh default >/dev/null 2>&1 || true # libvirt caches the pool's volumes
        fi
    done
}

cmd_guest() { # guest HOST NAME KIND [--start] [--dirty-mb N]
    local h=$1 name=$2 kind=$3 start=0 rate=8 xml
    shift 3
    while [ $# -gt 0 ]; do
        case "$1" in --start) start=1 ;; --dirty-mb) rate=$2; shift ;; *) echo "unknown option $1" >&2; return 2 ;; esac
        shift
    done
    remove_guest_everywhere "$name"
    xml=$(mktemp)
    guest_xml "$h" "$name" "$kind" "$rate" > "$xml"
    virsh -c "$(host_uri "$h")" define --file "$xml" >/dev/null
    rm -f "$xml"
    if [ "$start" = 1 ]; then virsh -c "$(host_uri "$h")" start --domain "$name" >/dev/null; fi
}

ensure_guest() { # ensure_guest HOST NAME KIND STATE(running|shutoff)
    local uri; uri=$(host_uri "$1")
    if ! virsh -c "$uri" dominfo --domain "$2" >/dev/null 2>&1; then
        if [ "$4" = running ]; then cmd_guest "$1" "$2" "$3" --start; else cmd_guest "$1" "$2" "$3"; fi
    elif [ "$4" = running ] && [ "$(virsh -c "$uri" domstate --domain "$2")" != running ]; then
        virsh -c "$uri" start --domain "$2" >/dev/null
    fi
}

ensure_default_guests() {
    ensure_guest a lab-tiny tiny running
    ensure_guest a lab-disk disk running
    ensure_guest a lab-bigram bigram running
    ensure_guest a lab-dirty dirty running
    ensure_guest b lab-b-tiny tiny running
    ensure_guest b lab-b-off tiny shutoff
}

remove_lab_guests_a() {
    socket_answers qemu:///system || return 0
    local d
    for d in $(virsh -c qemu:///system list --all --name | grep '^lab-' || true); do
        virsh -c qemu:///system destroy --domain "$d" >/dev/null 2>&1 || true
        virsh -c qemu:///system undefine --nvram --domain "$d" >/dev/null 2>&1 || true
        rm -f "/var/lib/libvirt/images/$d.qcow2"
    done
}

# Removes the guests the browser tests made (lab-e2e-*) from every lab host.
remove_test_guests() {
    local h uri d
    for h in a b c; do
        uri=$(host_uri "$h")
        socket_answers "$uri" || continue
        # one name per line: names may hold spaces or shell characters (the hostile-name tests)
        while IFS= read -r d; do [ -n "$d" ] && remove_guest_everywhere "$d"; done < <(virsh -c "$uri" list --all --name | grep '^lab-e2e-' || true)
    done
}
