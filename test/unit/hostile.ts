/** Strings an attacker might choose for a VM name, host, user, URI or path. */
const base = [
    "plain", "with space", "'single'", '"double"', "back`tick`", "$(reboot)", "${IFS}", "a;b", "a|b", "a&b", "a&&b", "a||b",
    "a>b", "a<b", "a\nb", "a\tb", "a\rb", "-", "--", "-h", "--help", "--domain", "-c", "--connect=qemu:///system", "-oProxyCommand=sh",
    "..", "../../etc/passwd", "/etc/shadow", "~root", "*", "?", "[a-z]", "{a,b}", "!event", "#comment", "%00", "%2e%2e", "100%",
    "a@b", "a:b", "a?b=c", "a#b", "qemu+ssh://root@h/system?command=sh", "\u202Eevil", "\u200B", "日本語", "emoji😀", "é",
    "x".repeat(300), "\\", "\\n", "'; rm -rf / #", "\"; shutdown -h now; \"", "$((1+1))", "a\u0000b", " leading", "trailing ",
];
export const HOSTILE: readonly string[] = base;
