/**
 * SSH keys between hosts, by constant scripts whose data arrive as arguments (never a shell string built from
 * data): which key a host's ssh would offer (`ssh -G`, so the key we install is the one ssh uses), creating an
 * ed25519 key only where there is none, and adding lines to authorized_keys / known_hosts: appended once, the
 * file replaced atomically, a change made meanwhile refused.
 */
import { RunError, type Runner, type RunTarget } from "../../pkg/lib/runner";
import { checkSshEndpoint } from "../../pkg/lib/ssh";
import { _, format } from "../../pkg/lib/gettext";

/** Where a host's ssh connects: the destination as its known-host entry names it. */
export interface SshEndpoint {
    address: string;
    user: string;
    port?: number | undefined;
}

/** The SSH target (pkg/lib/ssh.ts: BatchMode, the shared connection) for an endpoint. */
export function sshTarget(to: SshEndpoint): RunTarget {
    return { kind: "ssh", address: to.address, user: to.user, ...(to.port ? { port: to.port } : {}) };
}

/** `ssh -G`: the options ssh would use for that destination (identity files, known_hosts files), after its config. */
export function sshConfigArgv(to: SshEndpoint): string[] {
    checkSshEndpoint(to.address, to.user, to.port);
    return ["ssh", "-G", "-p", String(to.port ?? 22), "-l", to.user, "--", to.address];
}

/** The values of one option in `ssh -G` output (lower-case keywords, one per line). */
export function sshConfigValues(out: string, keyword: string): string[] {
    return out
        .split("\n")
        .map((l) => l.trim().split(/\s+/))
        .filter((w) => w[0] === keyword)
        .flatMap((w) => w.slice(1));
}

/**
 * Prints `key PATH` or `new PATH`, then the public key: the first identity ssh would offer that has a `.pub`;
 * else a new ed25519 key at the id_ed25519 path among them, only when nothing is there (never overwritten).
 */
export const PUBLIC_KEY_SCRIPT = [
    "set -eu",
    'new=""',
    'for f in "$@"; do',
    '    case $f in "~/"*) f=$HOME/${f#"~/"} ;; esac',
    '    if [ -f "$f" ] && [ -f "$f.pub" ]; then printf "key %s\\n" "$f"; cat -- "$f.pub"; exit 0; fi',
    '    case $f in */id_ed25519) [ -e "$f" ] || [ -n "$new" ] || new=$f ;; esac',
    "done",
    'if [ -z "$new" ]; then echo "no key with a .pub file, and no free id_ed25519 path, among: $*" >&2; exit 3; fi',
    '(umask 077 && mkdir -p -- "${new%/*}")',
    'ssh-keygen -q -t ed25519 -N "" -C "$(id -un)@$(hostname)" -f "$new" </dev/null >/dev/null',
    'printf "new %s\\n" "$new"',
    'cat -- "$new.pub"',
].join("\n");

export function publicKeyArgv(identityFiles: readonly string[]): string[] {
    return ["sh", "-c", PUBLIC_KEY_SCRIPT, "sh", ...identityFiles];
}

export interface PublicKey {
    path: string;
    /** created now (there was none) */
    created: boolean;
    line: string;
}

const KEY_LINE = /^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+(?: [^\n\r]*)?$/;

export function parsePublicKey(out: string): PublicKey {
    const [head = "", line = ""] = out.split("\n").map((l) => l.trim());
    const m = /^(key|new) (.+)$/.exec(head);
    if (!m || !KEY_LINE.test(line)) throw new RunError("internal", format(_("Not a public key: $0"), out), []);
    return { path: m[2]!, created: m[1] === "new", line };
}

/** The public key of `on`'s user that its ssh would offer to `to` (created when it has none), and the commands. */
export async function hostPublicKey(
    runner: Runner,
    on: RunTarget,
    to: SshEndpoint,
): Promise<{ key: PublicKey; commands: string[][] }> {
    const config = sshConfigArgv(to);
    const files = sshConfigValues(await runner.run(on, config), "identityfile");
    const argv = publicKeyArgv(files);
    return { key: parsePublicKey(await runner.run(on, argv)), commands: [config, argv] };
}

/**
 * Adds lines to a file (a path from `/`, from `~/`, or from the home directory): each line at most once, the
 * directory created 0700 where missing, the new content written beside the file and renamed over it (mode kept,
 * 0600 for a new file, SELinux label restored where there is one); refused when the file changed meanwhile.
 * Prints `added N`.
 */
export const APPEND_LINES_SCRIPT = [
    "set -eu",
    "f=$1; shift",
    'case $f in "~/"*) f=$HOME/${f#"~/"} ;; /*) ;; *) f=$HOME/$f ;; esac',
    "d=${f%/*}",
    "umask 077",
    '[ -d "$d" ] || mkdir -p -- "$d"',
    't=$(mktemp "$d/.cockpit-migrate.XXXXXX")',
    "trap 'rm -f -- \"$t\"' EXIT",
    'before=""',
    'if [ -f "$f" ]; then before=$(cksum < "$f"); cat -- "$f" > "$t"; fi',
    'if [ -s "$t" ] && [ -n "$(tail -c 1 -- "$t")" ]; then echo >> "$t"; fi',
    "n=0",
    'for l in "$@"; do',
    '    if ! grep -qxF -e "$l" -- "$t"; then printf "%s\\n" "$l" >> "$t"; n=$((n + 1)); fi',
    "done",
    'if [ "$n" -gt 0 ]; then',
    '    if [ -f "$f" ]; then',
    '        [ "$(cksum < "$f")" = "$before" ] || { echo "$f changed meanwhile; nothing was written" >&2; exit 4; }',
    '        chmod --reference="$f" -- "$t"',
    "    fi",
    '    mv -f -- "$t" "$f"',
    '    if command -v restorecon >/dev/null 2>&1; then restorecon -- "$d" "$f" 2>/dev/null || true; fi',
    "fi",
    'echo "added $n"',
].join("\n");

/** Lines are public keys and host keys: one line each, never empty. */
export function appendLinesArgv(file: string, lines: readonly string[]): string[] {
    if (lines.length === 0 || lines.some((l) => l.trim() === "" || /[\r\n\0]/.test(l)))
        throw new RunError("invalid-argument", _("Each key must be one non-empty line"), lines);
    return ["sh", "-c", APPEND_LINES_SCRIPT, "sh", file, ...lines];
}

export const AUTHORIZED_KEYS = ".ssh/authorized_keys";
