/**
 * Strings an attacker might choose for a VM name, host, user, URI, path or option: shell
 * metacharacters, option look-alikes, control characters, Unicode tricks, URI and path specials,
 * very long strings, NUL. Used by every argv builder and validator test (see hostile-corpus.test.ts).
 */
const shell = [
    "plain", "with space", "'single'", '"double"', "back`tick`", "`id`", "$(reboot)", "$(id)", "${IFS}", "$IFS", "$HOME", "$0", "$$",
    "a;b", "a; id", ";id;", "a|b", "|id", "a&b", "a&&b", "a||b", "&", "a>b", "a>>/etc/passwd", "a<b", "<(id)", ">(id)", "a 2>&1",
    "'; rm -rf / #", "\"; shutdown -h now; \"", "$((1+1))", "!!", "!event", "#comment", "a #b", "\\", "\\n", "\\\\", "a\\ b",
    "*", "?", "[a-z]", "{a,b}", "a{1..3}", "~root", "~", "(", ")", "a(b)", "x=1", "PATH=/tmp", "eval", "exec", "sh -c id",
];
const options = [
    "-", "--", "-h", "--help", "-v", "--version", "--domain", "--domain=x", "-c", "-cqemu:///system", "--connect=qemu:///system",
    "--desturi=qemu+ssh://evil/system", "--live", "--undefinesource", "-oProxyCommand=sh", "-o ProxyCommand=id", "-F/dev/null",
    "-lroot", "-p22", "-E/tmp/log", "--file=/etc/shadow", "-rf", "-- -", "---", "-1", "-0", "+x", "-e", "-n", "-x",
];
const control = [
    "a\nb", "a\tb", "a\rb", "a\r\nb", "\n", "\nid", "a\vb", "a\fb", "a\u0007b", "a\u0008b", "a\u001bb", "\u001b[31mred\u001b[0m",
    "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b", " leading", "trailing ", "  ", " ", "a  b", "\u00a0nbsp",
];
const unicode = [
    "\u202Eevil", "\u202Egpj.exe", "a\u200Fb", "a\u200Eb", "\u2066iso\u2069", "\u2067rli", "\u2068fsi", "\u200B", "zero\u200Bwidth",
    "\uFEFFbom", "日本語", "emoji😀", "😀", "é", "e\u0301", "Ω", "ｆｕｌｌｗｉｄｔｈ", "ＶＭ；ｉｄ", "\u0430dmin", "Ⅸ", "ǅ", "ß", "İ", "ı",
    "\uD83D", "\uDE00x", "\u0000".slice(1) + "\uFFFD", "\uFFFF", "𝕍𝕄", "中文 名字", "العربية", "עברית", "a\u0338b",
];
const uri = [
    "%00", "%2e%2e", "%2f", "100%", "%", "%%", "%zz", "a%20b", "a@b", "@", "a:b", ":", "a:22", "a?b=c", "?", "a#b", "#",
    "user@host", "root@127.0.0.2", "[::1]", "[fe80::1%eth0]", "::1", "fe80::1", "host:99999", "qemu+ssh://root@h/system?command=sh",
    "qemu+ssh://h/system?netcat=/tmp/nc", "qemu+ssh://h/system?no_verify=1", "qemu+ext://h/system?command=/bin/sh", "qemu:///system",
    "qemu+tcp://127.0.0.9/system", "test:///default", "file:///etc/passwd", "http://evil/", "javascript:alert(1)", "a/b", "/",
    "qemu+ssh://root@h:22/system#frag", "qemu+ssh://%2froot@h/system", "qemu+unix:///system?socket=/tmp/evil",
];
const paths = [
    "..", "../../etc/passwd", "/etc/shadow", "/etc/exports", "/var/lib/libvirt/images/../../../etc/passwd", "./a", "a/../b", "//x",
    "/dev/stdin", "/proc/self/environ", "a/./b", ".hidden", "...", "/tmp/a b/c", "/tmp/'q'", "~/x", "/var/lib/libvirt/images/vm.qcow2",
    "C:\\Windows", "\\\\server\\share", "a:/b", "-/x", "/-x",
];
const long = ["x".repeat(64), "x".repeat(255), "x".repeat(256), "x".repeat(300), "x".repeat(4096), "é".repeat(200), "-".repeat(100), "a;".repeat(500)];
const nul = ["a\u0000b", "\u0000", "\u0000--help", "vm\u0000; id"];

const combined = [...new Set([...shell, ...options, ...control, ...unicode, ...uri, ...paths, ...long, ...nul])];

export const HOSTILE: readonly string[] = [...combined, ""];

/**
 * URI-level cases for destination URIs (test/unit/uri-libvirt.test.ts runs each against the real
 * virsh): libvirt splits parameters on & and ;, percent-decodes names, ignores their case.
 * URI tails (or whole URIs); @M@ is the marker program's path, @E@ the same percent-encoded. */
export const HOSTILE_URI_TAILS: readonly string[] = [
    "?command=@M@", "?no_tty=1;command=@M@", "?no_tty=1&command=@M@", "?comm%61nd=@M@", "?%63ommand=@M@", "?COMMAND=@M@", "?Command=@M@",
    "?no_tty=1;comm%61nd=@M@", "?no_tty=1&no_tty=0;command=@M@", "?no_tty=1;command=@M@&keyfile=/x", "?command=@E@", "?command=@M@;no_tty=1",
    "?;command=@M@", "?&command=@M@", "?=x;command=@M@", "?no_tty;command=@M@", "?no_tty=1%3Bcommand=@M@", "?no_tty=1%26command=@M@",
    "?keyfile=/x;command=@M@", "?name=qemu:///system;command=@M@", "?command=@M@#x", "?command=@M@&command=/bin/true", "?command%00=@M@",
    "?no_tty=1", "?no_tty=1&keyfile=/root/.ssh/id_ed25519", "?no_tty=1;keyfile=/root/.ssh/id_ed25519", "?NO_TTY=1", "?mode=legacy",
    "?no_tty=1&no_tty=1", "?netcat=@M@", "?no_verify=1", "?socket=@M@", "?%",
    // whole URIs: user-info, host and fragment tricks
    "qemu+ssh://root;command=@M@@127.0.0.99:1/system", "qemu+ssh://-oProxyCommand=@M@@127.0.0.99:1/system",
    "qemu+ssh://root@-oProxyCommand=@M@/system", "qemu+ssh://root@127.0.0.99:1@x/system?command=@M@", "qemu+ssh://root@127.0.0.99:1/system#?command=@M@",
    "qemu+ssh://ro%6Ft@127.0.0.99:1/system?no_tty=1", "qemu+ext:///system?command=@M@", "qemu+ssh://root@127.0.0.99:1/system/?command=@M@",
];

